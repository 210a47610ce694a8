import { describe, expect, it } from 'vitest';
import { createClockRecordingFetch } from '../cloudflare/server-clock.js';
import { checkServerClock, MAX_CLOCK_SKEW_MS } from '../policy/tolerances.js';

const SERVER = Date.parse('2025-03-01T00:00:00Z');

describe('checkServerClock', () => {
  it.each([
    ['no response seen yet', undefined, false],
    ['same time', 0, false],
    ['exactly 2 minutes ahead', MAX_CLOCK_SKEW_MS, false],
    ['exactly 2 minutes behind', -MAX_CLOCK_SKEW_MS, false],
    ['2 minutes and 1 ms ahead', MAX_CLOCK_SKEW_MS + 1, true],
    ['2 minutes and 1 ms behind', -MAX_CLOCK_SKEW_MS - 1, true],
    ['a day behind', -86_400_000, true],
  ])('%s', (_name, skewMs, refused) => {
    const sample = skewMs === undefined ? undefined : { serverMs: SERVER, localMs: SERVER + skewMs };
    expect(checkServerClock(sample) !== undefined).toBe(refused);
  });

  it('says which way and by how much', () => {
    expect(checkServerClock({ serverMs: SERVER, localMs: SERVER - 600_000 })).toBe(
      "The system clock (2025-02-28T23:50:00.000Z) is 600 s behind Cloudflare's (2025-03-01T00:00:00.000Z); refusing to purge",
    );
  });
});

describe('createClockRecordingFetch', () => {
  it('remembers the newest Date header with the local time it arrived, and ignores responses without one', async () => {
    const responses = [new Response('{}', { headers: { date: 'Sat, 01 Mar 2025 00:00:00 GMT' } }), new Response('{}')];
    const clock = createClockRecordingFetch(
      () => SERVER + 5_000,
      () => Promise.resolve(responses.shift()!),
    );
    expect(clock.sample()).toBeUndefined();
    await clock.fetch('http://127.0.0.1/x');
    await clock.fetch('http://127.0.0.1/y');
    expect(clock.sample()).toEqual({ serverMs: SERVER, localMs: SERVER + 5_000 });
  });
});
