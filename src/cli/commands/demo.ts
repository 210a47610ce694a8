import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type * as EmulatorPackage from '@luxeret/cloudflare-emulator';
import { isLang } from '../../report/messages/index.js';
import type { CliContext } from '../context.js';
import { selectLang } from '../lang.js';
import type { Io } from '../io.js';
import { ConfigError, LuxeretError, type ExitCode } from '../../errors.js';

const REPORT_FILE = 'luxeret-demo-report.html';
const LEDGER_FILE = 'luxeret-demo-ledger.html';

interface DemoFlags {
  keep?: boolean;
  lang?: string;
}

/** The whole tool, start to finish, against the bundled emulator: no account, no network. */
export const demoCommand = (ctx: CliContext) =>
  new Command('demo')
    .description('Run init → pull → inventory → purge --dry-run → purge → audit verify → ledger against a bundled Cloudflare emulator')
    .option('--keep', 'keep the temporary LUXERET_HOME and print where it is')
    .option('--lang <lang>', 'language of the report and ledger: ko or en (default: ko when LANG/LC_ALL starts with ko, else en)')
    .addHelpText('after', `\nExample:\n  luxeret-privacy demo          # leaves ${REPORT_FILE} and ${LEDGER_FILE} in the current directory`)
    .action(async (flags: DemoFlags) => {
      const lang = isLang(flags.lang) ? flags.lang : selectLang(undefined, undefined, ctx.env);
      const { seedDemoData, startEmulator, startArchiveServer, seedDemoArchive, DEMO_ARCHIVE } = await importEmulator();
      const { run } = await import('../main.js'); // lazily: main.ts imports this file
      const home = mkdtempSync(join(tmpdir(), 'luxeret-demo-'));
      const token = `demo-${randomBytes(12).toString('hex')}`;
      const emulator = await startEmulator();
      let archiveServer: EmulatorPackage.ArchiveServer | undefined;
      try {
        ctx.note('Starting the bundled Cloudflare emulator with a realistic data set…');
        const now = new Date();
        const demo = seedDemoData(emulator.state, { now, tokenValue: token });
        ctx.note('Starting a local S3-compatible server (s3rver) holding a Logpush archive…');
        archiveServer = await startDemoArchiveServer(() => startArchiveServer({ buckets: [DEMO_ARCHIVE.bucket] }));
        const archive = { ...(await seedDemoArchive(archiveServer, { now })), endpoint: archiveServer.endpoint };
        const configPath = join(home, 'config.yaml');
        if (ctx.env['LUXERET_DATABASE_URL'] !== undefined) {
          ctx.note('note: LUXERET_DATABASE_URL is set; the demo leaves that database alone and uses a throw-away SQLite store in its temporary home');
        }
        const env = {
          ...withoutOperatorSettings(ctx.env),
          LUXERET_HOME: join(home, 'home'),
          LUXERET_CONFIG: configPath,
          CLOUDFLARE_API_TOKEN: token,
          CLOUDFLARE_BASE_URL: emulator.baseUrl,
          // The local server's own key pair, for this run's env only: never printed, good for nothing else.
          AWS_ACCESS_KEY_ID: archiveServer.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: archiveServer.credentials.secretAccessKey,
        };
        const writeConfig = (localRetention: string) => writeFileSync(configPath, demoConfig(demo, archive, localRetention), { mode: 0o600 });
        const steps: { title: string; argv: string[]; before?: () => void }[] = [
          { title: 'Create the store, keys and config', argv: ['init'], before: () => writeConfig('7d') },
          { title: 'Pull security events and request analytics from "Cloudflare"', argv: ['pull'] },
          { title: 'What is held, where, since when', argv: ['inventory'] },
          {
            title:
              'The policy changes: security events (local and the Logpush archive) are kept 2 days, not 7. What would a purge destroy? (dry run: nothing changes)',
            argv: ['purge', '--dry-run'],
            before: () => writeConfig('2d'),
          },
          { title: 'Destroy what has outlived its purpose', argv: ['purge'] },
          { title: 'Verify the audit log, as an auditor would', argv: ['audit', 'verify'] },
          { title: 'The destruction ledger (개인정보파일 파기 관리대장)', argv: ['ledger', '--format', 'md', '--lang', lang] },
          {
            title: `Write the HTML report to ./${REPORT_FILE}`,
            argv: ['inventory', '--format', 'html', '--lang', lang, '--output', join(ctx.io.cwd, REPORT_FILE)],
          },
          { title: `Write the ledger to ./${LEDGER_FILE}`, argv: ['ledger', '--format', 'html', '--lang', lang, '--output', join(ctx.io.cwd, LEDGER_FILE)] },
        ];
        for (const [index, step] of steps.entries()) {
          ctx.io.stdout(`\n── ${index + 1}/${steps.length} ${step.title}\n$ luxeret-privacy ${step.argv.map(quoteForDisplay).join(' ')}\n`);
          step.before?.();
          const code = await run(step.argv, { ...ctx.io, env, isStderrTty: ctx.io.isStderrTty && ctx.globals().quiet !== true } satisfies Io);
          // The demo ends as its failed step did: that step's exit code is the demo's.
          if (code !== 0) throw new LuxeretError(`demo step "${step.argv.join(' ')}" exited ${code}`, code as ExitCode);
        }
        ctx.io.stdout(`\nDone. Open ./${REPORT_FILE} and ./${LEDGER_FILE}. With a real account: see README "The main job".\n`);
      } finally {
        await archiveServer?.close();
        await emulator.close();
        if (flags.keep) ctx.note(`Kept the demo's LUXERET_HOME at ${join(home, 'home')}`);
        else rmSync(home, { recursive: true, force: true });
      }
    });

