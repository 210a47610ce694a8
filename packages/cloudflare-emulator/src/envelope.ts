/** Replies and the Cloudflare v4 envelope (reference §1.2). Handlers return a Reply; server.ts writes it. */

export interface Reply {
  status: number;
  /** Serialised with JSON.stringify unless it is already a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiMessage {
  code: number;
  message: string;
  type?: string | null;
}

export type ResultInfo =
  | { page: number; per_page: number; count: number; total_count: number; total_pages: number }
  | { cursors: { before?: string; after?: string } }
  | { cursor?: string; per_page?: number };

export function ok(result: unknown, resultInfo?: ResultInfo, messages: ApiMessage[] = []): Reply {
  const body: Record<string, unknown> = { success: true, errors: [], messages, result };
  if (resultInfo !== undefined) body['result_info'] = resultInfo;
  return { status: 200, body };
}

export function apiError(status: number, code: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { success: false, errors: [{ code, message }], messages: [], result: null }, ...(headers ? { headers } : {}) };
}

/** R3: a path the API does not know (any method), HTTP 400. */
export const noRoute = (): Reply => apiError(400, 7000, 'No route for that URI');
/** R3: a zone or account id that does not resolve; seen with 400 and 404 (`unknownObjectStatus`). */
export const unknownObject = (status: number, path: string): Reply =>
  apiError(status, 7003, `Could not route to ${path}, perhaps your object identifier is invalid?`);
/** The token is valid but lacks the permission or the resource (403), or is not a token at all (401) (R4). */
export const authenticationError = (status: 401 | 403 = 403): Reply => apiError(status, 10000, 'Authentication error');
/** R4: a request with no credentials at all. */
export const missingCredentials = (status: number): Reply => apiError(status, 9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers');
/** R4: `/user/tokens/verify` with an unknown or account-owned token. */
export const invalidToken = (): Reply => apiError(401, 1000, 'Invalid API Token');
export const badRequest = (message: string, code = 10001): Reply => apiError(400, code, message);

/** The 429 body observed in the wild (code 971); `Retry-After` in whole seconds, rounded up. */
export function rateLimited(retryAfterSeconds: number): Reply {
  return apiError(429, 971, 'Please wait and consider throttling your request speed', {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

/**
 * R5: Cloudflare documents no 5xx body. 'json' answers an envelope with 10002 "An unknown error has occurred" (the
 * code seen on server-side failures, workers-sdk#10196); 'html' answers an edge error page, as a proxy in front of
 * the API would. Clients must decide by the status alone.
 */
export function serverError(status: number, body: 'json' | 'html'): Reply {
  if (body === 'json') return apiError(status, 10002, 'An unknown error has occurred');
  const page = `<!DOCTYPE html>\n<html><head><title>api.cloudflare.com | ${status}: Service unavailable</title></head><body><h1>Error ${status}</h1><p>Service unavailable</p></body></html>\n`;
  return { status, body: page, headers: { 'content-type': 'text/html; charset=UTF-8' } };
}

/** Page-based result_info; a page past the end is an empty result, which is what stops the SDK's page iterator. */
export function paginate<T>(items: readonly T[], page: number, perPage: number): Reply {
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return ok(slice, {
    page,
    per_page: perPage,
    count: slice.length,
    total_count: items.length,
    total_pages: Math.max(1, Math.ceil(items.length / perPage)),
  });
}

/**
 * A feature the zone's (or account's) plan does not include. Cloudflare documents the gates (Lockdown not on Free;
 * Logpull, Logpush and country block rules Enterprise-only) but not the error body. The emulator answers 403 with
 * code 10020 and a message naming the feature and plan: 403 because the request is well-formed but not allowed for
 * this customer; clients should key on status + message, the code is the emulator's choice.
 */
export function notEntitled(feature: string, planName: string): Reply {
  return apiError(403, 10020, `${feature} is not available on the ${planName} plan`);
}
