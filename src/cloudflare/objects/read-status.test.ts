import { APIConnectionError, APIError } from 'cloudflare/error';
import { describe, expect, it } from 'vitest';
import { LuxeretError } from '../../errors.js';
import { classifyReadError } from './read-status.js';
import type { ObjectPart, ObjectScope } from './types.js';

const zone: ObjectScope = { type: 'zone', id: '0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e' };
const account: ObjectScope = { type: 'account', id: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1' };
const apiError = (status: number, code: number, message: string) =>
  APIError.generate(status, { success: false, errors: [{ code, message }], messages: [], result: null }, undefined, new Headers());

describe('classifyReadError', () => {
  it.each<[ObjectPart, ObjectScope, string]>([
    ['access-rules', zone, 'Firewall Services Read'],
    ['access-rules', account, 'Account Firewall Access Rules Read'],
    ['list-items', account, 'Account Filter Lists Read'],
    ['lockdowns', zone, 'Firewall Services Read'],
    ['custom-rules', zone, 'Zone WAF Read'],
    ['logpull-retention', zone, 'Logs Read'],
    ['logpush', account, 'Logs Write'],
  ])('403 code 10000 on %s (%s) → not readable, needs the permission', (part, scope, permission) => {
    expect(classifyReadError(part, scope, apiError(403, 10000, 'Authentication error'))).toEqual({
      part,
      scope,
      state: 'not_readable',
      message: `not readable with this token: needs ${permission}`,
      permission,
    });
  });

  it('a plan refusal → not available', () => {
    const status = classifyReadError('lockdowns', zone, apiError(403, 10020, 'Zone Lockdown is not available on the Free Website plan'));
    expect(status).toMatchObject({ state: 'not_available', message: 'not available on this plan' });
  });

  it('anything else after retries → error, with status and codes, secrets redacted', () => {
    expect(classifyReadError('logpush', zone, apiError(500, 10013, 'boom at r2://b?secret-access-key=S3CR3T'))).toMatchObject({
      state: 'error',
      status: 500,
      codes: [10013],
      message: 'HTTP 500: boom at r2://b?secret-access-key=REDACTED',
    });
    expect(classifyReadError('zone', zone, apiError(401, 1000, 'Invalid API Token'))).toMatchObject({ state: 'error', message: 'HTTP 401: Invalid API Token' });
    expect(classifyReadError('zone', zone, new APIConnectionError({ message: 'Connection error.' }))).toMatchObject({
      state: 'error',
      message: 'Connection error.',
    });
    expect(classifyReadError('zone', zone, new LuxeretError('store gone', 7))).toMatchObject({ state: 'error', message: 'store gone' });
  });

  it('rethrows bugs', () => {
    expect(() => classifyReadError('zone', zone, new TypeError('x is undefined'))).toThrow(TypeError);
  });
});
