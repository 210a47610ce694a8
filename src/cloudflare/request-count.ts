import type { FetchLike } from './http.js';

/** Requests sent and how many Cloudflare answered 429 (rate limited); no URL, header or body is kept. */
export interface RequestCount {
  readonly requests: number;
  readonly rateLimited: number;
}

/** Wraps a fetch to count what it sends and the 429s it gets back (the GraphQL client's requests; REST has its pacer's stats). */
export function createCountingFetch(base: FetchLike): { fetch: FetchLike; count: () => RequestCount } {
  let requests = 0;
  let rateLimited = 0;
  return {
    fetch: async (url, init) => {
      requests += 1;
      const response = await base(url, init);
      if (response.status === 429) rateLimited += 1;
      return response;
    },
    count: () => ({ requests, rateLimited }),
  };
}
