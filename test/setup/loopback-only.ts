import net from 'node:net';

/**
 * Vitest setup: every TCP connection from a test process must go to loopback (the emulator, a local TSA). Undici,
 * Node's fetch, the cloudflare SDK and TLS all connect through net.Socket.prototype.connect, so refusing other hosts
 * there – before any DNS lookup or packet – keeps a stray token or base URL from reaching the real Cloudflare API.
 */
const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(host);
}

/** The host a connect() call targets, or undefined for a Unix socket path; Node's default host is localhost. */
function targetHost(args: unknown[]): string | undefined {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined;
    return typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  return typeof args[1] === 'string' && args[1] !== '' ? args[1] : 'localhost';
}

// Installed once per process: setup files run again for every test file a worker takes on.
const GUARDED = Symbol.for('luxeret.loopback-only');
const proto = net.Socket.prototype as net.Socket & { [GUARDED]?: true };
if (proto[GUARDED] !== true) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with apply and the socket as `this`
  const originalConnect = proto.connect;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- connect has many overloads; the guard passes them through
  proto.connect = function guardedConnect(this: net.Socket, ...args: any[]) {
    const host = targetHost(args);
    if (host !== undefined && !isLoopbackHost(host)) {
      throw new Error(`loopback-only test guard: refused a connection to ${host}; tests may only reach 127.0.0.1 or ::1`);
    }
    return originalConnect.apply(this, args as Parameters<typeof originalConnect>);
  } as typeof originalConnect;
  proto[GUARDED] = true;
}
