import type { FetchFn } from './rest-pacer.js';

export interface ServerClockSample {
  /** The response's `Date` header, in ms since epoch (one-second resolution). */
  readonly serverMs: number;
  /** Our clock when the response arrived. */
  readonly localMs: number;
}

/**
 * Wraps the network fetch under the REST pacer and remembers the newest response `Date` header with our clock at
 * that moment, so a purge can refuse to run on a clock that is clearly wrong without sending an extra request.
 */
export function createClockRecordingFetch(
  now: () => number,
  base: FetchFn = globalThis.fetch,
): { fetch: FetchFn; sample: () => ServerClockSample | undefined } {
  let last: ServerClockSample | undefined;
  return {
    fetch: async (input, init) => {
      const response = await base(input, init);
      const header = response.headers.get('date');
      const serverMs = header === null ? Number.NaN : Date.parse(header);
      if (!Number.isNaN(serverMs)) last = { serverMs, localMs: now() };
      return response;
    },
    sample: () => last,
  };
}

/**
 * Asks Cloudflare for the time without a token: every API response carries a `Date` header, an unauthenticated
 * one (400/401) too, so a purge can check its clock even when it has no token. Undefined when nothing answered.
 */
export async function fetchServerClock(
  baseUrl: string,
  now: () => number,
  fetchFn: FetchFn = globalThis.fetch,
  timeoutMs = 10_000,
): Promise<ServerClockSample | undefined> {
  // Two tries: a pooled keep-alive connection that the server closed just as it was reused fails at once, and a
  // purge would then refuse to run for want of one GET.
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const response = await fetchFn(`${baseUrl.replace(/\/+$/, '')}/user/tokens/verify`, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      const serverMs = Date.parse(response.headers.get('date') ?? '');
      return Number.isNaN(serverMs) ? undefined : { serverMs, localMs: now() };
    } catch {
      // Unreachable (after the second try): the caller decides (a purge then needs --trust-clock).
    }
  }
  return undefined;
}
