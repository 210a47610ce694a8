import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through in front of a real S3 server (s3rver, moto) that refuses some requests, as IAM would. */
export interface DenyingProxy {
  readonly endpoint: string;
  /** Requests received so far, refused ones included. */
  requests(): number;
  /** Requests held without an answer so far (`isStalled`). */
  stalled(): number;
  close(): Promise<void>;
}

/**
 * Answers 403 AccessDenied to the requests `isDenied` picks (given the method, the URL with its query, and the body),
 * as S3 does for credentials whose policy lacks the action; forwards the rest unchanged (the signature covers the
 * Host header as sent, which path-style servers accept). The requests `isStalled` picks get no answer at all until
 * the proxy closes, as from a server that hangs: the client waits, so a test can kill it at that point.
 */
export async function startDenyingProxy(
  target: string,
  isDenied: (method: string, url: string, body: string) => boolean,
  options: { isStalled?: (method: string, url: string, body: string) => boolean } = {},
): Promise<DenyingProxy> {
  const upstream = new URL(target);
  let requests = 0;
  let stalled = 0;
  const proxy: Server = createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (options.isStalled?.(req.method ?? '', req.url ?? '', body.toString('utf8')) === true) {
        stalled += 1;
        return;
      }
      if (isDenied(req.method ?? '', req.url ?? '', body.toString('utf8'))) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
        return;
      }
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stalled: () => stalled,
    close: () =>
      new Promise((resolve) => {
        proxy.close(() => resolve());
        // A stalled request keeps its connection busy, and close() waits for busy connections.
        if (stalled > 0) proxy.closeAllConnections();
      }),
  };
}

/** DeleteObjects: POST /bucket?delete. */
export function isDeleteObjects(method: string, url: string): boolean {
  return method === 'POST' && /[?&]delete(=|&|$)/.test(url);
}

/** GetObject in path style: a GET of /bucket/key (a GET of /bucket is a listing). */
export function isGetObject(method: string, url: string): boolean {
  return method === 'GET' && new URL(url, 'http://x').pathname.split('/').filter(Boolean).length > 1;
}
