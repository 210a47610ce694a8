import { describe, expect, it } from 'vitest';
import { createRestPacer, parseRestBudget, type FetchFn } from './rest-pacer.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeFetch(options: { latencyMs?: number; reply?: (n: number) => Response } = {}) {
  const sent: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const fetch: FetchFn = async () => {
    const n = sent.length;
    sent.push(Date.now());
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    await delay(options.latencyMs ?? 2);
    inFlight -= 1;
    return options.reply?.(n) ?? new Response('{"success":true,"errors":[],"messages":[],"result":[]}', { status: 200 });
  };
  return { fetch, sent, peak: () => peak };
}

describe('createRestPacer', () => {
  it('never lets more than `capacity` requests into any sliding window, even starting with a full bucket', async () => {
    const { fetch, sent } = fakeFetch();
    const pacer = createRestPacer({ budget: { capacity: 5, windowMs: 250 }, fetch, maxInFlight: 4 });
    await Promise.all(Array.from({ length: 16 }, () => pacer.fetch('http://127.0.0.1/x')));
    expect(sent).toHaveLength(16);
    for (const at of sent) expect(sent.filter((t) => t > at - 250 && t <= at).length).toBeLessThanOrEqual(5);
    // 16 requests at 5 per 250 ms need at least three more windows after the first burst.
    expect(sent.at(-1)! - sent[0]!).toBeGreaterThanOrEqual(3 * 250 - 10);
    expect(pacer.stats().requests).toBe(16);
    expect(pacer.stats().rateLimited).toBe(0);
  });

  it('bounds the requests in flight', async () => {
    const { fetch, peak } = fakeFetch({ latencyMs: 15 });
    const pacer = createRestPacer({ budget: { capacity: 1000, windowMs: 1000 }, fetch, maxInFlight: 3 });
    await Promise.all(Array.from({ length: 12 }, () => pacer.fetch('http://127.0.0.1/x')));
    expect(peak()).toBe(3);
    expect(pacer.stats().maxInFlight).toBe(3);
  });

  it('pauses every caller for Retry-After after a 429', async () => {
    const { fetch, sent } = fakeFetch({
      reply: (n) => (n === 0 ? new Response('{}', { status: 429, headers: { 'retry-after': '0.3' } }) : new Response('{}', { status: 200 })),
    });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 1000 }, fetch, maxInFlight: 1 });
    const first = await pacer.fetch('http://127.0.0.1/x');
    expect(first.status).toBe(429);
    await pacer.fetch('http://127.0.0.1/x');
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(290);
    expect(pacer.stats().rateLimited).toBe(1);
  });

  it("waits for the server's reset when someone else has used the budget (r=0 with our window not full)", async () => {
    const { fetch, sent } = fakeFetch({ reply: (n) => new Response('{}', { status: 200, headers: n === 0 ? { ratelimit: '"default";r=0;t=1' } : {} }) });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 100_000 }, fetch, maxInFlight: 1 });
    await pacer.fetch('http://127.0.0.1/x');
    await pacer.fetch('http://127.0.0.1/x');
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(990);
  });

  it('spends no more than the server says remains (Ratelimit r=)', async () => {
    const { fetch } = fakeFetch({ reply: () => new Response('{}', { status: 200, headers: { ratelimit: '"default";r=0;t=1' } }) });
    const pacer = createRestPacer({ budget: { capacity: 100, windowMs: 100_000 }, fetch, maxInFlight: 1 });
    await pacer.fetch('http://127.0.0.1/x');
    expect(pacer.budget.stats().tokens).toBeLessThan(1);
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
