import { randomBytes } from 'node:crypto';
import Table from 'cli-table3';
import { Command } from 'commander';
import { containsRawIp } from '../../audit/guard.js';
import { appendAuditEntry } from '../../audit/log.js';
import { loadSubjectSecret } from '../../audit/keys.js';
import { subjectHash } from '../../audit/subject-hash.js';
import { hashPolicy } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { isHoldActive, type Hold } from '../../policy/holds.js';
import { insertHold, readHolds, releaseHold } from '../../store/holds.js';
import { fetchCloudflareObjects } from '../../cloudflare/objects/fetch.js';
import type { CloudflareObjects } from '../../cloudflare/objects/types.js';
import { findSubjectReach } from '../../cloudflare/subject-reach.js';
import type { Network } from '../../policy/network.js';
import { createSigner } from '../audit-signer.js';
import { hasApiToken, openRestClient } from '../cloudflare-rest.js';
import { sanitiseTerminalText } from '../../report/terminal-text.js';
import type { CliContext } from '../context.js';
import { parseCountryOption, parseNetworkOption } from '../options.js';
import { readTimeOption } from '../time-option.js';
import type { SetExitCode } from './index.js';

interface AddFlags {
  ip?: string;
  country?: string;
  from?: string;
  to?: string;
  reason?: string;
  reference?: string;
  until?: string;
  json?: boolean;
}

export const holdCommand = (ctx: CliContext, _setExitCode: SetExitCode) => {
  const hold = new Command('hold')
    .description('Legal holds: records of an IP or range that must be kept for a lawful request, whatever their age')
    .addHelpText('after', '\nExamples:\n  luxeret-privacy hold add --ip 203.0.113.0/24 --reason "Police request" --reference "KNPA-2026-123" --until 2027-06-01T00:00:00Z\n  luxeret-privacy hold list\n  luxeret-privacy hold release hold_1a2b3c4d --reason "Case closed"');

  hold
    .command('add')
    .description('Add a hold; prints its id')
    // Checked in the action, not by commander: its missing-option error would hide a misspelled flag such as --reasn.
    .option('--ip <ip-or-cidr>', 'IPv4/IPv6 address or CIDR range (required)')
    .option('--country <cc>', 'only records from this country (ISO 3166 alpha-2)')
    .option('--from <iso>', 'only records from this time on')
    .option('--to <iso>', 'only records before this time')
    .option('--reason <text>', 'why (recorded in the audit log; must not contain an IP) (required)')
    .option('--reference <ref>', 'the request or case reference')
    .option('--until <iso>', 'the hold stops protecting at this time')
    .option('--json', 'print the new hold as JSON')
    .addHelpText('after', '\nExample:\n  luxeret-privacy hold add --ip 2001:db8::/48 --country KR --from 2026-11-01T00:00:00Z --reason "Prosecutor order" --reference "2026-Hyung-42"')
    .action(async (flags: AddFlags) => {
      const network = parseNetworkOption('--ip', requireOption('--ip', flags.ip));
      const country = flags.country === undefined ? undefined : parseCountryOption('--country', flags.country);
      const from = flags.from === undefined ? undefined : readTimeOption(ctx, '--from', flags.from);
      const to = flags.to === undefined ? undefined : readTimeOption(ctx, '--to', flags.to);
      const until = flags.until === undefined ? undefined : readTimeOption(ctx, '--until', flags.until);
      if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
      const reason = requireText('--reason', flags.reason);
      const reference = flags.reference === undefined ? undefined : requireText('--reference', flags.reference);
      const now = ctx.now();
      // A hold that has already ended protects nothing: almost surely a typo in the year, which would leave data unheld.
      if (until && until.getTime() <= now.getTime()) {
        throw new UsageError(`--until ${until.toISOString()} is not in the future; the hold would protect nothing`, { hint: 'Check the date (the year especially). Nothing was changed.' });
      }
      const created: Hold = {
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
        createdBy: ctx.actor(),
      };
      const db = ctx.store();
      const signer = createSigner(ctx);
      const subject = subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), network.text);
      const policyHash = hashPolicy(ctx.config());
      db.transaction(() => {
        insertHold(db, created);
        appendAuditEntry(db, signer, {
          event: 'hold.add',
          command: 'hold add',
          policy_hash: policyHash,
          reason,
          subjects: [subject],
          details: {
            hold_id: created.id,
            family: network.family,
            prefix: network.prefix,
            country: country ?? null,
            from: from?.toISOString() ?? null,
            to: to?.toISOString() ?? null,
            until: until?.toISOString() ?? null,
            reference: reference ?? null,
          },
        });
      })();
      const protectedObjects = await findProtectedObjects(ctx, network);
      if (flags.json) {
        ctx.io.stdout(JSON.stringify({ ...holdJson(created, now), cloudflare_objects: protectedObjects ?? null }, null, 2) + '\n');
        return;
      }
      ctx.io.stdout(`${created.id}\n`);
      if (protectedObjects && protectedObjects.length > 0) {
        ctx.note(`The hold also keeps ${protectedObjects.length} Cloudflare object(s) naming this address or a range around it:`);
        for (const object of protectedObjects) ctx.note(`  ${object.kind} ${object.id} (${object.scope}): ${object.value}`);
      }
    });

  hold
    .command('list')
    .description('List holds, active and ended')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  luxeret-privacy hold list --json')
    .action((flags: { json?: boolean }) => {
      const now = ctx.now();
      const holds = readHolds(ctx.store());
      if (flags.json) {
        ctx.io.stdout(JSON.stringify(holds.map((h) => holdJson(h, now)), null, 2) + '\n');
        return;
      }
      if (holds.length === 0) {
        ctx.io.stdout('No holds.\n');
        return;
      }
      const table = new Table({ head: ['id', 'status', 'ip', 'country', 'records from', 'records to', 'until', 'reason', 'reference'], style: { head: [], border: [] } });
      for (const h of holds) {
        // Holds written before control characters were refused may still carry them.
        table.push([h.id, holdStatus(h, now), h.network, h.country ?? '', iso(h.from), iso(h.to), iso(h.until), sanitiseTerminalText(h.reason), sanitiseTerminalText(h.reference ?? '')]);
      }
      ctx.io.stdout(table.toString() + '\n');
    });

  hold
    .command('release')
    .description('Release a hold: its records become subject to retention again')
    .argument('<id>', 'the hold id (from hold add / hold list)')
    .option('--reason <text>', 'why (recorded in the audit log) (required)')
    .addHelpText('after', '\nExample:\n  luxeret-privacy hold release hold_1a2b3c4d --reason "Case closed by the investigator"')
    .action((id: string, flags: { reason?: string }) => {
      const reason = requireText('--reason', flags.reason);
      const db = ctx.store();
      const existing = readHolds(db).find((h) => h.id === id);
      if (!existing) throw new UsageError(`No hold with id ${id}`, { hint: 'See `luxeret-privacy hold list`.' });
      if (existing.releasedAt) throw new UsageError(`Hold ${id} was already released at ${existing.releasedAt.toISOString()}`);
      const signer = createSigner(ctx);
      const subject = subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), existing.network);
      const policyHash = hashPolicy(ctx.config());
      const now = ctx.now();
      db.transaction(() => {
        releaseHold(db, id, now, ctx.actor(), reason);
        appendAuditEntry(db, signer, {
          event: 'hold.release',
          command: 'hold release',
          policy_hash: policyHash,
          reason,
          subjects: [subject],
          details: { hold_id: id },
        });
      })();
      ctx.io.stdout(`released ${id}\n`);
    });
  return hold;
};

