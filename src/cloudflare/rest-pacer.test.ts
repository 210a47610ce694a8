import { describe, expect, it } from 'vitest';
import { busiestWindow, virtualClock, type VirtualClock } from '../../test/helpers/virtual-clock.js';
import { createRestPacer, parseRestBudget, type FetchFn } from './rest-pacer.js';

/** A server that answers at once (a `latencyMs` of virtual time per request), recording when each request arrived. */
function fakeServer(
  clock: VirtualClock,
  options: { latencyMs?: number; headers?: (n: number) => Record<string, string>; status?: (n: number) => number } = {},
) {
  const sent: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const fetch: FetchFn = async () => {
    const n = sent.length;
    sent.push(clock.now());
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    if (options.latencyMs) await clock.sleep(options.latencyMs);
    inFlight -= 1;
    return new Response('{"success":true,"errors":[],"messages":[],"result":[]}', { status: options.status?.(n) ?? 200, headers: options.headers?.(n) ?? {} });
  };
  return { fetch, sent, peak: () => peak };
}

describe('createRestPacer', () => {
  it('never lets more than `capacity` requests into any sliding window, even starting with a full bucket', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { latencyMs: 2 });
    const pacer = createRestPacer({ budget: { capacity: 5, windowMs: 250 }, fetch: server.fetch, maxInFlight: 4, now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 16 }, () => pacer.fetch('http://127.0.0.1/x')));
    expect(server.sent).toHaveLength(16);
    expect(busiestWindow(server.sent, 250)).toBeLessThanOrEqual(5);
    // 16 requests at 5 per 250 ms need at least three more windows after the first burst.
    expect(server.sent.at(-1)! - server.sent[0]!).toBeGreaterThanOrEqual(3 * 250);
    expect(pacer.stats()).toMatchObject({ requests: 16, rateLimited: 0 });
  });

  it('bounds the requests in flight', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { latencyMs: 15 });
    const pacer = createRestPacer({ budget: { capacity: 1000, windowMs: 1000 }, fetch: server.fetch, maxInFlight: 3, now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 12 }, () => pacer.fetch('http://127.0.0.1/x')));
    expect(server.peak()).toBe(3);
    expect(pacer.stats().maxInFlight).toBe(3);
  });

  it('sends one request before any burst, so what others of the same user have spent is known first', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { latencyMs: 10, headers: (n): Record<string, string> => (n === 0 ? { ratelimit: '"default";r=0;t=5' } : {}) });
    const pacer = createRestPacer({ fetch: server.fetch, maxInFlight: 4, now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 4 }, () => pacer.fetch('http://127.0.0.1/x')));
    // The first answer said nothing is left for 5 s: the other three waited for it, then for the reset.
    expect(server.sent.slice(1).every((at) => at >= server.sent[0]! + 10 + 5000)).toBe(true);
    expect(pacer.stats().rateLimited).toBe(0);
  });

  it('spends only what the server says is left while others of the same user hold its window, until its reset', async () => {
    const clock = virtualClock();
    // 10 per 10 s, others hold 8: the first answer leaves 1, the next none, until the reset 10 s on.
    let left = 1;
    const server = fakeServer(clock, {
      latencyMs: 5,
      headers: () => ({ 'ratelimit-policy': '"burst";q=10;w=10', ratelimit: `"default";r=${Math.max(0, left--)};t=10` }),
    });
    const pacer = createRestPacer({ fetch: server.fetch, maxInFlight: 4, now: clock.now, sleep: clock.sleep });
    await pacer.fetch('http://127.0.0.1/x');
    // Time in which a bucket would refill three requests' worth.
    await clock.sleep(3000);
    await Promise.all(Array.from({ length: 3 }, () => pacer.fetch('http://127.0.0.1/x')));
    const start = server.sent[0]!;
    expect(server.sent.filter((at) => at < start + 10_000)).toHaveLength(2);
  });

  it('pauses every caller for Retry-After after a 429', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, {
      status: (n) => (n === 0 ? 429 : 200),
      headers: (n): Record<string, string> => (n === 0 ? { 'retry-after': '0.3' } : {}),
    });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 1000 }, fetch: server.fetch, maxInFlight: 1, now: clock.now, sleep: clock.sleep });
    expect((await pacer.fetch('http://127.0.0.1/x')).status).toBe(429);
    await pacer.fetch('http://127.0.0.1/x');
    expect(server.sent[1]! - server.sent[0]!).toBeGreaterThanOrEqual(300);
    expect(pacer.stats().rateLimited).toBe(1);
  });

  it("waits for the server's reset when someone else has used the budget (r=0 with our window not full)", async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { headers: (n): Record<string, string> => (n === 0 ? { ratelimit: '"default";r=0;t=1' } : {}) });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 100_000 }, fetch: server.fetch, maxInFlight: 1, now: clock.now, sleep: clock.sleep });
    await pacer.fetch('http://127.0.0.1/x');
    await pacer.fetch('http://127.0.0.1/x');
    expect(server.sent[1]! - server.sent[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('spends no more than the server says remains (Ratelimit r=)', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { headers: () => ({ ratelimit: '"default";r=0;t=1' }) });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 100_000 }, fetch: server.fetch, maxInFlight: 1, now: clock.now, sleep: clock.sleep });
    await pacer.fetch('http://127.0.0.1/x');
    expect(pacer.budget.stats().tokens).toBeLessThan(1);
  });

  const announcing = (q: number, w: number) => () => ({ 'ratelimit-policy': `"burst";q=${q};w=${w}` });

  it.each([
    // announced q/w, ceiling, expected windows paced to
    ['a lower announced budget replaces the default', 60, 10, undefined, [{ capacity: 60, windowMs: 10_000 }]],
    ['a higher announced budget (Enterprise) replaces the default', 6000, 300, undefined, [{ capacity: 6000, windowMs: 300_000 }]],
    [
      'a ceiling below the announced budget holds',
      60,
      10,
      { capacity: 20, windowMs: 10_000 },
      [
        { capacity: 60, windowMs: 10_000 },
        { capacity: 20, windowMs: 10_000 },
      ],
    ],
  ])('%s', async (_name, q, w, ceiling, expected) => {
    const clock = virtualClock();
    const server = fakeServer(clock, { headers: announcing(q, w) });
    const pacer = createRestPacer({ ...(ceiling ? { ceiling } : {}), fetch: server.fetch, maxInFlight: 1, now: clock.now, sleep: clock.sleep });
    expect(pacer.limits()).toEqual([ceiling ?? { capacity: 1200, windowMs: 300_000 }]);
    await pacer.fetch('http://127.0.0.1/x');
    expect(pacer.limits()).toEqual(expected);
    expect(pacer.stats().announced).toEqual({ capacity: q, windowMs: w * 1000 });
  });

  it('uses at least 0.9 of an announced 60 requests / 10 s, and never more than it in any window', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock, { latencyMs: 20, headers: announcing(60, 10) });
    const pacer = createRestPacer({ share: 0.97, fetch: server.fetch, now: clock.now, sleep: clock.sleep });
    await Promise.all(Array.from({ length: 600 }, () => pacer.fetch('http://127.0.0.1/x')));
    expect(busiestWindow(server.sent, 10_000)).toBeLessThanOrEqual(60);
    const seconds = (server.sent.at(-1)! - server.sent[0]!) / 1000;
    const fraction = (server.sent.length - 1) / seconds / (60 / 10);
    expect(fraction).toBeGreaterThanOrEqual(0.9);
    expect(fraction).toBeLessThanOrEqual(1);
  });

  it('counts charged units (GraphQL requests of the same user) in the window like requests', async () => {
    const clock = virtualClock();
    const server = fakeServer(clock);
    const pacer = createRestPacer({ budget: { capacity: 10, windowMs: 1000 }, fetch: server.fetch, maxInFlight: 1, now: clock.now, sleep: clock.sleep });
    const release = await pacer.charge(8);
    release();
    const started = clock.now();
    for (let i = 0; i < 3; i++) await pacer.fetch('http://127.0.0.1/x');
    // 8 charged + 2 requests fill the window; the third waits until the charge leaves it.
    expect(server.sent.slice(0, 2)).toEqual([started, started]);
    expect(server.sent[2]).toBeGreaterThanOrEqual(started + 1000);
    expect(pacer.stats()).toMatchObject({ charged: 8, requests: 3, rateLimited: 0 });
  });
});

describe('parseRestBudget', () => {
  it.each([
    ['1200/5m', { capacity: 1200, windowMs: 300_000 }],
    ['20/5s', { capacity: 20, windowMs: 5_000 }],
    [' 300 / 300s ', { capacity: 300, windowMs: 300_000 }],
    ['100/h', { capacity: 100, windowMs: 3_600_000 }],
    ['50/500ms', { capacity: 50, windowMs: 500 }],
    ['0/5s', undefined],
    ['20', undefined],
    ['20/5d', undefined],
    ['-1/5s', undefined],
    ['', undefined],
  ])('%s', (text, expected) => {
    expect(parseRestBudget(text)).toEqual(expected);
  });
});
