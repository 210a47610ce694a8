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

export const noRoute = (): Reply => apiError(404, 7003, 'No route for the URI');
export const authenticationError = (): Reply => apiError(403, 10000, 'Authentication error');
export const invalidToken = (status: number): Reply => apiError(status, 1000, 'Invalid API Token');
export const badRequest = (message: string, code = 10001): Reply => apiError(400, code, message);

/** The 429 body observed in the wild (code 971); `Retry-After` in whole seconds, rounded up. */
export function rateLimited(retryAfterSeconds: number): Reply {
  return apiError(429, 971, 'Please wait and consider throttling your request speed', {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
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
