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
export function createClockRecordingFetch(now: () => number, base: FetchFn = globalThis.fetch): { fetch: FetchFn; sample: () => ServerClockSample | undefined } {
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
