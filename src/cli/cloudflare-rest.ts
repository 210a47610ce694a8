import { createRestClient, type RestClient } from '../cloudflare/rest-client.js';
import { parseRestBudget, REST_BUDGET, REST_CONCURRENCY, type RestBudget } from '../cloudflare/rest-pacer.js';
import { createClockRecordingFetch } from '../cloudflare/server-clock.js';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { CloudflarePurgeDeps } from '../purge/cloudflare.js';
import { LIST_ITEM_CHANGE_BUDGET, withRestMargin } from '../purge/cloudflare-delete.js';
import type { CliContext } from './context.js';

const clients = new WeakMap<CliContext, RestClient>();

/**
 * The run's one REST client (official SDK + shared pacer), so every command part spends the same budget.
 * `LUXERET_REST_BUDGET` (`1200/5m` by default) scales the pacer for a smaller allowance or an emulator.
 */
export function openRestClient(ctx: CliContext): RestClient {
  const existing = clients.get(ctx);
  if (existing) return existing;
  const client = createRestClient({ baseUrl: ctx.environment().baseUrl, token: ctx.apiToken(), budget: readBudget(ctx, 'LUXERET_REST_BUDGET', REST_BUDGET) });
  clients.set(ctx, client);
  return client;
}

/** Whether Cloudflare can be asked at all in this run (a token is set). */
export function hasApiToken(ctx: CliContext): boolean {
  return ctx.environment().apiToken !== undefined;
}

/**
 * Cloudflare access for deleting (purge, subject erase), or undefined with a note when there is no token or nothing
 * to reach: local work goes on alone. `LUXERET_LIST_ITEM_BUDGET` (`10000/5m` by default) scales the list-item budget.
 * The client records the server's `Date` so the purge can refuse a wrong clock without an extra request.
 */
export function buildCloudflareDeps(ctx: CliContext, config: Config): CloudflarePurgeDeps | undefined {
  const token = ctx.environment().apiToken;
  if (!token) {
    ctx.note('note: CLOUDFLARE_API_TOKEN is not set; access rules and list items held in Cloudflare are left alone this run');
    return undefined;
  }
  if (!config.accountId && config.zones.length === 0) {
    ctx.note('note: no account_id or zones configured; access rules and list items held in Cloudflare are left alone this run');
    return undefined;
  }
  // Deletion runs pace at a margin below the budget, leaving room for the dashboard (the limit is per user).
  const restBudget = withRestMargin(readBudget(ctx, 'LUXERET_REST_BUDGET', REST_BUDGET));
  const itemBudget = readBudget(ctx, 'LUXERET_LIST_ITEM_BUDGET', LIST_ITEM_CHANGE_BUDGET);
  const clock = createClockRecordingFetch(() => ctx.now().getTime());
  const client = createRestClient({ baseUrl: ctx.environment().baseUrl, token, fetch: clock.fetch, budget: restBudget });
  return { client, itemBudget, concurrency: REST_CONCURRENCY, serverClock: clock.sample };
}

function readBudget(ctx: CliContext, name: string, fallback: RestBudget): RestBudget {
  const text = ctx.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const budget = parseRestBudget(text);
  if (!budget) throw new UsageError(`${name}: "${text}" is not a budget`, { hint: 'Write requests per window, e.g. 1200/5m or 20/5s.' });
  return budget;
}
