import type { Hold } from '../../policy/holds.js';
import type { PgTx } from './connection.js';

/** Holds are shared by every host on the schema: a hold added on one host protects data from a purge on another. */
interface HoldRow {
  id: string;
  network: string;
  country: string | null;
  from_ts: string | null;
  to_ts: string | null;
  reason: string;
  reference: string | null;
  until_ts: string | null;
  created_at: string;
  created_by: string;
  released_at: string | null;
}

export async function insertHold(tx: PgTx, hold: Hold): Promise<void> {
  await tx.query(
    `INSERT INTO holds (id, network, country, from_ts, to_ts, reason, reference, until_ts, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      hold.id,
      hold.network,
      hold.country ?? null,
      toSeconds(hold.from),
      toSeconds(hold.to),
      hold.reason,
      hold.reference ?? null,
      toSeconds(hold.until),
      toSeconds(hold.createdAt),
      hold.createdBy,
    ],
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
  return rows.map((row) => ({
    id: row.id,
    network: row.network,
    country: row.country ?? undefined,
    from: fromSeconds(row.from_ts),
    to: fromSeconds(row.to_ts),
    until: fromSeconds(row.until_ts),
    releasedAt: fromSeconds(row.released_at),
    reason: row.reason,
    reference: row.reference ?? undefined,
    createdAt: new Date(Number(row.created_at) * 1000),
    createdBy: row.created_by,
  }));
}

function toSeconds(date: Date | undefined): number | null {
  return date === undefined ? null : Math.floor(date.getTime() / 1000);
}

// bigint columns arrive as strings (node-postgres keeps 64-bit integers exact); unix seconds fit a double.
function fromSeconds(seconds: string | null): Date | undefined {
  return seconds === null ? undefined : new Date(Number(seconds) * 1000);
}
