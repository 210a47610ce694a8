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
  /** The budget until the server announces one (default 1,200 / 5 min); ignored once it has, unless it is the ceiling. */
  readonly budget?: RestBudget;
  /** An operator's cap (`LUXERET_REST_BUDGET`): paced to it, or to the server's announcement when that is lower. */
  readonly ceiling?: RestBudget;
  /** The share of the budget to use (default 1): the budget is per user, shared with the dashboard and other tools. */
  readonly share?: number;
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
  /** Budget units spent for requests sent elsewhere (GraphQL, G8) through `charge`. */
  readonly charged: number;
  /** What the server announced in `Ratelimit-Policy`, when it has. */
  readonly announced: RestBudget | undefined;
}

export interface RestPacer {
  /** A fetch for the SDK: every request waits for budget and a concurrency slot first. */
  readonly fetch: FetchFn;
  readonly budget: RateBudget;
  /**
   * Spends `cost` of the REST budget for a request sent by another client of the same user (a GraphQL request counts
   * against the REST budget too, G8). Waits for room like a request would; call the returned function when that
   * request's response has arrived, so the spend is counted for one window from then.
   */
  charge(cost: number): Promise<() => void>;
  /** The budgets paced to now: the announced one and the ceiling, or the default / ceiling before any announcement. */
  limits(): readonly RestBudget[];
  stats(): RestPacerStats;
}

/**
 * Paces every REST request the SDK sends. Two gates:
 * - the shared token bucket (rate-budget.ts), which also takes in what Cloudflare says (`Ratelimit` r/t,
 *   `x-ratelimit-*`, and `Retry-After` on a 429, which pauses every caller);
 * - a sliding-window log: Cloudflare counts requests in a sliding window and, once over, refuses *everything* for
 *   the next 5 minutes (R1). A token bucket that starts full can spend `capacity` twice within one window (burst +
 *   refill), so each request also holds a place from send until one window after its response arrived — the
 *   server saw it at or before that moment, so the server's window never holds more than `capacity` of ours.
 * The budget is what the server announces in `Ratelimit-Policy` (R2; Enterprise users can have more than 1,200 /
 * 5 min), held under the operator's ceiling when one is set: the log checks every one of those windows at once.
 * Concurrency is bounded so a burst of pagination cannot open dozens of sockets.
 */
