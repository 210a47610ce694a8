import type { AuditEntry } from '../../audit/entry.js';
import { StoreError } from '../../errors.js';
import type { PgTx } from './connection.js';

// The audit reads a purge needs (reconciling open intents) and the signer's head: until audit is on the port (issue 13).

/** The audit entries, parsed, ordered by seq; with `since`, those written at or after it. */
export async function readPgAuditEntries(tx: PgTx, options: { since?: Date } = {}): Promise<AuditEntry[]> {
  const { rows } = await tx.query<{ seq: string; entry: string }>('SELECT seq::text AS seq, entry FROM audit_log ORDER BY audit_log.seq');
  const entries = rows.map((row) => {
    try {
      return JSON.parse(row.entry) as AuditEntry;
    } catch (err) {
      throw new StoreError(`Audit entry ${row.seq} in the store is not valid JSON`, {
        cause: err,
        hint: 'Run `luxeret-privacy audit verify`; the store may have been altered.',
      });
    }
  });
  const since = options.since;
  return since ? entries.filter((entry) => Date.parse(entry.time) >= since.getTime()) : entries;
}

/** The stored head checkpoint exactly as written, or undefined while the log is empty. */
export async function readPgAuditHeadText(tx: PgTx): Promise<string | undefined> {
  const { rows } = await tx.query<{ checkpoint: string }>('SELECT checkpoint FROM audit_head WHERE id = 1');
  const text = rows[0]?.checkpoint;
  return text === undefined || text === '' ? undefined : text;
}
