/**
 * A client-side query budget: a token bucket refilled continuously (GraphQL: 300 queries per 5 minutes per user,
 * reference §2.3), tightened by what the server says (`Ratelimit: "default";r=..;t=..`, the older
 * `x-ratelimit-remaining`/`x-ratelimit-reset`, and `Retry-After` on a 429). Far below the budget it never waits;
 * it is not a fixed delay between queries.
 */
export interface RateBudget {
  /**
   * Waits (through the injected sleep) until `cost` queries may be spent, then spends them. A GraphQL request costs
   * scopes × dataset nodes (G8); a cost above the capacity waits for a full bucket and spends it all.
   */
  acquire(cost?: number): Promise<void>;
  /** Changes the budget (what the server announced in `Ratelimit-Policy`); spent tokens stay spent. */
  resize(capacity: number, windowMs: number): void;
  /** Applies what a response said about the server-side budget. */
  observe(signal: RateLimitSignal): void;
  /** Blocks every caller until `ms` from now (a 429's Retry-After). */
  pause(ms: number): void;
  /** Adds nothing to the bucket for `ms`: the server says others hold the rest of its window until then. */
  freeze(ms: number): void;
  stats(): RateBudgetStats;
}

/** A budget a server announces: `quota` requests per `windowSeconds`. */
export interface AnnouncedPolicy {
  readonly quota: number;
  readonly windowSeconds: number;
}

export interface RateLimitSignal {
  /** Queries the server still allows in its current window. */
  readonly remaining?: number | undefined;
  /** Seconds until the server's window resets. */
  readonly resetSeconds?: number | undefined;
  /** Seconds to wait before trying again (429). */
  readonly retryAfterSeconds?: number | undefined;
  /** `Ratelimit-Policy` (R2): the budget the server enforces; the tightest one when it names several. */
  readonly policy?: AnnouncedPolicy | undefined;
}

export interface RateBudgetStats {
  readonly acquired: number;
  readonly waits: number;
  readonly waitedMs: number;
  readonly tokens: number;
}

export interface RateBudgetOptions {
  readonly capacity?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const GRAPHQL_BUDGET = { capacity: 300, windowMs: 300_000 } as const;

/** A token bucket of `capacity` queries per `windowMs`, starting full; time and sleep are injected. */
export function createRateBudget(options: RateBudgetOptions = {}): RateBudget {
  let capacity = options.capacity ?? GRAPHQL_BUDGET.capacity;
  let refillPerMs = capacity / (options.windowMs ?? GRAPHQL_BUDGET.windowMs);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let tokens = capacity;
  let lastRefill = now();
  let blockedUntil = 0;
  let acquired = 0;
  let waits = 0;
  let waitedMs = 0;

  const refill = (): void => {
    const t = now();
    if (t > lastRefill) {
      tokens = Math.min(capacity, tokens + (t - lastRefill) * refillPerMs);
      lastRefill = t;
    }
  };

  const waitFor = async (ms: number): Promise<void> => {
    const rounded = Math.max(1, Math.ceil(ms));
    waits += 1;
    waitedMs += rounded;
    await sleep(rounded);
  };

  return {
    async acquire(cost = 1) {
      for (;;) {
        const need = Math.min(Math.max(1, cost), capacity);
        const t = now();
        if (t < blockedUntil) {
          await waitFor(blockedUntil - t);
          continue;
        }
        refill();
        if (tokens >= need) {
          tokens -= need;
          acquired += need;
          return;
        }
        await waitFor((need - tokens) / refillPerMs);
      }
    },
    resize(newCapacity, newWindowMs) {
      if (!(newCapacity >= 1) || !(newWindowMs >= 1)) return;
      refill();
      // Keep what has been spent: a larger budget grows the bucket by the difference, a smaller one clips it.
      tokens = Math.max(0, Math.min(newCapacity, tokens + newCapacity - capacity));
      capacity = newCapacity;
      refillPerMs = newCapacity / newWindowMs;
    },
    observe(signal) {
      refill();
      if (signal.remaining !== undefined && Number.isFinite(signal.remaining)) {
        tokens = Math.min(tokens, Math.max(0, signal.remaining));
        if (signal.remaining <= 0 && signal.resetSeconds !== undefined) {
          blockedUntil = Math.max(blockedUntil, now() + signal.resetSeconds * 1000);
        }
      }
      if (signal.retryAfterSeconds !== undefined) this.pause(signal.retryAfterSeconds * 1000);
    },
    pause(ms) {
      if (ms > 0) blockedUntil = Math.max(blockedUntil, now() + ms);
    },
    freeze(ms) {
      refill();
      if (ms > 0) lastRefill = Math.max(lastRefill, now() + ms);
    },
    stats: () => ({ acquired, waits, waitedMs, tokens }),
  };
}

type HeaderGetter = { get(name: string): string | null };

/** Reads `Ratelimit` and `Ratelimit-Policy` (IETF draft, sent since 2025-09), the older `x-ratelimit-*` pair, and `Retry-After`. */
export function parseRateLimitHeaders(headers: HeaderGetter, nowMs: number): RateLimitSignal {
  let remaining: number | undefined;
  let resetSeconds: number | undefined;
  const draft = headers.get('ratelimit');
  if (draft) {
    const r = /(?:^|;)\s*r=(\d+)/.exec(draft);
    const t = /(?:^|;)\s*t=(\d+)/.exec(draft);
    if (r) remaining = Number(r[1]);
    if (t) resetSeconds = Number(t[1]);
  } else {
    const legacyRemaining = headers.get('x-ratelimit-remaining');
    if (legacyRemaining !== null && /^\d+$/.test(legacyRemaining.trim())) remaining = Number(legacyRemaining);
    const legacyReset = headers.get('x-ratelimit-reset');
    if (legacyReset) resetSeconds = parseSecondsOrDate(legacyReset, nowMs);
  }
  const retryAfter = headers.get('retry-after');
  const retryAfterSeconds = retryAfter ? parseSecondsOrDate(retryAfter, nowMs) : undefined;
  const policy = parsePolicy(headers.get('ratelimit-policy'));
  return { remaining, resetSeconds, retryAfterSeconds, ...(policy ? { policy } : {}) };
}

/** `"burst";q=100;w=60` (possibly several, comma-separated): the one allowing the lowest rate. */
function parsePolicy(header: string | null): AnnouncedPolicy | undefined {
  if (!header) return undefined;
  let tightest: AnnouncedPolicy | undefined;
  for (const item of header.split(',')) {
    const q = /(?:^|;)\s*q=(\d+)/.exec(item);
    const w = /(?:^|;)\s*w=(\d+)/.exec(item);
    if (!q || !w) continue;
    const policy = { quota: Number(q[1]), windowSeconds: Number(w[1]) };
    if (policy.quota < 1 || policy.windowSeconds < 1) continue;
    if (!tightest || policy.quota / policy.windowSeconds < tightest.quota / tightest.windowSeconds) tightest = policy;
  }
  return tightest;
}

function parseSecondsOrDate(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
