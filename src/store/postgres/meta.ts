import type { PgTx } from './connection.js';

export async function readMeta(tx: PgTx, key: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
  return rows[0]?.value;
}

export async function writeMeta(tx: PgTx, key: string, value: string): Promise<void> {
  await tx.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}
