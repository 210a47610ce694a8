import type { Hold } from '../policy/holds.js';

/**
 * A row of the holds table as both stores read it. Times are unix seconds: numbers from SQLite, strings from
 * PostgreSQL's bigint (node-postgres keeps 64-bit integers exact; unix seconds fit a double).
 */
export interface HoldRow {
  id: string;
  network: string;
  country: string | null;
  from_ts: number | string | null;
  to_ts: number | string | null;
  reason: string;
  reference: string | null;
  until_ts: number | string | null;
  created_at: number | string;
  created_by: string;
  released_at: number | string | null;
}

export function holdFromRow(row: HoldRow): Hold {
  return {
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
  };
}

/** The insert's values in column order: id, network, country, from_ts, to_ts, reason, reference, until_ts, created_at, created_by. */
export function holdInsertValues(hold: Hold): (string | number | null)[] {
  return [
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
  ];
}

export function toSeconds(date: Date | undefined): number | null {
  return date === undefined ? null : Math.floor(date.getTime() / 1000);
}

function fromSeconds(seconds: number | string | null): Date | undefined {
  return seconds === null ? undefined : new Date(Number(seconds) * 1000);
}
