import { randomBytes } from 'node:crypto';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects } from '../cloudflare/objects/types.js';
import { findSubjectReach } from '../cloudflare/subject-reach.js';
import { hashPolicy } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { Hold } from '../policy/holds.js';
import type { Network } from '../policy/network.js';
import type { HoldDeps } from './deps.js';
import { requireText } from './required-text.js';

export interface HoldAddOptions {
  readonly network: Network;
  readonly country?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly until?: Date | undefined;
  /** As given: checked here (required, one line, no IP). */
  readonly reason: string | undefined;
  readonly reference?: string | undefined;
}

/** A Cloudflare rule or list item the hold keeps from the purge. */
export interface ProtectedObject {
  readonly kind: string;
  readonly id: string;
  readonly scope: string;
  readonly value: string;
}

export interface HoldAddResult {
  readonly hold: Hold;
  /** What the hold keeps in Cloudflare; undefined when Cloudflare was not asked or could not answer. */
  readonly protectedObjects: readonly ProtectedObject[] | undefined;
  /** Why the Cloudflare objects could not be listed (the hold is recorded and protects all the same). */
  readonly cloudflareProblem: string | undefined;
  readonly outcome: Outcome;
}

/** `hold add`: validates, records the hold and its signed audit entry together, then lists what it keeps in Cloudflare. */
export async function addHold(deps: HoldDeps, options: HoldAddOptions): Promise<HoldAddResult> {
  const { network, country, from, to, until } = options;
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
  const reason = requireText('--reason', options.reason);
  const reference = options.reference === undefined ? undefined : requireText('--reference', options.reference);
  const now = deps.now();
  // A hold that has already ended protects nothing: almost surely a typo in the year, which would leave data unheld.
  if (until && until.getTime() <= now.getTime()) {
    throw new UsageError(`--until ${until.toISOString()} is not in the future; the hold would protect nothing`, {
      hint: 'Check the date (the year especially). Nothing was changed.',
    });
  }
  const hold: Hold = {
    id: `hold_${randomBytes(4).toString('hex')}`,
    network: network.text,
    country,
    from,
    to,
    until,
    releasedAt: undefined,
    reason,
    reference,
    createdAt: now,
    createdBy: deps.actor(),
  };
  const signer = await deps.signer();
  const subject = deps.subjectHash(network.text);
  const policyHash = hashPolicy(deps.config());
  const store = await deps.store();
  // The hold and its audit entry commit together. On PostgreSQL the entry locks the audit head, which a purge on
  // any host locks before it reads the holds: that purge either sees this hold or waits for it to commit.
  await store.transaction(async (tx) => {
    await tx.insertHold(hold);
    await tx.appendAuditEntry(signer, {
      event: 'hold.add',
      command: 'hold add',
      policy_hash: policyHash,
      reason,
      subjects: [subject],
      details: {
        hold_id: hold.id,
        family: network.family,
        prefix: network.prefix,
        country: country ?? null,
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        until: until?.toISOString() ?? null,
        reference: reference ?? null,
      },
    });
  });
  const listed = await findProtectedObjects(deps, network);
  return { hold, ...listed, outcome: 'done' };
}

/**
 * The Cloudflare rules and items this hold now keeps from the purge (subject reach), so the operator sees what the
 * lawful request protects; undefined when Cloudflare is not configured or readable in this run.
 */
async function findProtectedObjects(deps: HoldDeps, network: Network): Promise<Pick<HoldAddResult, 'protectedObjects' | 'cloudflareProblem'>> {
  const config = deps.config();
  const openClient = deps.cloudflare;
  if (openClient === undefined || (!config.accountId && config.zones.length === 0)) return { protectedObjects: undefined, cloudflareProblem: undefined };
  let objects: CloudflareObjects;
  try {
    objects = await fetchCloudflareObjects(await openClient(), config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
  } catch (err) {
    // The hold is recorded and protects by address whatever Cloudflare answers; only the listing is lost.
    return { protectedObjects: undefined, cloudflareProblem: err instanceof Error ? err.message : String(err) };
  }
  const protectedObjects = findSubjectReach(objects, network).objects.map((object) => ({
    kind: object.kind,
    id: object.id,
    scope: `${object.scope.type}/${object.scope.id}`,
    value: 'value' in object ? object.value : object.values.join(' '),
  }));
  return { protectedObjects, cloudflareProblem: undefined };
}
