import type Cloudflare from 'cloudflare';
import { APIError, CloudflareError } from 'cloudflare/error';
import { asRecord, MalformedObjectError, readBoolean, readNumber, readString } from './objects/fields.js';

/** One R2 lifecycle rule, reduced to what decides whether it deletes objects under a prefix. */
export interface R2ExpiryRule {
  readonly isEnabled: boolean;
  /** `conditions.prefix` ('' for the whole bucket). */
  readonly prefix: string;
  /** `deleteObjectsTransition.condition.maxAge` of an `Age` condition, in seconds; undefined when the rule deletes nothing by age. */
  readonly maxAgeSeconds: number | undefined;
}

/**
 * An R2 bucket's lifecycle rules (`GET /accounts/{account_id}/r2/buckets/{bucket_name}/lifecycle`, SDK
 * `r2.buckets.lifecycle.get`). The API words them its own way, camelCase, ages in seconds:
 * `{ rules: [{ id, enabled, conditions: { prefix }, deleteObjectsTransition?: { condition?: { type: 'Age', maxAge } |
 * { type: 'Date', date } }, abortMultipartUploadsTransition?, storageClassTransitions? }] }`. Only an `Age` deletion
 * expires objects a fixed time after upload; a `Date` one deletes on one day, not comparable with a retention.
 */
export async function fetchR2ExpiryRules(
  sdk: Cloudflare,
  bucket: { readonly accountId: string; readonly name: string; readonly jurisdiction: 'default' | 'eu' | 'fedramp' },
): Promise<R2ExpiryRule[]> {
  const result = asRecord(
    await sdk.r2.buckets.lifecycle.get(bucket.name, {
      account_id: bucket.accountId,
      // A jurisdiction bucket is found only when the request names its jurisdiction.
      ...(bucket.jurisdiction === 'default' ? {} : { 'cf-r2-jurisdiction': bucket.jurisdiction }),
    }),
  );
  const rules = result['rules'] ?? [];
  if (!Array.isArray(rules)) throw new MalformedObjectError('R2 lifecycle configuration');
  return rules.map((raw: unknown) => {
    const rule = asRecord(raw);
    const prefix = readString(asRecord(rule['conditions']), 'prefix');
    const isEnabled = readBoolean(rule, 'enabled');
    if (prefix === undefined || isEnabled === undefined) throw new MalformedObjectError('R2 lifecycle rule');
    const condition = asRecord(asRecord(rule['deleteObjectsTransition'])['condition']);
    const maxAgeSeconds = readString(condition, 'type') === 'Age' ? readNumber(condition, 'maxAge') : undefined;
    return { isEnabled, prefix, maxAgeSeconds };
  });
}

/** The permission the lifecycle read needs [?: the API page lists the R2 storage permission groups]. */
export const R2_READ_PERMISSION = 'Workers R2 Storage Read';
// Cloudflare's "the token may not do this" (reference §1.2) and R2's "no such bucket".
const PERMISSION_CODE = 10000;
const NO_SUCH_BUCKET_CODE = 10006;

/**
 * Why the lifecycle could not be read through the API, in a few words with the status and error code: never a
 * message body, which could quote a header. Anything but an API or network failure is a bug and is thrown on.
 */
export function describeR2ReadFailure(err: unknown): string {
  if (err instanceof APIError) {
    const status = err.status as number | undefined;
    const codes = readCodes(err);
    if ((status === 403 || status === 401) && codes.includes(PERMISSION_CODE)) return `not readable with this token: needs ${R2_READ_PERMISSION}`;
    if (status === 404 && codes.includes(NO_SUCH_BUCKET_CODE)) return `no such R2 bucket in this account (${NO_SUCH_BUCKET_CODE})`;
    return status === undefined ? err.name : `HTTP ${status}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`;
  }
  if (err instanceof CloudflareError || err instanceof MalformedObjectError) return err.name;
  throw err;
}

function readCodes(err: object): number[] {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((item: unknown) => {
    const code = readNumber(asRecord(item), 'code');
    return code === undefined ? [] : [code];
  });
}