/**
 * The emulator (with graphql and Cloudflare's 1.4 MB schema) is an optional dependency that only the demo loads, so
 * every other command runs without it and an install with `--omit=optional` leaves it out.
 */
async function importEmulator(): Promise<typeof EmulatorPackage> {
  try {
    return await import('@luxeret/cloudflare-emulator');
  } catch (err) {
    throw missingOptional(err, 'the Cloudflare emulator (@luxeret/cloudflare-emulator and graphql)');
  }
}

/** The archive's S3 server is s3rver, an optional dependency too. */
async function startDemoArchiveServer(start: () => Promise<EmulatorPackage.ArchiveServer>): Promise<EmulatorPackage.ArchiveServer> {
  try {
    return await start();
  } catch (err) {
    throw missingOptional(err, 'an S3-compatible server (s3rver) for its Logpush archive');
  }
}

function missingOptional(err: unknown, what: string): unknown {
  if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') return err;
  return new ConfigError(`The demo needs ${what}, which this installation left out. Nothing was done.`, [], {
    cause: err,
    hint: 'Install luxeret-privacy again without --omit=optional (what the demo needs is optional); the other commands work without it.',
  });
}

/**
 * The operator's own settings stay out of the demo's steps: AWS settings (a profile, a session token, an endpoint)
 * must not reach the demo's local server, and a store named by LUXERET_DATABASE_URL must not receive the demo's
 * made-up events, its foreign audit entries or its purge under a 2-day retention.
 */
function withoutOperatorSettings(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_') && name !== 'LUXERET_DATABASE_URL'));
}

/**
 * Rules and list items are judged over 2 days: the span a first pull's events can cover on these plans. The archive
 * has no retention of its own, so it follows retention.firewall_events.
 */
function demoConfig(demo: EmulatorPackage.DemoSummary, archive: EmulatorPackage.DemoArchiveSummary & { endpoint: string }, localRetention: string): string {
  const zones = demo.zones.map((zone) => `  - id: "${zone.id}"\n    name: "${zone.name}"  # ${zone.plan} plan\n`).join('');
  return `# The demo's config: short retentions, so that a first pull already has something to destroy.
account_id: "${demo.accountId}"
controller: "Luxeret (demo)"
zones:
${zones}retention:
  firewall_events: ${localRetention}
  http_analytics: ${localRetention}
  access_rules: 2d
  list_items: 2d
managed_lists: ["abuse_ips"]
statistics: { min_count: 10 }
safety: { max_deletes: 1000 }
archives:  # what the zone's Logpush job pushed (${archive.objects} objects over ${archive.days} days), here on a local S3 server; with R2: endpoint https://<account_id>.r2.cloudflarestorage.com
  - name: firewall-logpush
    url: s3://${archive.bucket}/${archive.prefix}
    endpoint: ${archive.endpoint}
    region: auto
`;
}

function quoteForDisplay(arg: string): string {
  return /^[\w./:=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
