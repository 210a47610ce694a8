import { Command } from 'commander';
import { openArchiveClient } from '../../archives/read-archive.js';
import { loadSubjectSecret } from '../../audit/keys.js';
import { subjectHash } from '../../audit/subject-hash.js';
import type { ReadStatus } from '../../cloudflare/objects/types.js';
import type { Network } from '../../policy/network.js';
import { buildEraseJson, buildSubjectJson, renderEraseText, renderSubjectText } from '../../report/subject-text.js';
import { eraseSubjectEverywhere } from '../../subject/erase.js';
import type { SubjectDeps } from '../../subject/read.js';
import { showSubject } from '../../subject/show.js';
import { createSigner } from '../audit-signer.js';
import { buildCloudflareDeps } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { lockStore } from '../lock.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { parseNetworkOption } from '../options.js';

const FORMATS = ['table', 'json'] as const;

interface SubjectFlags {
  ip: string;
  format: (typeof FORMATS)[number];
  json?: boolean;
  dryRun?: boolean;
  scanArchives?: boolean;
}

export const subjectCommand = (ctx: CliContext) => {
  const subject = new Command('subject')
    .description("A visitor's request: what is held about their IP (PIPA Art. 35), and its erasure (Art. 36)")
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy subject show --ip 203.0.113.5\n  luxeret-privacy subject erase --ip 203.0.113.5 --dry-run\n  luxeret-privacy subject erase --ip 2001:db8::/64 --format json',
    );

  const buildDeps = async (): Promise<SubjectDeps> => {
    const config = ctx.config();
    const store = await ctx.storePort();
    return {
      config,
      store,
      cloudflare: await buildCloudflareDeps(ctx, config),
      signer: () => createSigner(ctx),
      subjectHash: (network: Network) => subjectHash(loadSubjectSecret(ctx.paths().subjectSecret), network.text),
      now: ctx.now,
      openArchiveClient: (archive) => openArchiveClient(archive, ctx.env),
    };
  };
  const noteReadProblems = (problems: readonly ReadStatus[]) => {
    for (const status of problems) ctx.note(`note: ${status.part} (${status.scope.type} ${status.scope.id}): ${status.message ?? status.state}`);
  };

  subject
    .command('show')
    .description('List everything held about an address or range, per location, and what becomes of each copy')
    .requiredOption('--ip <ip-or-cidr>', 'the IPv4/IPv6 address or CIDR range the visitor asked about')
    .option(
      '--scan-archives',
      'read the Logpush archive objects (within safety.archive_scan_budget; in a versioned bucket every version) and list those that contain the address',
    )
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExample:\n  luxeret-privacy subject show --ip 203.0.113.5 --format json\n  luxeret-privacy subject show --ip 203.0.113.5 --scan-archives',
    )
    .action(async (flags: SubjectFlags) => {
      const format = readFormat(flags);
      const network = parseNetworkOption('--ip', flags.ip);
      const result = await showSubject(await buildDeps(), { network, scanArchives: flags.scanArchives === true });
      noteReadProblems(result.readProblems);
      ctx.io.stdout(
        format === 'json'
          ? JSON.stringify(buildSubjectJson(result.findings, result.archives), null, 2) + '\n'
          : renderSubjectText(result.findings, result.archives),
      );
      ctx.recordOutcome(result.outcome);
    });

  subject
    .command('erase')
    .description('Erase every copy we may delete (local rows, blocking rules and managed-list items naming only it); holds are kept')
    .requiredOption('--ip <ip-or-cidr>', 'the IPv4/IPv6 address or CIDR range to erase')
    .option('--dry-run', 'show what would be erased; change nothing')
    .addOption(formatOption(FORMATS, 'table'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nExample:\n  luxeret-privacy subject erase --ip 203.0.113.5 --dry-run\nExit 0 when every erasable copy was erased, 4 when something failed (re-run to retry), 3 when no Cloudflare read succeeded.',
    )
    .action(async (flags: SubjectFlags) => {
      const format = readFormat(flags);
      const dryRun = flags.dryRun === true;
      const network = parseNetworkOption('--ip', flags.ip);
      const deps = await buildDeps();
      if (!dryRun) {
        // One erase or purge at a time, across every host sharing the store (exit 6 when another holds it).
        await lockStore(ctx, 'subject erase');
      }
      const result = await eraseSubjectEverywhere(deps, { network, dryRun });
      noteReadProblems(result.readProblems);
      ctx.io.stdout(format === 'json' ? JSON.stringify(buildEraseJson(result, network.text), null, 2) + '\n' : renderEraseText(result, network.text));
      ctx.recordOutcome(result.outcome);
    });
  return subject;
};
