import { describe, expect, it } from 'vitest';
import { createRateBudget, parseRateLimitHeaders } from './rate-budget.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => void (t += ms),
    sleeps,
  };
}

describe('createRateBudget', () => {
  it('runs a hundred queries at full speed when far below the budget', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 100; i++) await budget.acquire();
    expect(clock.sleeps).toEqual([]);
    expect(budget.stats()).toMatchObject({ acquired: 100, waits: 0, waitedMs: 0 });
  });

  it('spreads queries once the bucket is empty, refilling continuously', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ capacity: 300, windowMs: 300_000, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 300; i++) await budget.acquire();
    expect(clock.sleeps).toEqual([]);
    await budget.acquire();
    // One query per second refills: the 301st waits about a second, not five minutes.
    expect(clock.sleeps).toEqual([1000]);
    for (let i = 0; i < 10; i++) await budget.acquire();
    expect(budget.stats().waitedMs).toBe(11_000);
  });

  it('never exceeds capacity in any window of windowMs', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ capacity: 10, windowMs: 10_000, now: clock.now, sleep: clock.sleep });
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      await budget.acquire();
      times.push(clock.now());
    }
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 10_000).length).toBeLessThanOrEqual(20);
    expect(times[49]! - times[0]!).toBeGreaterThanOrEqual(39_000);
  });

  it('tightens to the remaining quota the server reports and waits out its reset at zero', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ now: clock.now, sleep: clock.sleep });
    budget.observe({ remaining: 2, resetSeconds: 30 });
    await budget.acquire();
    await budget.acquire();
    expect(clock.sleeps).toEqual([]);
    budget.observe({ remaining: 0, resetSeconds: 30 });
    await budget.acquire();
    expect(clock.sleeps[0]).toBe(30_000);
  });

  it('spends a cost of several queries at once (a GraphQL request costs scopes × nodes)', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ capacity: 10, windowMs: 10_000, now: clock.now, sleep: clock.sleep });
    await budget.acquire(6);
    expect(clock.sleeps).toEqual([]);
    await budget.acquire(6);
    // 4 left, 2 more refill at one per second.
    expect(clock.sleeps).toEqual([2000]);
    expect(budget.stats().acquired).toBe(12);
  });

  it('resizes to an announced budget, keeping what was spent', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ capacity: 1200, windowMs: 300_000, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 4; i++) await budget.acquire();
    budget.resize(60, 10_000);
    expect(budget.stats().tokens).toBe(56);
  });

  it('honours Retry-After for every caller', async () => {
    const clock = fakeClock();
    const budget = createRateBudget({ now: clock.now, sleep: clock.sleep });
    budget.observe({ retryAfterSeconds: 7 });
    await budget.acquire();
    expect(clock.sleeps).toEqual([7000]);
  });
});

describe('parseRateLimitHeaders', () => {
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });
  const now = Date.parse('2026-10-20T10:00:00Z');

  it.each([
    [{ ratelimit: '"default";r=50;t=30' }, { remaining: 50, resetSeconds: 30, retryAfterSeconds: undefined }],
    [
      { ratelimit: '"default";r=0;t=12', 'retry-after': '12' },
      { remaining: 0, resetSeconds: 12, retryAfterSeconds: 12 },
    ],
    [
      { 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': 'Tue, 20 Oct 2026 10:00:05 GMT' },
      { remaining: 3, resetSeconds: 5, retryAfterSeconds: undefined },
    ],
    [{ 'retry-after': 'Tue, 20 Oct 2026 10:00:02 GMT' }, { remaining: undefined, resetSeconds: undefined, retryAfterSeconds: 2 }],
    [{}, { remaining: undefined, resetSeconds: undefined, retryAfterSeconds: undefined }],
    [
      { ratelimit: '"default";r=9;t=3', 'ratelimit-policy': '"burst";q=60;w=10' },
      { remaining: 9, resetSeconds: 3, retryAfterSeconds: undefined, policy: { quota: 60, windowSeconds: 10 } },
    ],
    // Several policies: the one allowing the lowest rate binds.
    [
      { 'ratelimit-policy': '"burst";q=100;w=10, "daily";q=1200;w=300' },
      { remaining: undefined, resetSeconds: undefined, retryAfterSeconds: undefined, policy: { quota: 1200, windowSeconds: 300 } },
    ],
  ])('reads %j', (given, expected) => {
    expect(parseRateLimitHeaders(headers(given), now)).toEqual(expected);
  });
});
