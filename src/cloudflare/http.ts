import type { Agent, fetch as UndiciFetch } from 'undici';

/** The slice of `fetch` the client needs; undici's and the global one both fit, so tests can inject either. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal; dispatcher?: unknown },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export type Sleep = (ms: number) => Promise<void>;

export interface HttpResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly text: string;
}

/**
 * Keep-alive connections to one API host; undici's default agent would also do, but this caps sockets. undici is
 * loaded on the first request (about 20 MB and 0.1 s at start-up that local commands would pay for nothing).
 */
let undici: Promise<{ fetch: typeof UndiciFetch; agent: Agent }> | undefined;

export const defaultFetch: FetchLike = async (url, init) => {
  undici ??= import('undici').then(({ Agent, fetch }) => ({ fetch, agent: new Agent({ keepAliveTimeout: 10_000, connections: 8 }) }));
  const { fetch, agent } = await undici;
  return fetch(url, { ...init, dispatcher: agent });
};

/**
 * A request header that asks the REST client for no retry (a list write whose 429 means "an operation is pending");
 * not sent on. Here rather than in rest-client.ts, so its users do not load the Cloudflare SDK with it.
 */
export const NO_RETRY_HEADER = 'x-luxeret-no-retry';

export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP exchange; network failures and timeouts reject with the underlying error. */
export async function sendOnce(
  fetchFn: FetchLike,
  request: { url: string; method: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpResponse> {
  const init: Parameters<FetchLike>[1] = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(request.timeoutMs) };
  if (request.body !== undefined) init.body = request.body;
  const response = await fetchFn(request.url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** What one attempt came to: a value, a failure worth retrying (maybe after a server-named delay), or a final one. */
export type Attempt<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'retry'; readonly error: Error; readonly retryAfterMs?: number | undefined }
  | { readonly kind: 'fatal'; readonly error: Error };

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Enough attempts that 25% random faults (20% 429 + 5% 503) fail a request about once in a million. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Capped exponential backoff with jitter: between half and all of min(max, base·2^(n−1)). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryDeps {
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly policy: RetryPolicy;
  /** Called before each retry with the attempt number just failed and the wait chosen. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

/**
 * Runs `attempt` until it succeeds, fails fatally, or `policy.maxAttempts` is spent; then throws the last error.
 * A server-named delay (Retry-After) wins over the backoff; `waitServerDelay` lets the caller spend it elsewhere
 * (the rate budget), so the delay is honoured once, not twice.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<Attempt<T>>, deps: RetryDeps, waitServerDelay?: (ms: number) => void): Promise<T> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.kind === 'ok') return outcome.value;
    if (outcome.kind === 'fatal' || n >= deps.policy.maxAttempts) throw outcome.error;
    if (outcome.retryAfterMs !== undefined && waitServerDelay) {
      waitServerDelay(outcome.retryAfterMs);
      deps.onRetry?.({ attempt: n, delayMs: outcome.retryAfterMs, error: outcome.error });
      continue;
    }
    const delayMs = outcome.retryAfterMs ?? backoffMs(n, deps.policy, deps.random);
    deps.onRetry?.({ attempt: n, delayMs, error: outcome.error });
    await deps.sleep(delayMs);
  }
}
