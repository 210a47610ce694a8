import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { purgeExpired } from '../../purge/purge.js';
import { buildPurgeJson, renderPurgeText } from '../../report/purge-text.js';
import { createSigner } from '../audit-signer.js';
import { fetchServerClock } from '../../cloudflare/server-clock.js';
import { buildCloudflareDeps } from '../cloudflare-rest.js';
import { openArchiveClient } from '../../archives/read-archive.js';
import type { CliContext } from '../context.js';
import { lockStore } from '../lock.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { formatProgress } from '../progress-line.js';
import { readTimeOption } from '../time-option.js';
import { metricsFileOption, startMetricsRun } from '../metrics-file.js';
import { noteSqliteLeftBehind } from '../store-left-behind.js';

const FORMATS = ['table', 'json'] as const;

interface PurgeFlags {
  dryRun?: boolean;
  asOf?: string;
  format: (typeof FORMATS)[number];
  json?: boolean;
  force?: boolean;
  trustClock?: boolean;
  metricsFile?: string;
}

export const purgeCommand = (ctx: CliContext) =>
  new Command('purge')
    .description('Delete the IP and country records that have outlived their purpose (legal holds are kept)')
    .option('--dry-run', 'print the plan; change nothing anywhere (store, Cloudflare, audit log; archive objects are only read)')
    .option('--as-of <iso>', 'plan as if it were this time (only with --dry-run)')
    .addOption(formatOption(FORMATS, 'table', 'output format of the result'))
    .addOption(jsonOption())
    .option('--force', 'delete in Cloudflare even when the plan exceeds safety.max_deletes')
    .option('--trust-clock', "purge locally even when the clock cannot be checked against Cloudflare's (recorded in the audit log)")
    .addOption(metricsFileOption())
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy purge --dry-run\n  luxeret-privacy purge --dry-run --as-of 2026-12-31T23:59:59Z --format json\n  luxeret-privacy purge          # from cron: exit 0 done, 4 partial, 5 refused, 6 locked',
    )
    .action(async (flags: PurgeFlags) => {
      // A dry run changes nothing: the metrics file describes real purges only.
      if (flags.dryRun !== true) startMetricsRun(ctx, 'purge', flags.metricsFile);
      const format = readFormat(flags);
      const asOf = flags.asOf === undefined ? undefined : readTimeOption(ctx, '--as-of', flags.asOf);
      const dryRun = flags.dryRun === true;
      if (asOf && !dryRun) {
        throw new UsageError('--as-of is allowed only with --dry-run', { hint: 'Add --dry-run: a real purge always uses the current time.' });
      }
      const config = ctx.config();
      const store = await ctx.storePort();
      noteSqliteLeftBehind(ctx);
      // One purge at a time across every host sharing the store (exit 6 when another holds it).
      if (!dryRun) await lockStore(ctx, 'purge');
      const started = new Map<string, number>();
      const result = await purgeExpired(
        {
          store,
          config,
          signer: dryRun ? undefined : () => createSigner(ctx),
          now: ctx.now,
          cloudflare: await buildCloudflareDeps(ctx, config),
          readServerClock: () => fetchServerClock(ctx.environment().baseUrl, () => ctx.now().getTime()),
          openArchiveClient: (archive) => openArchiveClient(archive, ctx.env),
          onProgress: (progress) => {
            const key = `${progress.location}:${progress.phase}`;
            if (!started.has(key)) started.set(key, Date.now());
            ctx.progress(
              progress.phase === 'done'
                ? ''
                : formatProgress(`purge ${progress.location}: ${progress.phase}`, progress.done, progress.total, started.get(key)!, Date.now()),
            );
          },
        },
        { dryRun, asOf, force: flags.force === true, trustClock: flags.trustClock === true },
      );
      for (const location of result.locations) for (const message of location.serverMessages ?? []) ctx.note(`${location.id}: Cloudflare said: ${message}`);
      if (!result.dryRun) ctx.metricsRun.deleted = result.locations.map((location) => ({ location: location.id, deleted: location.deleted }));
      ctx.io.stdout(format === 'json' ? JSON.stringify(buildPurgeJson(result), null, 2) + '\n' : renderPurgeText(result));
      ctx.recordOutcome(result.outcome);
    });
