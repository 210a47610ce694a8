import { createRestClient, type RestClient } from '../cloudflare/rest-client.js';
import { createRestPacer, parseRestBudget, REST_CONCURRENCY, type FetchFn, type RestBudget, type RestPacer } from '../cloudflare/rest-pacer.js';
import { createClockRecordingFetch, type ServerClockSample } from '../cloudflare/server-clock.js';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import { LIST_ITEM_CHANGE_BUDGET, LIST_REQUEST_BUDGET, REST_BUDGET_SHARE, type CloudflareWriteDeps } from '../cloudflare/objects/delete.js';
import type { CliContext } from './context.js';
import { defaultFetch, type FetchLike } from '../cloudflare/http.js';
import { createCountingFetch, type RequestCount } from '../cloudflare/request-count.js';

interface RunPacer {
  readonly pacer: RestPacer;
  readonly serverClock: () => ServerClockSample | undefined;
}

const pacers = new WeakMap<CliContext, RunPacer>();
const clients = new WeakMap<CliContext, Promise<RestClient>>();

/**
 * The run's one REST pacer: every REST request, and every GraphQL request's cost (G8: GraphQL also counts against
 * the user's REST budget), spends the same budget. It paces to what Cloudflare announces in `Ratelimit-Policy`,
 * held under `LUXERET_REST_BUDGET` when that is set, at a margin below it (the budget is per user, shared with the
 * dashboard). It records the server's `Date`, so a purge can refuse a wrong clock without an extra request.
 */
export function openRestPacer(ctx: CliContext): RestPacer {
  return runPacer(ctx).pacer;
}

function runPacer(ctx: CliContext): RunPacer {
  const existing = pacers.get(ctx);
  if (existing) return existing;
  const clock = createClockRecordingFetch(() => ctx.now().getTime());
  const ceiling = readBudget(ctx, 'LUXERET_REST_BUDGET');
  const pacer = createRestPacer({ ...(ceiling ? { ceiling } : {}), share: REST_BUDGET_SHARE, fetch: clock.fetch, now: ctx.io.now, sleep: ctx.io.sleep });
  const created = { pacer, serverClock: clock.sample };
  pacers.set(ctx, created);
  return created;
}

/**
 * A pacer like the run's, sending through `wrap(fetch)`: doctor records response headers and error bodies under it.
 * Its own, so only doctor's requests are observed.
 */
export function createObservedRestPacer(ctx: CliContext, wrap: (fetch: FetchFn) => FetchFn): RestPacer {
  const ceiling = readBudget(ctx, 'LUXERET_REST_BUDGET');
  return createRestPacer({ ...(ceiling ? { ceiling } : {}), share: REST_BUDGET_SHARE, fetch: wrap(globalThis.fetch), now: ctx.io.now, sleep: ctx.io.sleep });
}

/** The run's one REST client (official SDK + the run's pacer); the SDK is loaded by the first call. */
export function openRestClient(ctx: CliContext): Promise<RestClient> {
  const existing = clients.get(ctx);
  if (existing) return existing;
  const client = createRestClient({
    baseUrl: ctx.environment().baseUrl,
    token: ctx.apiToken(),
    pacer: openRestPacer(ctx),
    now: ctx.io.now,
    sleep: ctx.io.sleep,
  });
  clients.set(ctx, client);
  return client;
}

/** Whether Cloudflare can be asked at all in this run (a token is set). */
export function hasApiToken(ctx: CliContext): boolean {
  return ctx.environment().apiToken !== undefined;
}

/**
 * Cloudflare access for deleting (purge, subject erase), or undefined with a note when there is no token or nothing
 * to reach: local work goes on alone. List changes are paced to Cloudflare's 12-hour list budget (L3);
 * `LUXERET_LIST_ITEM_BUDGET` (`1000000/12h` by default) lowers the item budget.
 */
export async function buildCloudflareDeps(ctx: CliContext, config: Config): Promise<CloudflareWriteDeps | undefined> {
  const token = ctx.environment().apiToken;
  if (!token) {
    ctx.note('note: CLOUDFLARE_API_TOKEN is not set; access rules and list items held in Cloudflare are left alone this run');
    return undefined;
  }
  if (!config.accountId && config.zones.length === 0) {
    ctx.note('note: no account_id or zones configured; access rules and list items held in Cloudflare are left alone this run');
    return undefined;
  }
  const itemBudget = readBudget(ctx, 'LUXERET_LIST_ITEM_BUDGET') ?? LIST_ITEM_CHANGE_BUDGET;
  return {
    client: await openRestClient(ctx),
    itemBudget,
    requestBudget: LIST_REQUEST_BUDGET,
    concurrency: REST_CONCURRENCY,
    serverClock: runPacer(ctx).serverClock,
    now: ctx.io.now,
    sleep: ctx.io.sleep,
  };
}

function readBudget(ctx: CliContext, name: string): RestBudget | undefined {
  const text = ctx.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const budget = parseRestBudget(text);
  if (!budget) throw new UsageError(`${name}: "${text}" is not a budget`, { hint: 'Write requests per window, e.g. 1200/5m or 20/5s.' });
  return budget;
}

// --- metrics (issue 15)
const graphqlCounters = new WeakMap<CliContext, { fetch: FetchLike; count: () => RequestCount }>();

/** The run's GraphQL fetch: the network fetch, counted for the metrics file. */
export function openCountedGraphqlFetch(ctx: CliContext): FetchLike {
  let counter = graphqlCounters.get(ctx);
  if (!counter) graphqlCounters.set(ctx, (counter = createCountingFetch(defaultFetch)));
  return counter.fetch;
}

/** What this run sent to Cloudflare so far: REST through the run's pacer plus GraphQL through the counted fetch. */
export function readRunRequestCount(ctx: CliContext): RequestCount {
  const rest = pacers.get(ctx)?.pacer.stats();
  const graphql = graphqlCounters.get(ctx)?.count();
  return { requests: (rest?.requests ?? 0) + (graphql?.requests ?? 0), rateLimited: (rest?.rateLimited ?? 0) + (graphql?.rateLimited ?? 0) };
}
