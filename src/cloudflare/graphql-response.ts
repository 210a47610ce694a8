import { CloudflareApiError } from '../errors.js';
import type { Attempt, HttpResponse } from './http.js';

const GRAPHQL_PATH = '/graphql';
const AUTH_HINT = 'Check CLOUDFLARE_API_TOKEN: it must be valid and allowed Zone Analytics Read for the configured zones.';
const LIMIT_HINT = "The query asked for more than the zone's plan allows; re-run the pull, which reads the limits from `settings` first.";
const BUDGET_DEPLETED_WAIT_MS = 300_000;

/**
 * Why Cloudflare refused a GraphQL query for good:
 * - 'limit': the query asked for more than the zone's limits allow (time range, look-back, page size, fields, zones);
 * - 'gated': the zone may not read a field or dataset (the pull can ask again without it);
 * - 'refused': the token may not read the zone;
 * - 'rejected': anything else final (a malformed query).
 */
export type GraphqlRefusal = 'limit' | 'gated' | 'refused' | 'rejected';

/** A final GraphQL error whose reason callers can act on and report. */
export class GraphqlQueryError extends CloudflareApiError {
  readonly reason: GraphqlRefusal;
  constructor(message: string, reason: GraphqlRefusal, status: number, hint?: string) {
    super(message, { status, method: 'POST', path: GRAPHQL_PATH }, hint !== undefined ? { hint } : {});
    this.reason = reason;
  }
}

type ErrorKind = 'limit' | 'gated' | 'refused' | 'rate' | 'transient' | 'other';

// G3: `extensions.code`, when present, names the class; the wording decides when it is absent.
const KIND_BY_CODE: Readonly<Record<string, ErrorKind>> = { quota: 'limit', authz: 'gated', budget: 'rate' };
// G2 both wordings (units and seconds), and the other per-query limits (reference §2.2).
const LIMIT_WORDING =
  /cannot request data older than|cannot request a time range wider than|query time range is too large|time range can't be wider than|limit must be positive number and not greater than|number of fields can't be more than|queries too many nodes, zones and accounts/i;
const GATED_WORDING = /does not have access to the (field|path)/i; // G4
const REFUSED_WORDING = /^unauthorized$|not authorized/i;
const BUDGET_WORDING = /rate limiter budget depleted/i; // G8
const TRANSIENT_WORDING = /try again later|too many queries in progress|internal server error|timed? ?out/i; // G12

interface GraphqlBody {
  data?: unknown;
  errors?: { message?: unknown; extensions?: { code?: unknown } | null }[] | null;
}

function kindOf(message: string, code: unknown): ErrorKind {
  if (REFUSED_WORDING.test(message)) return 'refused';
  const byCode = typeof code === 'string' ? KIND_BY_CODE[code] : undefined;
  if (byCode !== undefined) return byCode;
  if (BUDGET_WORDING.test(message)) return 'rate';
  if (LIMIT_WORDING.test(message)) return 'limit';
  if (GATED_WORDING.test(message)) return 'gated';
  if (TRANSIENT_WORDING.test(message)) return 'transient';
  return 'other';
}

/**
 * Decides what one GraphQL response means: data, a failure worth retrying (rate limit, transient), or a final error.
 * Limit and gating errors are final whatever the status (200 with `data: null`, or the documented 400/403: G11).
 * Pure.
 */
export function classifyResponse<T>(response: HttpResponse, retryAfterSeconds: number | undefined): Attempt<T> {
  const { status } = response;
  const parsed = parseBody(response.text);
  const errors = (parsed?.errors ?? []).map((e) => {
    const message = typeof e.message === 'string' ? e.message : 'unknown error';
    return { message, kind: kindOf(message, e.extensions?.code) };
  });
  const summary =
    errors.length > 0
      ? `: ${errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ')}`
      : '';
  const retryAfterMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : undefined;
  const has = (kind: ErrorKind) => errors.some((e) => e.kind === kind);

  if (status === 429 || has('rate')) {
    // No Retry-After on GraphQL (G9): a depleted budget is blocked for its whole 5-minute window.
    const waitMs = retryAfterMs ?? (has('rate') ? BUDGET_DEPLETED_WAIT_MS : undefined);
    return { kind: 'retry', error: apiError(`Cloudflare rate limit reached (HTTP ${status})${summary}`, status), retryAfterMs: waitMs };
  }
  if (has('limit')) {
    return { kind: 'fatal', error: new GraphqlQueryError(`Cloudflare refused the query as beyond the zone's limits${summary}`, 'limit', status, LIMIT_HINT) };
  }
  if (has('gated')) {
    return { kind: 'fatal', error: new GraphqlQueryError(`Cloudflare does not serve a requested field or dataset to this zone${summary}`, 'gated', status) };
  }
  if (status === 401 || status === 403 || has('refused')) {
    const what = status === 401 || status === 403 ? `refused the API token (HTTP ${status})` : 'refused the query';
    return { kind: 'fatal', error: new GraphqlQueryError(`Cloudflare ${what}${summary}`, 'refused', status, AUTH_HINT) };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'retry', error: apiError(`Cloudflare API failed (HTTP ${status})${summary}`, status), retryAfterMs };
  }
  if (parsed === undefined) {
    const error = apiError(`Cloudflare sent a malformed response (HTTP ${status})`, status);
    return status >= 200 && status < 300 ? { kind: 'retry', error } : { kind: 'fatal', error };
  }
  if (errors.length > 0) {
    if (errors.every((e) => e.kind === 'transient')) {
      return { kind: 'retry', error: apiError(`Cloudflare could not answer the query${summary}`, status), retryAfterMs };
    }
    return { kind: 'fatal', error: new GraphqlQueryError(`Cloudflare rejected the query${summary}`, 'rejected', status) };
  }
  if (status < 200 || status >= 300) return { kind: 'fatal', error: apiError(`Cloudflare API failed (HTTP ${status})`, status) };
  if (parsed.data === null || typeof parsed.data !== 'object') {
    return { kind: 'retry', error: apiError('Cloudflare sent a GraphQL response without data', status) };
  }
  return { kind: 'ok', value: parsed.data as T };
}

function parseBody(text: string): GraphqlBody | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** A CloudflareApiError for the GraphQL endpoint; never carries the token or headers. */
export function apiError(message: string, status: number | undefined, cause?: unknown, hint?: string): CloudflareApiError {
  const options: { cause?: unknown; hint?: string } = {};
  if (cause !== undefined) options.cause = cause;
  if (hint !== undefined) options.hint = hint;
  const details: { status?: number; method: string; path: string } = { method: 'POST', path: GRAPHQL_PATH };
  if (status !== undefined) details.status = status;
  return new CloudflareApiError(message, details, options);
}
