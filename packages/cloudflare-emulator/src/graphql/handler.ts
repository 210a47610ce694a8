import type { Reply } from '../envelope.js';
import type { EmulatorState, TokenState } from '../state.js';
import { DOCUMENTED_STATUS, QueryError, errorTimestamp, toGraphqlError, type GraphqlErrorClass } from './errors.js';
import { executeQuery } from './execute.js';
import { parseAndValidate } from './validate.js';

/** A GraphQL error reply; validation and limit errors use HTTP 200 unless the state asks for the documented statuses. */
export function graphqlErrorReply(state: EmulatorState, errors: QueryError[], errorClass: GraphqlErrorClass): Reply {
  const nowMs = state.now();
  const status =
    errorClass === 'auth' || errorClass === 'transient' || errorClass === 'internal' || state.behaviour.graphqlErrorStatus === 'documented'
      ? DOCUMENTED_STATUS[errorClass]
      : 200;
  return { status, body: { data: null, errors: errors.map((error) => toGraphqlError(error, nowMs, state.behaviour.graphqlErrorCodes)) } };
}

/** `Unauthorized` for a missing or unknown token: always 401 (reference §2.2). */
export function graphqlUnauthorized(state: EmulatorState): Reply {
  return graphqlErrorReply(state, [new QueryError('Unauthorized', 'auth')], 'auth');
}

/** POST /graphql with an authenticated token. */
export function handleGraphql(state: EmulatorState, token: TokenState, body: unknown): Reply {
  const request = body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
  if (request === undefined || typeof request !== 'object' || request === null || typeof request.query !== 'string') {
    return graphqlErrorReply(state, [new QueryError('query contains error, please review it and retry', 'validation')], 'validation');
  }
  const validated = parseAndValidate(request.query);
  if (validated.errors.length > 0) {
    const nowMs = state.now();
    const status = state.behaviour.graphqlErrorStatus === 'documented' ? DOCUMENTED_STATUS.validation : 200;
    return {
      status,
      body: {
        data: null,
        errors: validated.errors.map((error) => ({
          message: error.message,
          ...(error.locations ? { locations: error.locations } : {}),
          extensions: { timestamp: errorTimestamp(nowMs) },
        })),
      },
    };
  }
  try {
    const data = executeQuery({
      state,
      token,
      document: validated.document,
      variables: isRecord(request.variables) ? request.variables : undefined,
      operationName: typeof request.operationName === 'string' && request.operationName !== '' ? request.operationName : undefined,
      nowMs: state.now(),
    });
    return { status: 200, body: { data, errors: null } };
  } catch (error) {
    if (error instanceof QueryError) return graphqlErrorReply(state, [error], error.errorClass);
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
