/** GraphQL error objects in Cloudflare's shape (reference §2.2): message, path with string indexes, extensions.timestamp. */

/** Error classes with the HTTP status the errors page documents for each. */
export type GraphqlErrorClass = 'validation' | 'limit' | 'auth' | 'forbidden' | 'rate' | 'transient' | 'internal';

export const DOCUMENTED_STATUS: Record<GraphqlErrorClass, number> = {
  validation: 400,
  limit: 400,
  auth: 401,
  forbidden: 403,
  rate: 429,
  transient: 503,
  internal: 500,
};

/** G3: `extensions.code` per class; classes without one carry none. */
const ERROR_CODES: Partial<Record<GraphqlErrorClass, string>> = { limit: 'quota', forbidden: 'authz', rate: 'budget' };

export interface GraphqlError {
  message: string;
  path?: string[];
  locations?: { line: number; column: number }[];
  extensions: { timestamp: string; code?: string };
}

export class QueryError extends Error {
  constructor(
    message: string,
    readonly errorClass: GraphqlErrorClass,
    readonly path?: string[],
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** Cloudflare timestamps errors with nanosecond precision; milliseconds padded to nine digits are indistinguishable. */
export function errorTimestamp(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function toGraphqlError(error: QueryError, nowMs: number, withCode: boolean): GraphqlError {
  const code = withCode ? ERROR_CODES[error.errorClass] : undefined;
  return {
    message: error.message,
    ...(error.path ? { path: error.path } : {}),
    extensions: { ...(code !== undefined ? { code } : {}), timestamp: errorTimestamp(nowMs) },
  };
}
