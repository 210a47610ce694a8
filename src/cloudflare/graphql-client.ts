import { CloudflareApiError } from '../errors.js';
import { createRateBudget, parseRateLimitHeaders, type RateBudget } from './rate-budget.js';
import type { RestPacer } from './rest-pacer.js';
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

export interface CloudflareClientOptions {
  /** API base, e.g. https://api.cloudflare.com/client/v4 (CLOUDFLARE_BASE_URL); GraphQL is at `<base>/graphql`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: FetchLike;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly budget?: RateBudget;
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

export interface CloudflareClientStats {
  readonly requests: number;
  readonly retries: number;
}

export interface GraphqlRequestOptions {
  /** What the query costs against the budgets: (zone or account scopes) × (dataset nodes), G8. Default 1. */
  readonly cost?: number;
}

export interface CloudflareClient {
  /** Sends one GraphQL query within the rate budget, retrying transient failures; returns `data`. */
  graphql<T>(query: string, variables: Readonly<Record<string, unknown>>, options?: GraphqlRequestOptions): Promise<T>;
  readonly budget: RateBudget;
  stats(): CloudflareClientStats;
}

const GRAPHQL_PATH = '/graphql';
const AUTH_HINT = 'Check CLOUDFLARE_API_TOKEN: it must be valid and allowed Zone Analytics Read for the configured zones.';
// Messages Cloudflare documents as transient (reference §2.2); anything else in `errors` is final.
const TRANSIENT_MESSAGE = /try again later|too many queries in progress|rate limiter budget depleted|internal server error|timed? ?out/i;
const BUDGET_DEPLETED = /rate limiter budget depleted/i;
const BUDGET_DEPLETED_WAIT_MS = 300_000;

interface GraphqlBody {
  data?: unknown;
  errors?: { message?: unknown }[] | null;
}

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

  const attempt = async <T>(body: string, cost: number): Promise<Attempt<T>> => {
    await budget.acquire(cost);
    const release = await options.restPacer?.charge(cost);
    requests += 1;
    let response: HttpResponse;
    try {
      response = await sendOnce(fetchFn, { url, method: 'POST', headers, body, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (err) {
      return { kind: 'retry', error: apiError('Could not reach the Cloudflare API', undefined, err) };
    } finally {
      release?.();
    }
    const limits = parseRateLimitHeaders(response.headers, now());
    budget.observe({ remaining: limits.remaining, resetSeconds: limits.resetSeconds });
    return classifyResponse<T>(response, limits.retryAfterSeconds);
  };

  return {
    budget,
    stats: () => ({ requests, retries }),
    graphql: <T>(query: string, variables: Readonly<Record<string, unknown>>, request: GraphqlRequestOptions = {}) => {
      const body = JSON.stringify({ query, variables });
      const cost = Math.max(1, Math.ceil(request.cost ?? 1));
      return withRetries<T>(() => attempt<T>(body, cost), retryDeps, (ms) => budget.pause(ms));
    },
  };
}

/** Decides what one GraphQL response means: data, a transient failure, or a final error. Pure. */
export function classifyResponse<T>(response: HttpResponse, retryAfterSeconds: number | undefined): Attempt<T> {
  const { status } = response;
  const parsed = parseBody(response.text);
  const messages = parsed?.errors?.map((e) => (typeof e.message === 'string' ? e.message : 'unknown error')) ?? [];
  const summary = messages.length > 0 ? `: ${messages.slice(0, 3).join('; ')}` : '';
  const retryAfterMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : undefined;

  if (status === 429) {
    const waitMs = retryAfterMs ?? (messages.some((m) => BUDGET_DEPLETED.test(m)) ? BUDGET_DEPLETED_WAIT_MS : undefined);
    return { kind: 'retry', error: apiError(`Cloudflare rate limit reached (HTTP 429)${summary}`, status), retryAfterMs: waitMs };
  }
  if (status === 401 || status === 403) {
    return { kind: 'fatal', error: apiError(`Cloudflare refused the API token (HTTP ${status})${summary}`, status, undefined, AUTH_HINT) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retry', error: apiError(`Cloudflare API failed (HTTP ${status})${summary}`, status), retryAfterMs };
  }
  if (parsed === undefined) {
    const error = apiError(`Cloudflare sent a malformed response (HTTP ${status})`, status);
    return status >= 200 && status < 300 ? { kind: 'retry', error } : { kind: 'fatal', error };
  }
  if (messages.length > 0) {
    if (messages.some((m) => /^unauthorized$|not authorized|does not have access/i.test(m))) {
      return { kind: 'fatal', error: apiError(`Cloudflare refused the query${summary}`, status, undefined, AUTH_HINT) };
    }
    if (messages.every((m) => TRANSIENT_MESSAGE.test(m))) {
      const waitMs = retryAfterMs ?? (messages.some((m) => BUDGET_DEPLETED.test(m)) ? BUDGET_DEPLETED_WAIT_MS : undefined);
      return { kind: 'retry', error: apiError(`Cloudflare could not answer the query${summary}`, status), retryAfterMs: waitMs };
    }
    return { kind: 'fatal', error: apiError(`Cloudflare rejected the query${summary}`, status) };
  }
  if (status < 200 || status >= 300) return { kind: 'fatal', error: apiError(`Cloudflare API failed (HTTP ${status})`, status) };
  if (parsed.data === null || typeof parsed.data !== 'object') {
    return { kind: 'retry', error: apiError('Cloudflare sent a GraphQL response without data', status) };
  }
  return { kind: 'ok', value: parsed.data as T };
}

function parseBody(text: string): GraphqlBody | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

function apiError(message: string, status: number | undefined, cause?: unknown, hint?: string): CloudflareApiError {
  const options: { cause?: unknown; hint?: string } = {};
  if (cause !== undefined) options.cause = cause;
  if (hint !== undefined) options.hint = hint;
  const details: { status?: number; method: string; path: string } = { method: 'POST', path: GRAPHQL_PATH };
  if (status !== undefined) details.status = status;
  return new CloudflareApiError(message, details, options);
}
