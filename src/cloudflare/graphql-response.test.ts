import { describe, expect, it } from 'vitest';
import { CloudflareApiError } from '../errors.js';
import { classifyResponse, GraphqlQueryError } from './graphql-response.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const NO_HEADERS = { get: () => null };
const response = (status: number, message: string, code?: string) => ({
  status,
  headers: NO_HEADERS,
  text: JSON.stringify({
    data: null,
    errors: [{ message, path: ['viewer', 'zones', '0'], extensions: { timestamp: '2026-10-20T12:00:00.000000000Z', ...(code ? { code } : {}) } }],
  }),
});

const LIMIT_MESSAGES = [
  `zone "${ZONE}" cannot request a time range wider than 1d, but your query time range spans 4w2d`,
  `zone "${ZONE}" cannot request data older than 1w1d, but your query requests data from 4w2d ago`,
  `account "${ZONE}" cannot request data older than 1w1d, but your query requests data from 4w2d ago`,
  `query time range is too large for zone "${ZONE}". Time range can't be wider than 259200s, but it's 604800s`,
  'cannot request data older than 86400s',
  'limit must be positive number and not greater than 10000',
  "number of fields can't be more than 30",
  'in combination, your request queries too many nodes, zones and accounts',
];
const GATED_MESSAGES = [`zone '${ZONE}' does not have access to the field 'clientasn'`, `zone '${ZONE}' does not have access to the path`];
const TRANSIENT_MESSAGES = ['unable to execute query, please try again later', 'too many queries in progress, please try again later'];

describe('classifyResponse', () => {
  // Every limit wording, with and without `extensions.code`, at HTTP 200 (data: null) and the documented 400.
  it.each(
    LIMIT_MESSAGES.flatMap((m) =>
      [200, 400].flatMap(
        (status) =>
          [
            [m, status, 'quota'],
            [m, status, undefined],
          ] as const,
      ),
    ),
  )('limit, final: %s (HTTP %i, code %s)', (message, status, code) => {
    const outcome = classifyResponse(response(status, message, code), undefined);
    expect(outcome.kind).toBe('fatal');
    const error = (outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect(error).toMatchObject({ reason: 'limit', status, exitCode: 3 });
    expect(error.message).toContain(message);
  });

  it('reads the code when the wording is unknown: quota → limit, authz → gated, budget → retry after 5 minutes', () => {
    const limit = classifyResponse(response(200, 'some new wording', 'quota'), undefined);
    expect(limit).toMatchObject({ kind: 'fatal', error: { reason: 'limit' } });
    expect(classifyResponse(response(200, 'some new wording', 'authz'), undefined)).toMatchObject({ kind: 'fatal', error: { reason: 'gated' } });
    expect(classifyResponse(response(200, 'some new wording', 'budget'), undefined)).toMatchObject({ kind: 'retry', retryAfterMs: 300_000 });
    expect(classifyResponse(response(200, 'some new wording'), undefined)).toMatchObject({ kind: 'fatal', error: { reason: 'rejected' } });
  });

  it.each(
    GATED_MESSAGES.flatMap(
      (m) =>
        [
          [m, 200, 'authz'],
          [m, 200, undefined],
          [m, 403, 'authz'],
          [m, 403, undefined],
        ] as const,
    ),
  )('gating, final and not a token problem: %s (HTTP %i, code %s)', (message, status, code) => {
    const outcome = classifyResponse(response(status, message, code), undefined);
    expect(outcome).toMatchObject({ kind: 'fatal', error: { reason: 'gated', status } });
    expect((outcome as unknown as { error: CloudflareApiError }).error.hint).toBeUndefined();
  });

  it.each([
    [429, 'rate limiter budget depleted, try again after 5 minutes', 'budget', undefined, 300_000],
    [429, 'rate limiter budget depleted, try again after 5 minutes', undefined, undefined, 300_000],
    [429, 'rate limiter budget depleted, please try again later', undefined, 7, 7000],
    [200, 'rate limiter budget depleted, try again after 5 minutes', undefined, undefined, 300_000],
    [503, TRANSIENT_MESSAGES[0]!, undefined, undefined, undefined],
    [503, TRANSIENT_MESSAGES[1]!, undefined, undefined, undefined],
    [200, TRANSIENT_MESSAGES[1]!, undefined, undefined, undefined],
  ] as const)('retries HTTP %i %s (code %s, Retry-After %s) after %s ms', (status, message, code, retryAfter, waitMs) => {
    expect(classifyResponse(response(status, message, code), retryAfter)).toEqual({
      kind: 'retry',
      error: expect.any(CloudflareApiError),
      retryAfterMs: waitMs,
    });
  });

  it('treats a refused token or zone as final with the token hint', () => {
    expect(classifyResponse(response(401, 'Unauthorized'), undefined)).toMatchObject({ kind: 'fatal', error: { reason: 'refused', status: 401 } });
    const zones = classifyResponse(response(200, `zones [${ZONE}] are not authorized`, 'authz'), undefined);
    expect(zones).toMatchObject({ kind: 'fatal', error: { reason: 'refused' } });
    expect((zones as unknown as { error: CloudflareApiError }).error.hint).toMatch(/CLOUDFLARE_API_TOKEN/);
  });

  it('returns data when there are no errors', () => {
    expect(classifyResponse({ status: 200, headers: NO_HEADERS, text: '{"data":{"viewer":{}},"errors":null}' }, undefined)).toEqual({
      kind: 'ok',
      value: { viewer: {} },
    });
  });
});
