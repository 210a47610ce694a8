import type { PgTx } from './connection.js';

/**
 * One meta value. With `lock` (a read inside a write transaction) the key stays locked until it ends, so a
 * read-modify-write of a shared value (the metrics' carried totals) is not lost to another host doing the same.
 * FOR UPDATE alone cannot lock a key no row holds yet (the first run on two hosts at once): a transaction-level
 * advisory lock on the schema and key serialises those too.
 */
export async function readMeta(tx: PgTx, key: string, options: { lock?: boolean } = {}): Promise<string | undefined> {
  if (options.lock === true) await lockMetaKey(tx, key);
  const { rows } = await tx.query<{ value: string }>(`SELECT value FROM meta WHERE key = $1${options.lock === true ? ' FOR UPDATE' : ''}`, [key]);
  return rows[0]?.value;
}

export async function writeMeta(tx: PgTx, key: string, value: string): Promise<void> {
  await tx.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}

function lockMetaKey(tx: PgTx, key: string): Promise<unknown> {
  return tx.query("SELECT pg_advisory_xact_lock(hashtextextended('luxeret-privacy:meta:' || current_schema() || ':' || $1, 0))", [key]);
}