/**
 * The Cloudflare rules and items this hold now keeps from the purge (subject reach), so the operator sees what the
 * lawful request protects; undefined when Cloudflare is not configured or readable in this run.
 */
async function findProtectedObjects(ctx: CliContext, network: Network): Promise<{ kind: string; id: string; scope: string; value: string }[] | undefined> {
  const config = ctx.config();
  if (!hasApiToken(ctx) || (!config.accountId && config.zones.length === 0)) return undefined;
  let objects: CloudflareObjects;
  try {
    objects = await fetchCloudflareObjects(openRestClient(ctx), config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
  } catch (err) {
    // The hold is recorded and protects by address whatever Cloudflare answers; only the listing is lost.
    ctx.note(`note: could not list the Cloudflare objects the hold keeps: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  return findSubjectReach(objects, network).objects.map((object) => ({
    kind: object.kind,
    id: object.id,
    scope: `${object.scope.type}/${object.scope.id}`,
    value: 'value' in object ? object.value : object.values.join(' '),
  }));
}

/** A mandatory option, checked after commander has reported any unknown (misspelled) option. */
function requireOption(option: string, value: string | undefined): string {
  // Commander's own wording, so the message reads the same as for any other missing option.
  const flag = option === '--ip' ? '--ip <ip-or-cidr>' : `${option} <text>`;
  if (value === undefined) throw new UsageError(`required option '${flag}' not specified`, { hint: 'See `luxeret-privacy hold --help`.' });
  return value;
}

function requireText(option: string, value: string | undefined): string {
  const text = requireOption(option, value).trim();
  if (text === '') throw new UsageError(`${option}: must not be empty`);
  // Shown in `hold list` and `audit show` on an operator's terminal: no escape sequences or other control characters.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) throw new UsageError(`${option}: must not contain control characters (escape sequences, line breaks)`);
  // The text goes into the audit log, which must never hold a raw IP: the same test the log's guard applies.
  if (containsRawIp(text)) throw new UsageError(`${option}: must not contain an IP address: it is recorded in the audit log`, { hint: 'Put the address in --ip only.' });
  return text;
}

function holdStatus(hold: Hold, now: Date): string {
  if (hold.releasedAt) return 'released';
  return isHoldActive(hold, now) ? 'active' : 'expired';
}

function holdJson(hold: Hold, now: Date): object {
  return {
    id: hold.id,
    status: holdStatus(hold, now),
    ip: hold.network,
    country: hold.country ?? null,
    from: hold.from?.toISOString() ?? null,
    to: hold.to?.toISOString() ?? null,
    until: hold.until?.toISOString() ?? null,
    reason: hold.reason,
    reference: hold.reference ?? null,
    created_at: hold.createdAt.toISOString(),
    created_by: hold.createdBy,
    released_at: hold.releasedAt?.toISOString() ?? null,
  };
}

function iso(date: Date | undefined): string {
  return date?.toISOString() ?? '';
}
