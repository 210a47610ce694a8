import { APIError, CloudflareError } from 'cloudflare/error';
import { LuxeretError } from '../../errors.js';
import { redactSecrets } from '../redact.js';
import { MalformedObjectError } from './fields.js';
import type { ObjectPart, ObjectScope, ReadStatus } from './types.js';

/**
 * The permission each read needs, by the names the API docs use (reference §7). Logpush job *listing* needs
 * `Logs Write`: Cloudflare documents no read-only permission for it.
 */
export const READ_PERMISSIONS: Record<ObjectPart, { zone: string; account: string }> = {
  zone: { zone: 'Zone Read', account: 'Zone Read' },
  'access-rules': { zone: 'Firewall Services Read', account: 'Account Firewall Access Rules Read' },
  'list-items': { zone: 'Account Filter Lists Read', account: 'Account Filter Lists Read' },
  lockdowns: { zone: 'Firewall Services Read', account: 'Firewall Services Read' },
  'custom-rules': { zone: 'Zone WAF Read', account: 'Account Rulesets Read' },
  'logpull-retention': { zone: 'Logs Read', account: 'Logs Read' },
  logpush: { zone: 'Logs Write', account: 'Logs Write' },
};

// Cloudflare's "the token may not do this" (403, sometimes 401, with code 10000; reference §1.2).
const PERMISSION_CODE = 10000;
// How Cloudflare words a feature the plan lacks; the zone's plan decides first, this catches the rest.
const PLAN_MESSAGE = /\bplan\b|entitle|not available|not enabled for|upgrade|enterprise/i;

export function okStatus(part: ObjectPart, scope: ObjectScope): ReadStatus {
  return { part, scope, state: 'ok', message: undefined };
}

export function notAvailableStatus(part: ObjectPart, scope: ObjectScope, plan: string | undefined): ReadStatus {
  return { part, scope, state: 'not_available', message: `not available on this plan${plan ? ` (${plan})` : ''}`, plan };
}

export function notReadableStatus(part: ObjectPart, scope: ObjectScope): ReadStatus {
  const permission = READ_PERMISSIONS[part][scope.type];
  return { part, scope, state: 'not_readable', message: `not readable with this token: needs ${permission}`, permission };
}

/** Turns a failed read into its status: a missing permission, a plan limit, or an error (after the SDK's retries). */
export function classifyReadError(part: ObjectPart, scope: ObjectScope, err: unknown): ReadStatus {
  if (err instanceof APIError) {
    const codes = readCodes(err);
    const message = readMessages(err);
    const status = err.status as number | undefined;
    if ((status === 403 || status === 401) && codes.includes(PERMISSION_CODE)) return notReadableStatus(part, scope);
    if ((status === 403 || status === 400) && PLAN_MESSAGE.test(message)) return notAvailableStatus(part, scope, undefined);
    if (status === undefined) return { part, scope, state: 'error', message: redactSecrets(err.message || err.name) };
    const what = message === '' ? `HTTP ${status}` : `HTTP ${status}: ${message}`;
    return { part, scope, state: 'error', message: redactSecrets(what), status, codes };
  }
  if (err instanceof LuxeretError) return { part, scope, state: 'error', message: redactSecrets(err.message) };
  // Other SDK failures and malformed bodies; anything else is a bug and must surface.
  if (err instanceof CloudflareError || err instanceof SyntaxError || err instanceof MalformedObjectError)
    return { part, scope, state: 'error', message: redactSecrets(err.message || err.name) };
  throw err;
}

function readCodes(err: object): number[] {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((item: unknown) => {
    const code = typeof item === 'object' && item !== null ? (item as { code?: unknown }).code : undefined;
    return typeof code === 'number' ? [code] : [];
  });
}

function readMessages(err: object): string {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return '';
  return errors
    .flatMap((item: unknown) => {
      const message = typeof item === 'object' && item !== null ? (item as { message?: unknown }).message : undefined;
      return typeof message === 'string' ? [message] : [];
    })
    .join('; ');
}