export function createRestPacer(options: RestPacerOptions = {}): RestPacer {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const maxInFlight = Math.max(1, options.maxInFlight ?? REST_CONCURRENCY);
  const share = Math.min(1, Math.max(0.01, options.share ?? 1));
  const ceiling = options.ceiling;
  let announced: RestBudget | undefined;
  let limits: RestBudget[] = [];
  const budget = createRateBudget({ capacity: 1, windowMs: 1, now, sleep });
  const applyLimits = (): void => {
    const raw = announced ? [announced, ...(ceiling ? [ceiling] : [])] : [ceiling ?? options.budget ?? REST_BUDGET];
    limits = raw.map((limit) => ({ capacity: Math.max(1, Math.floor(limit.capacity * share)), windowMs: limit.windowMs }));
    const slowest = limits.reduce((a, b) => (b.capacity / b.windowMs < a.capacity / a.windowMs ? b : a));
    budget.resize(slowest.capacity, slowest.windowMs);
  };
  applyLimits();

  // When each finished request (or charged unit) was answered, ascending; open ones count until they finish.
  const finished: number[] = [];
  let open = 0;
  const leaveWaiters: (() => void)[] = [];
  let inFlight = 0;
  let peak = 0;
  let requests = 0;
  let rateLimited = 0;
  let charged = 0;
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

  /** How long until `n` more fit in every window: 0 now, a time in ms, or 'release' when only an open request can free room. */
  const waitFor = (n: number, t: number): number | 'release' => {
    let longest = 0;
    for (const limit of limits) {
      const need = Math.min(n, limit.capacity);
      let first = 0;
      while (first < finished.length && finished[first]! <= t - limit.windowMs) first++;
      const inWindow = finished.length - first;
      const excess = open + inWindow + need - limit.capacity;
      if (excess <= 0) continue;
      if (excess > inWindow) return 'release';
      longest = Math.max(longest, finished[first + excess - 1]! + limit.windowMs - t);
    }
    return longest;
  };
  const prune = (t: number): void => {
    const keepMs = Math.max(...limits.map((limit) => limit.windowMs));
    while (finished.length > 0 && finished[0]! <= t - keepMs) finished.shift();
  };

  // Serialised so two callers cannot both see the last free place in the window.
  let windowGate: Promise<void> = Promise.resolve();
  const enterWindow = (n: number): Promise<void> => {
    const entered = windowGate.then(async () => {
      for (;;) {
        const t = now();
        prune(t);
        const wait = waitFor(n, t);
        if (wait === 0) break;
        waits += 1;
        if (wait === 'release') {
          await new Promise<void>((resume) => leaveWaiters.push(resume));
          continue;
        }
        const ms = Math.max(1, Math.ceil(wait));
        waitedMs += ms;
        await sleep(ms);
      }
      open += n;
    });
    windowGate = entered.catch(() => undefined);
    return entered;
  };
  const leaveWindow = (n: number): void => {
    open -= n;
    probing = false;
    const at = now();
    // Keep `finished` sorted: responses can finish out of order, but `now()` only grows.
    for (let i = 0; i < n; i++) finished.push(at);
    for (const resume of leaveWaiters.splice(0)) resume();
  };

  const isOwnWindowFull = (t: number): boolean => waitFor(1, t) !== 0;

  // Until the server has answered once, one request at a time: its `Ratelimit` says what others of the same user
  // (another run, the dashboard) have already spent, before a burst of `maxInFlight` could overrun it.
  let hasHeard = false;
  let probing = false;
  const awaitFirstAnswer = async (): Promise<void> => {
    while (!hasHeard && probing) await new Promise<void>((resume) => leaveWaiters.push(resume));
    if (!hasHeard) probing = true;
  };

  /** `ownAtSend`: ours in the server's window when this request went out, itself included. */
  const observe = (response: Response, ownAtSend: number): void => {
    hasHeard = true;
    const t = now();
    const signal = parseRateLimitHeaders(response.headers, t);
    if (signal.policy) {
      const policy = { capacity: signal.policy.quota, windowMs: signal.policy.windowSeconds * 1000 };
      if (announced?.capacity !== policy.capacity || announced.windowMs !== policy.windowMs) {
        announced = policy;
        applyLimits();
      }
    }
    if (response.status === 429) {
      rateLimited += 1;
      // The SDK retries after Retry-After itself; pausing the budget holds the other callers too.
      budget.observe({ ...signal, retryAfterSeconds: signal.retryAfterSeconds ?? 1 });
      return;
    }
    // "Nothing left, reset in t s" is rounded up to whole seconds. When our own requests fill the window, the
    // sliding log already knows to the millisecond when a place frees; only someone else's use (server count
    // above ours) needs the server's coarser reset.
    const resetSeconds = signal.remaining !== undefined && signal.remaining <= 0 && isOwnWindowFull(t) ? undefined : signal.resetSeconds;
    budget.observe({ remaining: signal.remaining, resetSeconds });
    // Others of the same user hold part of the server's window (what was left when it counted this request, plus all
    // of ours then, is short of the quota): what is left stays all there is until the server's reset, so the bucket
    // must not refill before then.
    if (announced && signal.remaining !== undefined && signal.resetSeconds !== undefined && signal.remaining + ownAtSend < announced.capacity) {
      budget.freeze(signal.resetSeconds * 1000);
    }
  };

  const pacedFetch: FetchFn = async (input, init) => {
    await takeSlot();
    try {
      peak = Math.max(peak, inFlight);
      await awaitFirstAnswer();
      await enterWindow(1);
      try {
        await budget.acquire();
        requests += 1;
        const sentAt = now();
        const serverWindowMs = announced?.windowMs ?? Math.max(...limits.map((limit) => limit.windowMs));
        const ownAtSend = open + finished.filter((at) => at > sentAt - serverWindowMs).length;
        const response = await baseFetch(input, init);
        observe(response, ownAtSend);
        return response;
      } finally {
        leaveWindow(1);
      }
    } finally {
      giveSlot();
    }
  };

  const charge = async (cost: number): Promise<() => void> => {
    const n = Math.max(1, Math.ceil(cost));
    await enterWindow(n);
    await budget.acquire(n);
    charged += n;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      leaveWindow(n);
    };
  };

  return {
    fetch: pacedFetch,
    budget,
    charge,
    limits: () => limits,
    stats: () => ({
      requests,
      rateLimited,
      waits: waits + budget.stats().waits,
      waitedMs: waitedMs + budget.stats().waitedMs,
      maxInFlight: peak,
      charged,
      announced,
    }),
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
