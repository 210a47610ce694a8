import { Command } from 'commander';
import { loadSubjectSecret } from '../../audit/keys.js';
import { subjectHash } from '../../audit/subject-hash.js';
import { addHold } from '../../hold/add.js';
import type { HoldDeps } from '../../hold/deps.js';
import { requireOption } from '../../hold/required-text.js';
import { listHolds } from '../../hold/list.js';
import { releaseHold } from '../../hold/release.js';
import { buildHoldJson, renderHoldTable } from '../../report/hold-text.js';
import { createSigner } from '../audit-signer.js';
import { hasApiToken, openRestClient } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { parseCountryOption, parseNetworkOption } from '../options.js';
import { readTimeOption } from '../time-option.js';

interface AddFlags {
  ip?: string;
  country?: string;
  from?: string;
  to?: string;
  reason?: string;
  reference?: string;
  until?: string;
  format: Format;
  json?: boolean;
}

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const holdCommand = (ctx: CliContext) => {
  const hold = new Command('hold')
    .description('Legal holds: records of an IP or range that must be kept for a lawful request, whatever their age')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy hold add --ip 203.0.113.0/24 --reason "Police request" --reference "KNPA-2026-123" --until 2027-06-01T00:00:00Z\n  luxeret-privacy hold list\n  luxeret-privacy hold release hold_1a2b3c4d --reason "Case closed"',
    );

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
    .addOption(formatOption(FORMATS, 'table', 'output format; table: the new hold id'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExample:\n  luxeret-privacy hold add --ip 2001:db8::/48 --country KR --from 2026-11-01T00:00:00Z --reason "Prosecutor order" --reference "2026-Hyung-42"',
    )
    .action(async (flags: AddFlags) => {
      const format = readFormat(flags);
      const network = parseNetworkOption('--ip', requireOption('--ip', flags.ip));
      const country = flags.country === undefined ? undefined : parseCountryOption('--country', flags.country);
      const from = flags.from === undefined ? undefined : readTimeOption(ctx, '--from', flags.from);
      const to = flags.to === undefined ? undefined : readTimeOption(ctx, '--to', flags.to);
      const until = flags.until === undefined ? undefined : readTimeOption(ctx, '--until', flags.until);
      const result = await addHold(buildHoldDeps(ctx), { network, country, from, to, until, reason: flags.reason, reference: flags.reference });
      if (result.cloudflareProblem !== undefined) ctx.note(`note: could not list the Cloudflare objects the hold keeps: ${result.cloudflareProblem}`);
      const objects = result.protectedObjects;
      if (format === 'json') {
        ctx.io.stdout(JSON.stringify({ ...buildHoldJson(result.hold, result.hold.createdAt), cloudflare_objects: objects ?? null }, null, 2) + '\n');
      } else {
        ctx.io.stdout(`${result.hold.id}\n`);
        if (objects && objects.length > 0) {
          ctx.note(`The hold also keeps ${objects.length} Cloudflare object(s) naming this address or a range around it:`);
          for (const object of objects) ctx.note(`  ${object.kind} ${object.id} (${object.scope}): ${object.value}`);
        }
      }
      ctx.recordOutcome(result.outcome);
    });

  hold
    .command('list')
    .description('List holds, active and ended')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .addHelpText('after', '\nExample:\n  luxeret-privacy hold list --format json')
    .action(async (flags: { format: Format; json?: boolean }) => {
      const format = readFormat(flags);
      const result = await listHolds(buildHoldDeps(ctx));
      ctx.io.stdout(
        format === 'json'
          ? JSON.stringify(
              result.holds.map((h) => buildHoldJson(h, result.now)),
              null,
              2,
            ) + '\n'
          : renderHoldTable(result.holds, result.now),
      );
      ctx.recordOutcome(result.outcome);
    });

  hold
    .command('release')
    .description('Release a hold: its records become subject to retention again')
    .argument('<id>', 'the hold id (from hold add / hold list)')
    .option('--reason <text>', 'why (recorded in the audit log) (required)')
    .addHelpText('after', '\nExample:\n  luxeret-privacy hold release hold_1a2b3c4d --reason "Case closed by the investigator"')
    .action(async (id: string, flags: { reason?: string }) => {
      const result = await releaseHold(buildHoldDeps(ctx), { id, reason: flags.reason });
      ctx.io.stdout(`released ${result.id}\n`);
      ctx.recordOutcome(result.outcome);
    });
  return hold;
};

function buildHoldDeps(ctx: CliContext): HoldDeps {
  return {
    store: ctx.storePort,
    config: ctx.config,
    signer: () => createSigner(ctx),
    subjectHash: (network) => subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), network),
    actor: ctx.actor,
    now: ctx.now,
    cloudflare: hasApiToken(ctx) ? () => openRestClient(ctx) : undefined,
  };
}
