import Cloudflare from 'cloudflare';
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
  /** SDK retries for 408/409/429/5xx and connection errors; they honour Retry-After. */
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
}

export interface RestClient {
  readonly sdk: Cloudflare;
  readonly pacer: RestPacer;
}

/** Enough for a 429 (the pacer pauses everyone) and a few transient 5xx before a part is reported as an error. */
export const REST_MAX_RETRIES = 4;

/** The official SDK client, pointed at `baseUrl`, sending every request through the shared pacer. */
export function createRestClient(options: RestClientOptions): RestClient {
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
  const sdk = new Cloudflare({
    apiToken: options.token,
    // Only the token: credentials the SDK would otherwise pick up from process.env must not ride along.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.baseUrl,
    fetch: pacer.fetch,
    maxRetries: options.maxRetries ?? REST_MAX_RETRIES,
    timeout: options.timeoutMs ?? 60_000,
    // The SDK logs to the console by default; our output goes through the CLI's io only.
    logLevel: 'off',
  });
  return { sdk, pacer };
}
