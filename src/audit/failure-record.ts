import { createHmac } from 'node:crypto';
import type { DeletionFailure } from '../cloudflare/objects/delete.js';

export type { DeletionFailure };

/** One kind of failure as the signed outcome records it. */
export interface FailureRecord {
  code: string;
  status: number | null;
  /** Keyed hash of the server's text: whoever holds the subject-hash secret can match it to the text on stderr. */
  text_hash: string | null;
  count: number;
}

/**
 * Groups failures into what the signed outcome entry may hold. The server's text is free-form (it can quote an
 * address, `Rule::Block`, non-ASCII): written into the entry it could trip the raw-IP guard after Cloudflare had
 * already deleted, so the entry gets a keyed hash of it instead and the text goes to stderr only.
 */
export function buildFailureRecords(failures: readonly DeletionFailure[], secret: Buffer | undefined): FailureRecord[] {
  const records = new Map<string, FailureRecord>();
  for (const failure of failures) {
    const textHash =
      secret === undefined || failure.message === '' ? null : 'hmac-sha256:' + createHmac('sha256', secret).update(failure.message, 'utf8').digest('hex');
    const key = `${failure.code}\u0000${failure.status ?? ''}\u0000${textHash ?? ''}`;
    const record = records.get(key) ?? { code: failure.code, status: failure.status, text_hash: textHash, count: 0 };
    record.count += 1;
    records.set(key, record);
  }
  return [...records.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** The stderr line: counts by the server's own words. */
export function describeFailures(failures: readonly DeletionFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.message, (counts.get(f.message) ?? 0) + 1);
  return [...counts].map(([message, n]) => `${n}× ${message}`).join('; ');
}

/** The stdout note: counts by code and status, no server text. */
export function describeFailureCodes(failures: readonly DeletionFailure[]): string {
  return buildFailureRecords(failures, undefined)
    .map((r) => `${r.count}× ${r.code}${r.status === null ? '' : ` (HTTP ${r.status})`}`)
    .join('; ');
}
