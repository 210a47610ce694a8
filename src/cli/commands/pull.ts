import { Command } from 'commander';
import { createAnalyticsGraphqlClient } from '../../cloudflare/analytics-graphql-client.js';
import type { ZoneConfig } from '../../config/config.js';
import { UsageError } from '../../errors.js';
import { pullZones } from '../../pull/pull.js';
import type { PullProgress } from '../../pull/summary.js';
import { buildPullJson, renderPullText } from '../../report/pull-summary.js';
import { openCountedGraphqlFetch, openRestPacer } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import { lockStore } from '../lock.js';
import { formatOption, jsonOption, readFormat } from '../format-option.js';
import { readSinceOption } from '../time-option.js';
import { metricsFileOption, startMetricsRun } from '../metrics-file.js';

interface PullFlags {
  zone?: string;
  since?: string;
  format: (typeof FORMATS)[number];
  json?: boolean;
  metricsFile?: string;
}

const FORMATS = ['table', 'json'] as const;

export const pullCommand = (ctx: CliContext) =>
  new Command('pull')
    .description('Pull security events and request analytics from Cloudflare into the store, resuming where the last pull ended')
    .option('--zone <id>', 'only this zone (default: every zone in the config)')
    .option('--since <duration|iso>', 'pull from this far back (30d, 12h) or this time (default: resume, or the whole look-back window)')
    .addOption(formatOption(FORMATS, 'table', 'output format of the summary'))
    .addOption(jsonOption())
    .addOption(metricsFileOption())
    .addHelpText('after', '\nExamples:\n  luxeret-privacy pull\n  luxeret-privacy pull --zone 023e105f4ecef8ad9ca31a8372d0c353 --since 12h --format json')
    .action(async (flags: PullFlags) => {
      startMetricsRun(ctx, 'pull', flags.metricsFile);
      const format = readFormat(flags);
      const config = ctx.config();
      const zones = selectZones(config.zones, flags.zone);
      const since = flags.since === undefined ? undefined : readSinceOption(ctx, '--since', flags.since);
      // GraphQL requests also spend the user's REST budget (G8): the run's REST pacer is charged for each.
      const client = createAnalyticsGraphqlClient({
        baseUrl: ctx.environment().baseUrl,
        token: ctx.apiToken(),
        restPacer: openRestPacer(ctx),
        fetch: openCountedGraphqlFetch(ctx),
        now: ctx.io.now,
        sleep: ctx.io.sleep,
      });
      const store = await ctx.storePort();
      // One pull at a time per store: the LUXERET_HOME lock file on SQLite, an advisory lock shared by every host on
      // PostgreSQL (exit 6 when held); released when the run ends.
      await lockStore(ctx, 'pull');
      const started = Date.now();
      const summary = await pullZones(
        { client, store, now: ctx.now },
        {
          zones,
          retention: config.retention,
          fields: config.fields,
          since,
          overlapSeconds: config.pull.overlap.ms / 1000,
          onProgress: (p) => ctx.progress(progressLine(p, started)),
        },
      );
      ctx.progress('');
      ctx.io.stdout(format === 'json' ? JSON.stringify(buildPullJson(summary), null, 2) + '\n' : renderPullText(summary));
      const failed = summary.zones.filter((zone) => zone.status === 'failed');
      for (const zone of failed) ctx.io.stderr(`luxeret-privacy: zone ${zone.zoneId}: ${zone.error?.message ?? 'failed'}\n`);
      ctx.recordOutcome(summary.outcome);
      if (failed.some((zone) => zone.error?.status === 401 || zone.error?.status === 403)) {
        ctx.io.stderr('hint: Check CLOUDFLARE_API_TOKEN: it must be valid and allowed Zone Analytics Read for the configured zones.\n');
      }
    });

function selectZones(configured: readonly ZoneConfig[], zoneFlag: string | undefined): readonly ZoneConfig[] {
  if (zoneFlag !== undefined) {
    const zone = configured.find((z) => z.id === zoneFlag || z.name === zoneFlag);
    if (zone) return [zone];
    if (/^[0-9a-f]{32}$/.test(zoneFlag)) return [{ id: zoneFlag, name: undefined }];
    throw new UsageError(`--zone: "${zoneFlag}" is neither a configured zone nor a 32-character hex zone id`);
  }
  if (configured.length === 0) {
    throw new UsageError('No zones to pull: the config lists none', { hint: 'Add your zones under `zones:` in the config file.' });
  }
  return configured;
}

function progressLine(p: PullProgress, startedMs: number): string {
  const seconds = Math.max(0.001, (Date.now() - startedMs) / 1000);
  return `pull ${p.zoneId.slice(0, 8)}… ${p.dataset}: ${p.rows.toLocaleString('en')} rows · window ${Math.min(p.windowsDone + 1, p.windowsTotal)}/${p.windowsTotal} · ${Math.round(p.rows / seconds).toLocaleString('en')}/s`;
}
