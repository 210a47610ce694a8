import { Command } from 'commander';
import { loadSubjectSecret } from '../../audit/keys.js';
import { appendAuditEntry } from '../../audit/log.js';
import { subjectHash } from '../../audit/subject-hash.js';
import { fetchCloudflareObjects } from '../../cloudflare/objects/fetch.js';
import type { CloudflareObjects } from '../../cloudflare/objects/types.js';
import { hashPolicy } from '../../config/load.js';
import { ExitCode } from '../../errors.js';
import { buildEraseJson, buildSubjectJson, renderEraseText, renderSubjectText } from '../../report/subject-text.js';
import { eraseSubject } from '../../subject/erase.js';
import { gatherSubject } from '../../subject/gather.js';
import { createSigner } from '../audit-signer.js';
import { buildCloudflareDeps } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { lockHome } from '../lock.js';
import { parseNetworkOption } from '../options.js';
import type { SetExitCode } from './index.js';

interface SubjectFlags {
  ip: string;
  json?: boolean;
  dryRun?: boolean;
}

export const subjectCommand = (ctx: CliContext, setExitCode: SetExitCode) => {
  const subject = new Command('subject')
    .description("A visitor's request: what is held about their IP (PIPA Art. 35), and its erasure (Art. 36)")
    .addHelpText('after', '\nExamples:\n  luxeret-privacy subject show --ip 203.0.113.5\n  luxeret-privacy subject erase --ip 203.0.113.5 --dry-run\n  luxeret-privacy subject erase --ip 2001:db8::/64 --json');

  const gather = async (flags: SubjectFlags) => {
    const network = parseNetworkOption('--ip', flags.ip);
    const config = ctx.config();
    const db = ctx.store();
    const cloudflare = buildCloudflareDeps(ctx, config);
    let objects: CloudflareObjects | undefined;
    if (cloudflare) {
      objects = await fetchCloudflareObjects(cloudflare.client, config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
      for (const status of objects.statuses) if (status.state !== 'ok' && status.state !== 'not_available') ctx.note(`note: ${status.part} (${status.scope.type} ${status.scope.id}): ${status.message ?? status.state}`);
    }
    const findings = gatherSubject(db, network, objects, config.zones.map((z) => z.id), ctx.now());
    const partial = objects?.statuses.some((s) => s.state === 'error' || s.state === 'not_readable') === true;
    return { network, config, db, cloudflare, findings, partial };
  };

  subject
    .command('show')
    .description('List everything held about an address or range, per location, and what becomes of each copy')
    .requiredOption('--ip <ip-or-cidr>', 'the IPv4/IPv6 address or CIDR range the visitor asked about')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  luxeret-privacy subject show --ip 203.0.113.5 --json')
    .action(async (flags: SubjectFlags) => {
      const { network, config, db, findings, partial } = await gather(flags);
      // An access request is privacy-relevant: recorded, with the keyed hash of the address only.
      appendAuditEntry(db, createSigner(ctx), {
        event: 'subject.show',
        command: 'subject show',
        policy_hash: hashPolicy(config),
        reason: 'Data subject access request (PIPA Art. 35)',
        subjects: [subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), network.text)],
        counts: Object.fromEntries(findings.local.map((l) => [l.id, l.records])),
      });
      ctx.io.stdout(flags.json ? JSON.stringify(buildSubjectJson(findings), null, 2) + '\n' : renderSubjectText(findings));
      if (partial) setExitCode(ExitCode.partial);
    });

  subject
    .command('erase')
    .description('Erase every copy we may delete (local rows, blocking rules and managed-list items naming only it); holds are kept')
    .requiredOption('--ip <ip-or-cidr>', 'the IPv4/IPv6 address or CIDR range to erase')
    .option('--dry-run', 'show what would be erased; change nothing')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  luxeret-privacy subject erase --ip 203.0.113.5 --dry-run\nExit 0 when every erasable copy was erased, 4 when something failed (re-run to retry).')
    .action(async (flags: SubjectFlags) => {
      const dryRun = flags.dryRun === true;
      if (!dryRun) lockHome(ctx, 'subject erase');
      const { network, config, db, cloudflare, findings, partial } = await gather(flags);
      const result = await eraseSubject(
        {
          db,
          config,
          signer: () => createSigner(ctx),
          subject: subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), network.text),
          now: ctx.now,
          cloudflare,
        },
        findings,
        { dryRun },
      );
      ctx.io.stdout(flags.json ? JSON.stringify(buildEraseJson(result, network.text), null, 2) + '\n' : renderEraseText(result, network.text));
      if (partial || result.locations.some((l) => l.failed > 0)) setExitCode(ExitCode.partial);
    });
  return subject;
};
