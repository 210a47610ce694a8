import type { FetchLike } from './http.js';
import type { FetchFn } from './rest-pacer.js';

/** One response as `doctor` records it: status, the rate headers, and for errors the shape of the body. Never a request header. */
export interface ObservedResponse {
  readonly kind: 'rest' | 'graphql';
  readonly method: string;
  /** URL path without the query string. */
  readonly path: string;
  readonly status: number;
  readonly rateLimit: string | undefined;
  readonly rateLimitPolicy: string | undefined;
  readonly retryAfter: string | undefined;
  /** How an error body (status ≥ 400) was written: a JSON document, HTML (an edge page), or something else. */
  readonly errorBody: 'json' | 'html' | 'other' | undefined;
  /** GraphQL `errors[]`: each message and its `extensions.code` (undefined when absent). */
  readonly graphqlErrors: readonly { readonly message: string; readonly code: string | undefined }[];
}

export interface ResponseObserver {
  /** Wraps the network fetch under the REST pacer. */
  readonly restFetch: (base?: FetchFn) => FetchFn;
  /** Wraps the GraphQL client's fetch. */
  readonly graphqlFetch: (base: FetchLike) => FetchLike;
  readonly responses: () => readonly ObservedResponse[];
}

/**
 * Records what Cloudflare's responses looked like, under the clients' own fetch (no second HTTP stack), so `doctor`
 * can check our assumptions about rate headers and error shapes against a live account.
 */
export function createResponseObserver(): ResponseObserver {
  const seen: ObservedResponse[] = [];
  return {
    restFetch:
      (base = globalThis.fetch) =>
      async (input, init) => {
        const response = await base(input, init);
        const text = response.status >= 400 ? await response.clone().text() : undefined;
        seen.push(observe('rest', init?.method ?? (input instanceof Request ? input.method : 'GET'), urlOf(input), response.status, response.headers, text));
        return response;
      },
    graphqlFetch: (base) => async (url, init) => {
      const response = await base(url, init);
      const text = await response.text();
      seen.push(observe('graphql', init.method, url, response.status, response.headers, text));
      return { status: response.status, headers: response.headers, text: () => Promise.resolve(text) };
    },
    responses: () => seen,
  };
}

function observe(
  kind: ObservedResponse['kind'],
  method: string,
  url: string,
  status: number,
  headers: { get(name: string): string | null },
  text: string | undefined,
): ObservedResponse {
  const header = (name: string) => headers.get(name) ?? undefined;
  const body = text === undefined ? undefined : parseJson(text);
  return {
    kind,
    method: method.toUpperCase(),
    path: new URL(url).pathname,
    status,
    rateLimit: header('ratelimit'),
    rateLimitPolicy: header('ratelimit-policy'),
    retryAfter: header('retry-after'),
    errorBody: status < 400 || text === undefined ? undefined : body !== undefined ? 'json' : /<html|<!doctype html/i.test(text) ? 'html' : 'other',
    graphqlErrors: kind === 'graphql' ? readGraphqlErrors(body) : [],
  };
}

function readGraphqlErrors(body: unknown): ObservedResponse['graphqlErrors'] {
  const errors = isObject(body) ? body['errors'] : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.filter(isObject).map((error) => {
    const extensions = error['extensions'];
    const code = isObject(extensions) ? extensions['code'] : undefined;
    return { message: typeof error['message'] === 'string' ? error['message'] : '', code: typeof code === 'string' ? code : undefined };
  });
}

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
