import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { defaultFetch } from '../../src/cloudflare/http.js';

// The guard is installed by vitest.config.ts `setupFiles`; these tests prove it is active, without leaving the machine.
const REFUSED = /loopback-only test guard: refused a connection to 192\.0\.2\.1/;

describe('loopback-only test guard', () => {
  it('refuses a raw socket to a TEST-NET address before connecting', () => {
    const socket = new net.Socket();
    expect(() => socket.connect(443, '192.0.2.1')).toThrow(REFUSED);
    expect(socket.connecting).toBe(false);
    socket.destroy();
  });

  it('refuses net.connect with options and a host name, without a DNS lookup', () => {
    expect(() => net.connect({ host: '192.0.2.1', port: 80 })).toThrow(REFUSED);
    expect(() => net.connect({ host: 'api.cloudflare.com', port: 443 })).toThrow(/refused a connection to api\.cloudflare\.com/);
  });

  it('makes fetch to a non-loopback address fail with the guard as the cause', async () => {
    const failure: unknown = await fetch('http://192.0.2.1/client/v4/user/tokens/verify').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error & { cause?: unknown }).cause)).toMatch(REFUSED);
  });

  it('refuses tls.connect and http.request to a non-loopback host', () => {
    expect(() => tls.connect({ host: '192.0.2.1', port: 443 })).toThrow(REFUSED);
    expect(() => http.get('http://192.0.2.1/')).toThrow(REFUSED);
  });

  it("makes the client's own undici fetch (its keep-alive agent) fail with the guard as the cause", async () => {
    const failure: unknown = await defaultFetch('https://192.0.2.1/client/v4/graphql', { method: 'POST', headers: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error & { cause?: unknown }).cause)).toMatch(REFUSED);
  });

  it('still lets tests reach 127.0.0.1', async () => {
    const server = createServer((socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(reply).toBe('hi');
  });
});
