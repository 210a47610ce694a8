import type Cloudflare from 'cloudflare';
import { backoffMs, defaultSleep, NO_RETRY_HEADER, type RetryPolicy, type Sleep } from './http.js';
import { parseRateLimitHeaders } from './rate-budget.js';
import { createRestPacer, type FetchFn, type RestBudget, type RestPacer } from './rest-pacer.js';

export interface RestClientOptions {
  /** API base, e.g. https://api.cloudflare.com/client/v4 (CLOUDFLARE_BASE_URL). */
  readonly baseUrl: string;
  readonly token: string;
  /** Shared with other REST clients of the same run, so they spend one budget; created when absent. */
  readonly pacer?: RestPacer;
  /** For a pacer created here: the budget before the server announces one, an operator's ceiling, the share used. */
  readonly budget?: RestBudget;
  readonly ceiling?: RestBudget;
  readonly share?: number;
  readonly maxInFlight?: number;
  /** The network fetch under the pacer (tests hand in one that refuses any host but 127.0.0.1). */
  readonly fetch?: FetchFn;
  /** The pacer's clock and sleep (tests inject a virtual clock). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Retries of a request after 408/409/429/5xx or a connection failure (our own; the SDK's are off). */
  readonly maxRetries?: number;
  readonly random?: () => number;
  readonly timeoutMs?: number;
}

export interface RestClient {
  readonly sdk: Cloudflare;
  readonly pacer: RestPacer;
}

/** Enough for a 429 (the pacer pauses everyone) and a few transient 5xx before a part is reported as an error. */
export const REST_MAX_RETRIES = 4;
/** The SDK's own backoff, which these retries replace: 0.5 s doubling up to 8 s. */
const REST_BACKOFF = { baseDelayMs: 500, maxDelayMs: 8_000 } as const;
/** Per attempt; the SDK's own timeout then only bounds a whole series of attempts. */
const REST_ATTEMPT_TIMEOUT_MS = 60_000;
/** The SDK's timeout, for a request with every retry and wait (setTimeout's limit is 2^31 - 1 ms). */
const SDK_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The official SDK client, pointed at `baseUrl`, sending every request through the shared pacer. Its own retries are
 * off: they wait on real timers. Ours (retryingFetch) wait through the injected `sleep`, each attempt paced. The SDK
 * is imported here, on first use: its index loads every resource (some 1,500 modules), which commands that never
 * ask Cloudflare must not pay. Its errors come from `cloudflare/error`, the same classes, so no caller needs the index.
 */
export async function createRestClient(options: RestClientOptions): Promise<RestClient> {
  const { default: Cloudflare } = await import('cloudflare');
  const pacer =
    options.pacer ??
    createRestPacer({
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.ceiling ? { ceiling: options.ceiling } : {}),
      ...(options.share !== undefined ? { share: options.share } : {}),
      ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  const fetch = retryingFetch(pacer.fetch, {
    maxRetries: options.maxRetries ?? REST_MAX_RETRIES,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    timeoutMs: options.timeoutMs ?? REST_ATTEMPT_TIMEOUT_MS,
  });
  const sdk = new Cloudflare({
    apiToken: options.token,
    // Only the token: credentials the SDK would otherwise pick up from process.env must not ride along.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.baseUrl,
    fetch,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    // The SDK logs to the console by default; our output goes through the CLI's io only.
    logLevel: 'off',
  });
  return { sdk, pacer };
}

interface RetryingFetchOptions {
  readonly maxRetries: number;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: () => number;
  readonly timeoutMs: number;
}

/**
 * Retries what the SDK would: 408, 409, 429 and 5xx answers (unless `x-should-retry: false`), connection failures
 * and timeouts, after Retry-After or a capped exponential backoff. A 429's Retry-After is already spent by the pacer,
 * which pauses its budget for every caller (rest-pacer.ts observe), so it is not waited twice. The last answer goes
 * to the SDK as it is, which raises its typed error from it.
 */
function retryingFetch(pacedFetch: FetchFn, options: RetryingFetchOptions): FetchFn {
  const policy: RetryPolicy = { maxAttempts: options.maxRetries + 1, ...REST_BACKOFF };
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    const maxAttempts = headers.has(NO_RETRY_HEADER) ? 1 : policy.maxAttempts;
    headers.delete(NO_RETRY_HEADER);
    const callerSignal = init?.signal ?? undefined;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      let delayMs: number;
      try {
        const response = await pacedFetch(input, { ...init, headers, signal });
        if (attempt >= maxAttempts || !isRetryable(response)) return response;
        // An unread body holds its connection; the retry's answer replaces it.
        await response.body?.cancel().catch(() => undefined);
        const retryAfterSeconds = response.status === 429 ? undefined : parseRateLimitHeaders(response.headers, options.now()).retryAfterSeconds;
        delayMs = response.status === 429 ? 0 : retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoffMs(attempt, policy, options.random);
      } catch (err) {
        if (attempt >= maxAttempts || callerSignal?.aborted === true) throw err;
        delayMs = backoffMs(attempt, policy, options.random);
      }
      if (delayMs > 0) await options.sleep(delayMs);
    }
  };
}

function isRetryable(response: Response): boolean {
  if (response.ok) return false;
  const says = response.headers.get('x-should-retry');
  if (says === 'true' || says === 'false') return says === 'true';
  return response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500;
}
