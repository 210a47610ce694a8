import { createRateBudget, parseRateLimitHeaders, type RateBudget } from './rate-budget.js';

/** Cloudflare's Client API budget: 1,200 requests per 5 minutes per user (reference §1.3). */
export const REST_BUDGET = { capacity: 1200, windowMs: 300_000 } as const;
/** Requests in flight at once; Cloudflare also caps 200/s per IP, far above this. */
export const REST_CONCURRENCY = 4;

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RestBudget {
  readonly capacity: number;
  readonly windowMs: number;
}

export interface RestPacerOptions {
  readonly budget?: RestBudget;
  readonly maxInFlight?: number;
  readonly fetch?: FetchFn;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RestPacerStats {
  readonly requests: number;
  readonly rateLimited: number;
  readonly waits: number;
  readonly waitedMs: number;
  readonly maxInFlight: number;
}

export interface RestPacer {
  /** A fetch for the SDK: every request waits for budget and a concurrency slot first. */
  readonly fetch: FetchFn;
  readonly budget: RateBudget;
  stats(): RestPacerStats;
}

/**
 * Paces every REST request the SDK sends. Two gates:
 * - the shared token bucket (rate-budget.ts), which also takes in what Cloudflare says (`Ratelimit` r/t,
 *   `x-ratelimit-*`, and `Retry-After` on a 429, which pauses every caller);
 * - a sliding-window log: Cloudflare counts requests in a sliding window and, once over, refuses *everything* for
 *   the next 5 minutes. A token bucket that starts full can spend `capacity` twice within one window (burst +
 *   refill), so each request also holds a slot from send until one window after its response arrived — the
 *   server saw it at or before that moment, so the server's window never holds more than `capacity` of ours.
 * Concurrency is bounded so a burst of pagination cannot open dozens of sockets.
 */
export function createRestPacer(options: RestPacerOptions = {}): RestPacer {
  const { capacity, windowMs } = options.budget ?? REST_BUDGET;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const maxInFlight = Math.max(1, options.maxInFlight ?? REST_CONCURRENCY);
  const budget = createRateBudget({ capacity, windowMs, now, sleep });
  // Times (ms) at which each finished request stops counting; in-flight requests count until they finish.
  const releases: number[] = [];
  let inFlight = 0;
  let peak = 0;
  let requests = 0;
  let rateLimited = 0;
  let waits = 0;
  let waitedMs = 0;
  const queue: (() => void)[] = [];

  const takeSlot = async (): Promise<void> => {
    if (inFlight < maxInFlight) {
      inFlight += 1;
      return;
    }
    await new Promise<void>((resume) => queue.push(resume));
  };
  const giveSlot = (): void => {
    const next = queue.shift();
    if (next) next();
    else inFlight -= 1;
  };

  // Serialised so two callers cannot both see the last free place in the window.
  let windowGate: Promise<void> = Promise.resolve();
  const enterWindow = (): Promise<void> => {
    const entered = windowGate.then(async () => {
      for (;;) {
        const t = now();
        while (releases.length > 0 && releases[0]! <= t) releases.shift();
        if (releases.length + inWindowOpen < capacity) break;
        const wait = Math.max(1, (releases[0] ?? t + windowMs) - t);
        waits += 1;
        waitedMs += wait;
        await sleep(wait);
      }
      inWindowOpen += 1;
    });
    windowGate = entered.catch(() => undefined);
    return entered;
  };
  let inWindowOpen = 0;
  const leaveWindow = (): void => {
    inWindowOpen -= 1;
    const at = now() + windowMs;
    // Keep `releases` sorted: responses can finish out of order, but `now()` only grows.
    releases.push(at);
  };

  const pacedFetch: FetchFn = async (input, init) => {
    await takeSlot();
    try {
      peak = Math.max(peak, inFlight);
      await enterWindow();
      try {
        await budget.acquire();
        requests += 1;
        const response = await baseFetch(input, init);
        const signal = parseRateLimitHeaders(response.headers, now());
        if (response.status === 429) {
          rateLimited += 1;
          // The SDK retries after Retry-After itself; pausing the budget holds the other callers too.
          budget.observe({ ...signal, retryAfterSeconds: signal.retryAfterSeconds ?? 1 });
        } else {
          // "Nothing left, reset in t s" is rounded up to whole seconds. When our own requests fill the window, the
          // sliding log already knows to the millisecond when a slot frees; only someone else's use (server count
          // above ours) needs the server's coarser reset.
          const isOwnWindowFull = releases.length + inWindowOpen >= capacity;
          const resetSeconds = signal.remaining !== undefined && signal.remaining <= 0 && isOwnWindowFull ? undefined : signal.resetSeconds;
          budget.observe({ remaining: signal.remaining, resetSeconds });
        }
        return response;
      } finally {
        leaveWindow();
      }
    } finally {
      giveSlot();
    }
  };

  return {
    fetch: pacedFetch,
    budget,
    stats: () => ({ requests, rateLimited, waits: waits + budget.stats().waits, waitedMs: waitedMs + budget.stats().waitedMs, maxInFlight: peak }),
  };
}

/**
 * Reads a budget written as `<requests>/<window>`: `1200/5m`, `20/5s`, `300/300s`, `100/1h`. Used for
 * `LUXERET_REST_BUDGET`, so a test or a smaller token allowance can scale the pacer; undefined when malformed.
 */
export function parseRestBudget(text: string): RestBudget | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)?\s*(ms|s|m|h)\s*$/.exec(text);
  if (!match) return undefined;
  const capacity = Number(match[1]);
  const amount = match[2] === undefined ? 1 : Number(match[2]);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[3] as 'ms' | 's' | 'm' | 'h'];
  const windowMs = amount * unitMs;
  if (capacity < 1 || windowMs < 1) return undefined;
  return { capacity, windowMs };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
