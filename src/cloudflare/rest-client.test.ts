import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../test/helpers/virtual-clock.js';
import { NO_RETRY_HEADER } from './http.js';
import { createRestClient } from './rest-client.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

/** A network that answers from `replies` in turn (then 200), recording what each request carried and when. */
function network(clock: { now: () => number }, replies: { status: number; headers?: Record<string, string> }[]) {
  const seen: { atMs: number; headers: Headers }[] = [];
  const fetch = (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    seen.push({ atMs: clock.now(), headers: new Headers(init?.headers) });
    const reply = replies.shift() ?? { status: 200 };
    const body =
      reply.status === 200
        ? { success: true, errors: [], messages: [], result: { id: ZONE } }
        : { success: false, errors: [{ code: 10000, message: 'no' }], messages: [], result: null };
    return Promise.resolve(new Response(JSON.stringify(body), { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } }));
  };
  return { fetch, seen };
}

describe('createRestClient retries (ours, on the injected clock; the SDK retries nothing itself)', () => {
  it('retries a 5xx after its Retry-After, and otherwise after a backoff, waiting only on the injected clock', async () => {
    const clock = virtualClock();
    const net = network(clock, [{ status: 503, headers: { 'retry-after': '7' } }, { status: 500 }]);
    const client = await createRestClient({
      baseUrl: 'http://127.0.0.1:1/client/v4',
      token: 't',
      fetch: net.fetch,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
    });
    expect(await client.sdk.zones.get({ zone_id: ZONE })).toMatchObject({ id: ZONE });
    expect(net.seen.map((s) => s.atMs - net.seen[0]!.atMs)).toEqual([0, 7_000, 7_000 + 1_000]);
  });

  it('spends a 429 Retry-After once, in the pacer that holds every caller, not again in the retry', async () => {
    const clock = virtualClock();
    const net = network(clock, [{ status: 429, headers: { 'retry-after': '30' } }]);
    const client = await createRestClient({ baseUrl: 'http://127.0.0.1:1/client/v4', token: 't', fetch: net.fetch, now: clock.now, sleep: clock.sleep });
    await client.sdk.zones.get({ zone_id: ZONE });
    expect(net.seen.map((s) => s.atMs - net.seen[0]!.atMs)).toEqual([0, 30_000]);
  });

  it('gives the SDK the last answer after maxRetries, so it raises its own typed error', async () => {
    const clock = virtualClock();
    const net = network(clock, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const client = await createRestClient({
      baseUrl: 'http://127.0.0.1:1/client/v4',
      token: 't',
      fetch: net.fetch,
      now: clock.now,
      sleep: clock.sleep,
      maxRetries: 2,
    });
    await expect(client.sdk.zones.get({ zone_id: ZONE })).rejects.toMatchObject({ status: 500 });
    expect(net.seen).toHaveLength(3);
  });

  it('does not retry a 4xx the server marks final, nor a request that asks for no retry, and never sends that header on', async () => {
    const clock = virtualClock();
    const net = network(clock, [{ status: 409, headers: { 'x-should-retry': 'false' } }, { status: 503 }]);
    const client = await createRestClient({ baseUrl: 'http://127.0.0.1:1/client/v4', token: 't', fetch: net.fetch, now: clock.now, sleep: clock.sleep });
    await expect(client.sdk.zones.get({ zone_id: ZONE })).rejects.toMatchObject({ status: 409 });
    await expect(client.sdk.zones.get({ zone_id: ZONE }, { headers: { [NO_RETRY_HEADER]: '1' } })).rejects.toMatchObject({ status: 503 });
    expect(net.seen).toHaveLength(2);
    expect(net.seen.every((s) => !s.headers.has(NO_RETRY_HEADER))).toBe(true);
  });
});
