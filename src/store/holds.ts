import type { Hold } from '../policy/holds.js';
import type { Db } from './db.js';

interface HoldRow {
  id: string;
  network: string;
  country: string | null;
  from_ts: number | null;
  to_ts: number | null;
  reason: string;
  reference: string | null;
  until_ts: number | null;
  created_at: number;
  created_by: string;
  released_at: number | null;
}

export function insertHold(db: Db, hold: Hold): void {
  db.prepare(
    `INSERT INTO holds (id, network, country, from_ts, to_ts, reason, reference, until_ts, created_at, created_by)
     VALUES (@id, @network, @country, @from_ts, @to_ts, @reason, @reference, @until_ts, @created_at, @created_by)`,
  ).run({
    id: hold.id,
    network: hold.network,
    country: hold.country ?? null,
    from_ts: toSeconds(hold.from),
    to_ts: toSeconds(hold.to),
    reason: hold.reason,
    reference: hold.reference ?? null,
    until_ts: toSeconds(hold.until),
    created_at: toSeconds(hold.createdAt),
    created_by: hold.createdBy,
  });
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
    createdAt: new Date(row.created_at * 1000),
    createdBy: row.created_by,
  }));
}

function toSeconds(date: Date | undefined): number | null {
  return date === undefined ? null : Math.floor(date.getTime() / 1000);
}

function fromSeconds(seconds: number | null): Date | undefined {
  return seconds === null ? undefined : new Date(seconds * 1000);
}
