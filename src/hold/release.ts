import { hashPolicy } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { Hold } from '../policy/holds.js';
import type { HoldDeps } from './deps.js';
import { requireText } from './required-text.js';

export interface HoldReleaseResult {
  readonly id: string;
  readonly outcome: Outcome;
}

/** `hold release`: ends a hold (its records become subject to retention again), with a signed audit entry. */
export async function releaseHold(deps: HoldDeps, options: { readonly id: string; readonly reason: string | undefined }): Promise<HoldReleaseResult> {
  const { id } = options;
  const reason = requireText('--reason', options.reason);
  const store = await deps.store();
  const existing = (await store.readHolds()).find((h) => h.id === id);
  if (existing === undefined || existing.releasedAt !== undefined) throw refusal(existing, id);
  const signer = await deps.signer();
  const subject = deps.subjectHash(existing.network);
  const policyHash = hashPolicy(deps.config());
  const now = deps.now();
  // The release and its audit entry commit together; checked again inside, since another host may have released
  // the hold since (the update then changes nothing and the entry is not written).
  await store.transaction(async (tx) => {
    if (!(await tx.releaseHold(id, now, deps.actor(), reason)))
      throw refusal(
        (await tx.readHolds()).find((h) => h.id === id),
        id,
      );
    await tx.appendAuditEntry(signer, {
      event: 'hold.release',
      command: 'hold release',
      policy_hash: policyHash,
      reason,
      subjects: [subject],
      details: { hold_id: id },
    });
  });
  return { id, outcome: 'done' };
}

/** Why hold `id` cannot be released: there is none, or it was released already. */
function refusal(hold: Hold | undefined, id: string): UsageError {
  if (!hold) return new UsageError(`No hold with id ${id}`, { hint: 'See `luxeret-privacy hold list`.' });
  return new UsageError(`Hold ${id} was already released at ${hold.releasedAt?.toISOString() ?? 'an unknown time'}`);
}
