import { apiError, classifyResponse } from './graphql-response.js';
import { createRateBudget, parseRateLimitHeaders, type RateBudget } from './rate-budget.js';
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

export interface CloudflareClientOptions {
  /** API base, e.g. https://api.cloudflare.com/client/v4 (CLOUDFLARE_BASE_URL); GraphQL is at `<base>/graphql`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: FetchLike;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly budget?: RateBudget;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

export interface CloudflareClientStats {
  readonly requests: number;
  readonly retries: number;
}

export interface CloudflareClient {
  /** Sends one GraphQL query within the rate budget, retrying transient failures; returns `data`. */
  graphql<T>(query: string, variables: Readonly<Record<string, unknown>>): Promise<T>;
  readonly budget: RateBudget;
  stats(): CloudflareClientStats;
}

const GRAPHQL_PATH = '/graphql';

/** Builds the Cloudflare client: GraphQL over undici, paced by a rate budget, with bounded retries. */
export function createCloudflareClient(options: CloudflareClientOptions): CloudflareClient {
  const fetchFn = options.fetch ?? defaultFetch;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const budget = options.budget ?? createRateBudget({ now, sleep });
  const url = `${options.baseUrl.replace(/\/+$/, '')}${GRAPHQL_PATH}`;
  const headers = {
    authorization: `Bearer ${options.token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  let requests = 0;
  let retries = 0;
  const retryDeps = {
    sleep,
    random: options.random ?? Math.random,
    policy: options.retry ?? DEFAULT_RETRY,
    onRetry: (info: { attempt: number; delayMs: number; error: Error }) => {
      retries += 1;
      options.onRetry?.(info);
    },
  };

  const attempt = async <T>(body: string): Promise<Attempt<T>> => {
    await budget.acquire();
    requests += 1;
    let response: HttpResponse;
    try {
      response = await sendOnce(fetchFn, { url, method: 'POST', headers, body, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (err) {
      return { kind: 'retry', error: apiError('Could not reach the Cloudflare API', undefined, err) };
    }
    const limits = parseRateLimitHeaders(response.headers, now());
    budget.observe({ remaining: limits.remaining, resetSeconds: limits.resetSeconds });
    return classifyResponse<T>(response, limits.retryAfterSeconds);
  };

  return {
    budget,
    stats: () => ({ requests, retries }),
    graphql: <T>(query: string, variables: Readonly<Record<string, unknown>>) => {
      const body = JSON.stringify({ query, variables });
      return withRetries<T>(() => attempt<T>(body), retryDeps, (ms) => budget.pause(ms));
    },
  };
}
