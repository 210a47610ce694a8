import { afterEach, describe, expect, it } from 'vitest';
import { childEnv } from './child-env.js';

const HOSTILE = ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_BASE_URL', 'LUXERET_CONFIG', 'LUXERET_HOME'] as const;
const saved = Object.fromEntries(HOSTILE.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of HOSTILE) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('childEnv', () => {
  it("never passes on the developer's token, config or home", () => {
    process.env['CLOUDFLARE_API_TOKEN'] = 'developer-real-token';
    process.env['LUXERET_CONFIG'] = '/nonexistent/config.yaml';
    process.env['LUXERET_HOME'] = '/nonexistent';
    delete process.env['CLOUDFLARE_BASE_URL'];
    const env = childEnv({ LUXERET_HOME: '/tmp/test-home' });
    expect(env['CLOUDFLARE_API_TOKEN']).toBeUndefined();
    expect(env['LUXERET_CONFIG']).toBeUndefined();
    expect(env['LUXERET_HOME']).toBe('/tmp/test-home');
    expect(env['PATH']).toBe(process.env['PATH']);
  });

  it('passes a token on with a loopback base URL', () => {
    const env = childEnv({ CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_BASE_URL: 'http://127.0.0.1:4567/client/v4' });
    expect(env['CLOUDFLARE_API_TOKEN']).toBe('t');
  });

  it.each([undefined, 'https://api.cloudflare.com/client/v4', 'http://127.0.0.1.example.com/'])('refuses a token with CLOUDFLARE_BASE_URL=%s', (baseUrl) => {
    expect(() => childEnv({ CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_BASE_URL: baseUrl })).toThrow(/loopback only/);
  });
});
