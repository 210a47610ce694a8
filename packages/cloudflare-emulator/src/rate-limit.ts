/**
 * Sliding-window rate limiting (reference §1.3). Cloudflare: "once the limit is exceeded, all calls for the next
 * 5 minutes get HTTP 429", so a key that goes over is blocked for one whole window, not just until its oldest hit ages out.
 */

export interface LimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the quota is whole again (header `t`). */
  resetSeconds: number;
  windowSeconds: number;
  /** Set when refused: seconds to wait (header `Retry-After`). */
  retryAfterSeconds?: number;
}

interface Hit {
  atMs: number;
  cost: number;
}

interface Bucket {
  hits: Hit[];
  used: number;
  blockedUntilMs: number;
}

export class SlidingWindowLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** Counts `cost` against `key` if it fits; otherwise refuses and blocks the key for one window. */
  take(key: string, cost: number, limit: number, windowMs: number, nowMs: number): LimitDecision {
    const bucket = this.bucket(key, windowMs, nowMs);
    const windowSeconds = Math.ceil(windowMs / 1000);
    if (bucket.blockedUntilMs > nowMs) {
      const wait = Math.ceil((bucket.blockedUntilMs - nowMs) / 1000);
      return { allowed: false, limit, remaining: 0, resetSeconds: wait, windowSeconds, retryAfterSeconds: wait };
    }
    if (bucket.used + cost > limit) {
      bucket.blockedUntilMs = nowMs + windowMs;
      return { allowed: false, limit, remaining: 0, resetSeconds: windowSeconds, windowSeconds, retryAfterSeconds: windowSeconds };
    }
    if (cost > 0) {
      bucket.hits.push({ atMs: nowMs, cost });
      bucket.used += cost;
    }
    return { allowed: true, limit, remaining: limit - bucket.used, resetSeconds: this.resetSeconds(bucket, windowMs, nowMs), windowSeconds };
  }

  /**
   * Refuses `cost` without blocking the key: the answer says when enough of the window will have passed for it to
   * fit (for budgets that, unlike R1, do not lock the caller out).
   */
  refuse(key: string, cost: number, limit: number, windowMs: number, nowMs: number): LimitDecision {
    const bucket = this.bucket(key, windowMs, nowMs);
    const windowSeconds = Math.ceil(windowMs / 1000);
    let used = bucket.used;
    let fitsAtMs = nowMs;
    for (const hit of bucket.hits) {
      if (used + cost <= limit) break;
      used -= hit.cost;
      fitsAtMs = hit.atMs + windowMs;
    }
    const wait = Math.max(1, Math.ceil((fitsAtMs - nowMs) / 1000));
    return { allowed: false, limit, remaining: Math.max(0, limit - bucket.used), resetSeconds: wait, windowSeconds, retryAfterSeconds: wait };
  }

  /** The current standing without counting anything. */
  peek(key: string, limit: number, windowMs: number, nowMs: number): LimitDecision {
    return this.take(key, 0, limit, windowMs, nowMs);
  }

  private bucket(key: string, windowMs: number, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { hits: [], used: 0, blockedUntilMs: 0 };
      this.buckets.set(key, bucket);
    }
    let expired = 0;
    while (expired < bucket.hits.length && (bucket.hits[expired] as Hit).atMs <= nowMs - windowMs) {
      bucket.used -= (bucket.hits[expired] as Hit).cost;
      expired++;
    }
    if (expired > 0) bucket.hits.splice(0, expired);
    return bucket;
  }

  private resetSeconds(bucket: Bucket, windowMs: number, nowMs: number): number {
    const oldest = bucket.hits[0];
    return oldest === undefined ? 0 : Math.max(0, Math.ceil((oldest.atMs + windowMs - nowMs) / 1000));
  }
}

/**
 * `Ratelimit` and `Ratelimit-Policy` (IETF draft style, Cloudflare changelog 2025-09-03), on every REST response (R2).
 * The names are the docs' examples; `q`/`w` announce the emulator's configured budget, so tests can announce others.
 */
export function rateLimitHeaders(decision: LimitDecision): Record<string, string> {
  return {
    ratelimit: `"default";r=${decision.remaining};t=${decision.resetSeconds}`,
    'ratelimit-policy': `"burst";q=${decision.limit};w=${decision.windowSeconds}`,
  };
}
