import type { Hold } from '../../policy/holds.js';
import type { PgTx } from './connection.js';
import { holdFromRow, holdInsertValues, toSeconds, type HoldRow } from '../hold-row.js';

// Holds are shared by every host on the schema: a hold added on one host protects data from a purge on another.

export async function insertHold(tx: PgTx, hold: Hold): Promise<void> {
  await tx.query(
    `INSERT INTO holds (id, network, country, from_ts, to_ts, reason, reference, until_ts, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    holdInsertValues(hold),
  );
}

/** Marks a hold released; false when there is no such unreleased hold. */
export async function releaseHold(tx: PgTx, id: string, at: Date, by: string, reason: string): Promise<boolean> {
  const result = await tx.query('UPDATE holds SET released_at = $1, released_by = $2, release_reason = $3 WHERE id = $4 AND released_at IS NULL', [
    toSeconds(at),
    by,
    reason,
    id,
  ]);
  return result.rowCount === 1;
}

/**
 * Every hold. A purge reads them inside its own transaction with FOR SHARE, so a release committing meanwhile
 * waits for the purge, and a hold added meanwhile is either seen or added after the purge's deletes commit.
 */
export async function readHolds(tx: PgTx, options: { lockForPurge?: boolean } = {}): Promise<Hold[]> {
  const { rows } = await tx.query<HoldRow>(`SELECT * FROM holds ORDER BY created_at, id${options.lockForPurge ? ' FOR SHARE' : ''}`);
  return rows.map(holdFromRow);
}
