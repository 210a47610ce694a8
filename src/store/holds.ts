import type { Hold } from '../policy/holds.js';
import type { Db } from './db.js';
import { holdFromRow, holdInsertValues, toSeconds, type HoldRow } from './hold-row.js';

export function insertHold(db: Db, hold: Hold): void {
  db.prepare(
    `INSERT INTO holds (id, network, country, from_ts, to_ts, reason, reference, until_ts, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(...holdInsertValues(hold));
}

/** Marks a hold released; false when there is no such unreleased hold. */
export function releaseHold(db: Db, id: string, at: Date, by: string, reason: string): boolean {
  const result = db
    .prepare('UPDATE holds SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ? AND released_at IS NULL')
    .run(toSeconds(at), by, reason, id);
  return result.changes === 1;
}

export function readHolds(db: Db): Hold[] {
  const rows = db.prepare('SELECT * FROM holds ORDER BY created_at, id').all() as HoldRow[];
  return rows.map(holdFromRow);
}
