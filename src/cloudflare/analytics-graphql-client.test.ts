import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareApiError } from '../errors.js';
import { createAnalyticsGraphqlClient } from './analytics-graphql-client.js';
import { createRateBudget } from './rate-budget.js';
import { createRestPacer } from './rest-pacer.js';
import { busiestWindow } from '../../test/helpers/virtual-clock.js';

type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hangup';
const TOKEN = 'secret-token-0123456789abcdef';

let server: Server;
let baseUrl: string;
let replies: Reply[];
let seen: { url: string; auth: string | undefined; body: string }[];

beforeEach(async () => {
  replies = [];
  seen = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
      const reply = replies.shift() ?? { status: 200, body: JSON.stringify({ data: { ok: true }, errors: null }) };
      if (reply === 'hangup') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});

afterEach(async () => {
  await new Promise((done) => server.close(done));
});

function clientWithClock() {
  let t = 0;
  const sleeps: number[] = [];
  const now = () => t;
  const sleep = (ms: number) => {
    sleeps.push(ms);
    t += ms;
    return Promise.resolve();
  };
  const budget = createRateBudget({ now, sleep });
  const client = createAnalyticsGraphqlClient({ baseUrl, token: TOKEN, now, sleep, budget, random: () => 0.5 });
  return { client, sleeps, budget };
}

const gqlError = (message: string) => JSON.stringify({ data: null, errors: [{ message, path: ['viewer'], extensions: {} }] });

describe('createAnalyticsGraphqlClient', () => {
  it('posts the query to <base>/graphql with the bearer token and returns data', async () => {
    const { client } = clientWithClock();
    replies.push({ status: 200, body: JSON.stringify({ data: { viewer: { zones: [] } }, errors: null }) });
    const data = await client.graphql<{ viewer: unknown }>('query { viewer { zones { __typename } } }', { a: 1 });
    expect(data).toEqual({ viewer: { zones: [] } });
    expect(seen[0]).toMatchObject({ url: '/client/v4/graphql', auth: `Bearer ${TOKEN}` });
    expect(JSON.parse(seen[0]!.body)).toEqual({ query: 'query { viewer { zones { __typename } } }', variables: { a: 1 } });
  });

  it('honours Retry-After on a 429 through the rate budget, then succeeds', async () => {
    const { client, sleeps } = clientWithClock();
    replies.push({ status: 429, body: '{"success":false,"errors":[{"code":971,"message":"Please wait"}]}', headers: { 'retry-after': '3' } });
    await client.graphql('query { a }', {});
    expect(sleeps).toEqual([3000]);
    expect(client.stats()).toEqual({ requests: 2, retries: 1 });
  });

  it('retries 5xx, dropped connections, malformed bodies and transient GraphQL messages with backoff', async () => {
    const { client, sleeps } = clientWithClock();
    replies.push({ status: 503, body: gqlError('unable to execute query, please try again later') });
    replies.push('hangup');
    replies.push({ status: 200, body: '{"data": {"vie' });
    replies.push({ status: 200, body: gqlError('too many queries in progress, please try again later') });
    const data = await client.graphql('query { a }', {});
    expect(data).toEqual({ ok: true });
    // random = 0.5 puts each wait at 3/4 of the capped exponential step.
    expect(sleeps).toEqual([375, 750, 1500, 3000]);
  });

  it('treats errors in an HTTP 200 body as a final error, without retrying', async () => {
    const { client } = clientWithClock();
    replies.push({ status: 200, body: gqlError('cannot request data older than 86400s') });
    const err = await client.graphql('query { a }', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect((err as CloudflareApiError).message).toContain('cannot request data older than 86400s');
    expect(err).toMatchObject({ status: 200, method: 'POST', path: '/graphql', exitCode: 3 });
    expect(seen).toHaveLength(1);
  });

  it('fails at once on a refused token, and the error never holds the token', async () => {
    const { client } = clientWithClock();
    replies.push({ status: 401, body: gqlError('Unauthorized') });
    const err = (await client.graphql('query { a }', {}).catch((e: unknown) => e)) as CloudflareApiError;
    expect(err.status).toBe(401);
    expect(err.hint).toMatch(/CLOUDFLARE_API_TOKEN/);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(TOKEN);
  });

  it('gives up after the bounded number of attempts', async () => {
    const { client } = clientWithClock();
    for (let i = 0; i < 20; i++) replies.push({ status: 500, body: gqlError('Internal server error') });
    const err = (await client.graphql('query { a }', {}).catch((e: unknown) => e)) as CloudflareApiError;
    expect(err).toBeInstanceOf(CloudflareApiError);
    expect(err.status).toBe(500);
    expect(seen).toHaveLength(10);
  });

  it('tightens its budget to what the Ratelimit header says remains, waiting out the reset at zero', async () => {
    const { client, sleeps } = clientWithClock();
    const ok = JSON.stringify({ data: { ok: true }, errors: null });
    replies.push({ status: 200, body: ok, headers: { ratelimit: '"default";r=1;t=40' } });
    replies.push({ status: 200, body: ok, headers: { ratelimit: '"default";r=0;t=40' } });
    await client.graphql('query { a }', {});
    await client.graphql('query { a }', {});
    expect(sleeps).toEqual([]);
    await client.graphql('query { a }', {});
    expect(sleeps).toEqual([40_000]);
  });

  it('charges each request its cost against its own budget and the shared REST pacer (G8)', async () => {
    let t = 0;
    const now = () => t;
    const sleep = (ms: number) => {
      t += ms;
      return Promise.resolve();
    };
    const budget = createRateBudget({ capacity: 10, windowMs: 10_000, now, sleep });
    const restPacer = createRestPacer({ budget: { capacity: 100, windowMs: 10_000 }, now, sleep });
    const client = createAnalyticsGraphqlClient({ baseUrl, token: TOKEN, now, sleep, budget, restPacer, random: () => 0.5 });
    await client.graphql('{ viewer { zones { zoneTag } } }', {}, { cost: 4 });
    await client.graphql('{ viewer { zones { zoneTag } } }', {});
    expect(seen).toHaveLength(2);
    expect(budget.stats().acquired).toBe(5);
    expect(restPacer.stats()).toMatchObject({ charged: 5, requests: 0 });
  });

  it('never lets one sliding window of the server hold more than the GraphQL budget, burst and refill included (G8)', async () => {
    let t = 0;
    const now = () => t;
    const sleep = (ms: number) => {
      t += ms;
      return Promise.resolve();
    };
    const sends: number[] = [];
    const fetch: Parameters<typeof createAnalyticsGraphqlClient>[0]['fetch'] = (url, init) => {
      sends.push(now());
      t += 10;
      return globalThis.fetch(url, { method: init.method, headers: init.headers, body: init.body ?? null });
    };
    const client = createAnalyticsGraphqlClient({ baseUrl, token: TOKEN, now, sleep, fetch, random: () => 0.5 });
    // 70 requests of cost 10 against 300 units / 5 min: a token bucket alone sends 30 at once and 30 more as it refills.
    for (let i = 0; i < 70; i++) await client.graphql('{ viewer { zones { zoneTag } } }', {}, { cost: 10 });
    expect(sends).toHaveLength(70);
    expect(busiestWindow(sends, 300_000)).toBeLessThanOrEqual(30);
    expect(busiestWindow(sends, 300_000)).toBeGreaterThanOrEqual(27);
  });
});
