import { Command } from 'commander';
import { createRestClient } from '../../cloudflare/rest-client.js';
import { parseRestBudget, REST_BUDGET, REST_CONCURRENCY } from '../../cloudflare/rest-pacer.js';
import { createClockRecordingFetch } from '../../cloudflare/server-clock.js';
import type { Config } from '../../config/config.js';
import { UsageError } from '../../errors.js';
import type { CloudflarePurgeDeps } from '../../purge/cloudflare.js';
import { LIST_ITEM_CHANGE_BUDGET, withRestMargin } from '../../purge/cloudflare-delete.js';
import { purgeExpired } from '../../purge/purge.js';
import { buildPurgeJson, renderPurgeText } from '../../report/purge-text.js';
import { createSigner } from '../audit-signer.js';
import type { CliContext } from '../context.js';
import { lockHome } from '../lock.js';
import { parseTimeOption } from '../options.js';
import type { SetExitCode } from './index.js';

interface PurgeFlags {
  dryRun?: boolean;
  asOf?: string;
  json?: boolean;
  force?: boolean;
}

export const purgeCommand = (ctx: CliContext, setExitCode: SetExitCode) =>
  new Command('purge')
    .description('Delete the IP and country records that have outlived their purpose (legal holds are kept)')
    .option('--dry-run', 'print the plan; change nothing anywhere (store, Cloudflare, audit log)')
    .option('--as-of <iso>', 'plan as if it were this time (only with --dry-run)')
    .option('--json', 'print the result as JSON')
    .option('--force', 'delete in Cloudflare even when the plan exceeds safety.max_deletes')
    .addHelpText(
      'after',
      '\nExamples:\n  luxeret-privacy purge --dry-run\n  luxeret-privacy purge --dry-run --as-of 2026-12-31T23:59:59Z --json\n  luxeret-privacy purge          # from cron: exit 0 done, 4 partial, 5 refused, 6 locked',
    )
    .action(async (flags: PurgeFlags) => {
      const asOf = flags.asOf === undefined ? undefined : parseTimeOption('--as-of', flags.asOf);
      const dryRun = flags.dryRun === true;
      if (asOf && !dryRun) {
        throw new UsageError('--as-of is allowed only with --dry-run', { hint: 'Add --dry-run: a real purge always uses the current time.' });
      }
      const config = ctx.config();
      if (!dryRun) lockHome(ctx, 'purge');
      const result = await purgeExpired(
        {
          db: ctx.store(),
          config,
          signer: dryRun ? undefined : () => createSigner(ctx),
          now: ctx.now,
          cloudflare: buildCloudflareDeps(ctx, config),
          onProgress: (progress) =>
            ctx.progress(progress.phase === 'done' ? '' : `purge ${progress.location}: ${progress.phase}${progress.total ? ` ${progress.total}` : ''}`),
        },
        { dryRun, asOf, force: flags.force === true },
      );
      ctx.io.stdout(flags.json ? JSON.stringify(buildPurgeJson(result), null, 2) + '\n' : renderPurgeText(result));
      if (result.locations.some((location) => location.failed > 0 || location.incomplete === true)) setExitCode(4);
    });

/**
 * Cloudflare access for the purge, or undefined (with a note) when there is no token or nothing to reach: the local
 * purge works on its own. `LUXERET_REST_BUDGET` (e.g. `1200/5m`) and `LUXERET_LIST_ITEM_BUDGET` (e.g. `10000/5m`)
 * scale the client's budgets, for a token with a smaller allowance or an emulator with small limits.
 */
export function buildCloudflareDeps(ctx: CliContext, config: Config): CloudflarePurgeDeps | undefined {
  const token = ctx.environment().apiToken;
  if (!token) {
    ctx.note('note: CLOUDFLARE_API_TOKEN is not set; the Cloudflare-held access rules and list items are not purged this run');
    return undefined;
  }
  if (!config.accountId && config.zones.length === 0) {
    ctx.note('note: no account_id or zones configured; the Cloudflare-held access rules and list items are not purged this run');
    return undefined;
  }
  const restBudget = withRestMargin(readBudget(ctx, 'LUXERET_REST_BUDGET') ?? REST_BUDGET);
  const itemBudget = readBudget(ctx, 'LUXERET_LIST_ITEM_BUDGET') ?? LIST_ITEM_CHANGE_BUDGET;
  const clock = createClockRecordingFetch(() => ctx.now().getTime());
  const client = createRestClient({ baseUrl: ctx.environment().baseUrl, token, fetch: clock.fetch, budget: restBudget });
  return { client, itemBudget, concurrency: REST_CONCURRENCY, serverClock: clock.sample };
}

function readBudget(ctx: CliContext, name: string): { capacity: number; windowMs: number } | undefined {
  const text = ctx.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const budget = parseRestBudget(text);
  if (!budget) throw new UsageError(`${name}: "${text}" is not a budget like 1200/5m or 20/5s`);
  return budget;
}
