import { apiError, classifyResponse } from './graphql-response.js';
import { createRateBudget, GRAPHQL_BUDGET, parseRateLimitHeaders, type RateBudget } from './rate-budget.js';
import { createRestPacer, type RestBudget, type RestPacer } from './rest-pacer.js';
import type { ServerClockSample } from './server-clock.js';
import {
  DEFAULT_RETRY,
  defaultFetch,
  defaultSleep,
  sendOnce,
  withRetries,
  type Attempt,
  type FetchLike,
  type HttpResponse,
  type RetryPolicy,
  type Sleep,
} from './http.js';

export { classifyResponse, GraphqlQueryError, type GraphqlRefusal } from './graphql-response.js';

export interface AnalyticsGraphqlClientOptions {
  /** API base, e.g. https://api.cloudflare.com/client/v4 (CLOUDFLARE_BASE_URL); GraphQL is at `<base>/graphql`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: FetchLike;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly budget?: RateBudget;
  /** The GraphQL query budget the server counts in a sliding window (G8: 300 / 5 min per user); cost units. */
  readonly window?: RestBudget;
  /**
   * The REST pacer of the same run: GraphQL limits apply in addition to the general API limit, so each GraphQL
   * request is also charged against the user's REST budget (G8). GraphQL answers carry no rate headers (G9): this
   * client paces from its own count and the 429.
   */
  readonly restPacer?: Pick<RestPacer, 'charge'>;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

export interface AnalyticsGraphqlClientStats {
  readonly requests: number;
  readonly retries: number;
}

export interface GraphqlRequestOptions {
  /** What the query costs against the budgets: (zone or account scopes) × (dataset nodes), G8. Default 1. */
  readonly cost?: number;
}

export interface AnalyticsGraphqlClient {
  /** Sends one GraphQL query within the rate budget, retrying transient failures; returns `data`. */
  graphql<T>(query: string, variables: Readonly<Record<string, unknown>>, options?: GraphqlRequestOptions): Promise<T>;
  readonly budget: RateBudget;
  /** The newest answer's `Date` header with our clock when it arrived: a clock check needs no extra request. */
  serverClock(): ServerClockSample | undefined;
  stats(): AnalyticsGraphqlClientStats;
}

const GRAPHQL_PATH = '/graphql';

/** Builds the Cloudflare GraphQL Analytics API client: GraphQL over undici, paced by a rate budget, with bounded retries. */
export function createAnalyticsGraphqlClient(options: AnalyticsGraphqlClientOptions): AnalyticsGraphqlClient {
  const fetchFn = options.fetch ?? defaultFetch;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const budget = options.budget ?? createRateBudget({ now, sleep });
  // The token bucket alone could spend its capacity twice in one window (full at start, then refilled), and an
  // over-budget user is refused for 5 minutes: a sliding-window log holds each request's cost for one window after
  // its answer, as the REST pacer does, so the server's window never sees more than the budget of ours.
  const ownWindow = createRestPacer({ budget: options.window ?? GRAPHQL_BUDGET, now, sleep, maxInFlight: Number.MAX_SAFE_INTEGER });
  const url = `${options.baseUrl.replace(/\/+$/, '')}${GRAPHQL_PATH}`;
  const headers = {
    authorization: `Bearer ${options.token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  let requests = 0;
  let retries = 0;
  let clock: ServerClockSample | undefined;
  const retryDeps = {
    sleep,
    random: options.random ?? Math.random,
    policy: options.retry ?? DEFAULT_RETRY,
    onRetry: (info: { attempt: number; delayMs: number; error: Error }) => {
      retries += 1;
      options.onRetry?.(info);
    },
  };

  const attempt = async <T>(body: string, cost: number): Promise<Attempt<T>> => {
    await budget.acquire(cost);
    const leaveWindow = await ownWindow.charge(cost);
    const release = await options.restPacer?.charge(cost);
    requests += 1;
    let response: HttpResponse;
    try {
      response = await sendOnce(fetchFn, { url, method: 'POST', headers, body, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (err) {
      return { kind: 'retry', error: apiError('Could not reach the Cloudflare API', undefined, err) };
    } finally {
      release?.();
      leaveWindow();
    }
    const serverMs = Date.parse(response.headers.get('date') ?? '');
    if (!Number.isNaN(serverMs)) clock = { serverMs, localMs: now() };
    const limits = parseRateLimitHeaders(response.headers, now());
    budget.observe({ remaining: limits.remaining, resetSeconds: limits.resetSeconds });
    return classifyResponse<T>(response, limits.retryAfterSeconds);
  };

  return {
    budget,
    serverClock: () => clock,
    stats: () => ({ requests, retries }),
    graphql: <T>(query: string, variables: Readonly<Record<string, unknown>>, request: GraphqlRequestOptions = {}) => {
      const body = JSON.stringify({ query, variables });
      const cost = Math.max(1, Math.ceil(request.cost ?? 1));
      return withRetries<T>(
        () => attempt<T>(body, cost),
        retryDeps,
        (ms) => budget.pause(ms),
      );
    },
  };
}
