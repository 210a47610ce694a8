import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter, rateLimitHeaders } from './rate-limit.js';

describe('SlidingWindowLimiter', () => {
  it('allows the limit, then blocks for one whole window', () => {
    const limiter = new SlidingWindowLimiter();
    const t0 = 1_000_000;
    expect(limiter.take('k', 1, 2, 10_000, t0)).toMatchObject({ allowed: true, remaining: 1, resetSeconds: 10 });
    expect(limiter.take('k', 1, 2, 10_000, t0 + 4_000)).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 6 });
    expect(limiter.take('k', 1, 2, 10_000, t0 + 5_000)).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    // The first hit has aged out, but the block lasts a full window from the refusal.
    expect(limiter.take('k', 1, 2, 10_000, t0 + 14_999)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('k', 1, 2, 10_000, t0 + 15_000)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('weighs costs and keeps keys apart', () => {
    const limiter = new SlidingWindowLimiter();
    expect(limiter.take('a', 7, 10, 1000, 0).allowed).toBe(true);
    expect(limiter.take('a', 4, 10, 1000, 1).allowed).toBe(false);
    expect(limiter.take('b', 10, 10, 1000, 1).allowed).toBe(true);
    expect(limiter.peek('b', 10, 1000, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('formats the IETF-draft headers Cloudflare sends', () => {
    expect(rateLimitHeaders({ allowed: true, limit: 1200, remaining: 1199, resetSeconds: 300, windowSeconds: 300 })).toEqual({
      ratelimit: '"default";r=1199;t=300',
      'ratelimit-policy': '"burst";q=1200;w=300',
    });
  });
});
