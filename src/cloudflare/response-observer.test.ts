import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFetch } from './http.js';
import { createResponseObserver } from './response-observer.js';

// A tiny real server: each path answers one way Cloudflare might.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/rest/ok')) {
      res.writeHead(200, { 'content-type': 'application/json', ratelimit: '"default";r=1199;t=300', 'ratelimit-policy': '"burst";q=1200;w=300' });
      res.end(JSON.stringify({ success: true, result: { id: 'z1' } }));
    } else if (req.url === '/rest/edge') {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Bad gateway</body></html>');
    } else {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '300' });
      res.end(JSON.stringify({ data: null, errors: [{ message: 'rate limiter budget depleted', extensions: { code: 'budget' } }, { message: 'no code' }] }));
    }
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('createResponseObserver', () => {
  it('records status, rate headers and error shapes, and hands the body on unread', async () => {
    const observer = createResponseObserver();
    const rest = observer.restFetch();
    const ok = await rest(`${base}/rest/ok?per_page=5`, { method: 'GET', headers: { authorization: 'Bearer secret-token' } });
    expect(await ok.json()).toEqual({ success: true, result: { id: 'z1' } });
    const edge = await rest(`${base}/rest/edge`, { method: 'GET' });
    expect(await edge.text()).toContain('Bad gateway');
    const graphql = observer.graphqlFetch(defaultFetch);
    const limited = await graphql(`${base}/graphql`, { method: 'POST', headers: {}, body: '{}' });
    expect(JSON.parse(await limited.text())).toMatchObject({ data: null });

    expect(observer.responses()).toEqual([
      {
        kind: 'rest',
        method: 'GET',
        path: '/rest/ok',
        status: 200,
        rateLimit: '"default";r=1199;t=300',
        rateLimitPolicy: '"burst";q=1200;w=300',
        retryAfter: undefined,
        errorBody: undefined,
        graphqlErrors: [],
      },
      {
        kind: 'rest',
        method: 'GET',
        path: '/rest/edge',
        status: 502,
        rateLimit: undefined,
        rateLimitPolicy: undefined,
        retryAfter: undefined,
        errorBody: 'html',
        graphqlErrors: [],
      },
      {
        kind: 'graphql',
        method: 'POST',
        path: '/graphql',
        status: 429,
        rateLimit: undefined,
        rateLimitPolicy: undefined,
        retryAfter: '300',
        errorBody: 'json',
        graphqlErrors: [
          { message: 'rate limiter budget depleted', code: 'budget' },
          { message: 'no code', code: undefined },
        ],
      },
    ]);
    expect(JSON.stringify(observer.responses())).not.toContain('secret-token');
  });
});
