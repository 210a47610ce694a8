import { HOURLY_ROW_SPAN_MS, type HeldCandidate } from '../policy/holds.js';
import type { LocalLocation } from '../policy/retention.js';
import type { Db } from './db.js';

/** How each local location's rows are dated and who they are about, for retention queries. */
const TABLES: Record<LocalLocation['id'], { table: string; time: string; spanMs: number }> = {
  'local/firewall-events': { table: 'firewall_events', time: 'datetime', spanMs: 0 },
  'local/http-analytics': { table: 'http_analytics', time: 'hour', spanMs: HOURLY_ROW_SPAN_MS },
};

export type HoldPredicate = ((candidate: HeldCandidate) => boolean) | undefined;

export interface ExpiryCounts {
  /** Past retention and not held: what a purge deletes. */
  readonly expired: number;
  /** Past retention but covered by an active hold: kept. */
  readonly held: number;
  readonly oldestExpired: Date | undefined;
  readonly newestExpired: Date | undefined;
}

/** Counts the rows of a location (optionally of one zone) older than the cut-off, split by whether a hold keeps them. */
export function countExpired(db: Db, location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate, zoneId?: string): ExpiryCounts {
  const { table, time, spanMs } = TABLES[location];
  const where = `${time} < ?${zoneId === undefined ? '' : ' AND zone_id = ?'}`;
  const params = zoneId === undefined ? [cutoffToSeconds(cutoff)] : [cutoffToSeconds(cutoff), zoneId];
  return withHeldFunction(db, isHeld, time, spanMs, (heldSql) => {
    // MATERIALIZED: the hold check runs once per row; a flattened subquery would run it once per aggregate.
    // With no hold, a plain range aggregate over the time index is enough.
    const sql =
      heldSql === '0'
        ? `SELECT COUNT(*) AS expired, 0 AS held, MIN(${time}) AS oldest, MAX(${time}) AS newest FROM ${table} WHERE ${where}`
        : `WITH expired AS MATERIALIZED (SELECT ${time} AS t, ${heldSql} AS held FROM ${table} WHERE ${where})
           SELECT COALESCE(SUM(1 - held), 0) AS expired, COALESCE(SUM(held), 0) AS held,
                  MIN(CASE WHEN held THEN NULL ELSE t END) AS oldest, MAX(CASE WHEN held THEN NULL ELSE t END) AS newest
             FROM expired`;
    const row = db.prepare(sql).get(...params) as { expired: number; held: number; oldest: number | null; newest: number | null };
    return {
      expired: row.expired,
      held: row.held,
      oldestExpired: row.oldest === null ? undefined : new Date(row.oldest * 1000),
      newestExpired: row.newest === null ? undefined : new Date(row.newest * 1000),
    };
  });
}

/** How many rows a location holds (before and after counts of a purge). */
export function countLocationRows(db: Db, location: LocalLocation['id']): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${TABLES[location].table}`).get() as { n: number }).n;
}

/** Deletes the rows of a location older than the cut-off that no hold covers; returns how many. */
export function deleteExpired(db: Db, location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate): number {
  const { table, time, spanMs } = TABLES[location];
  return withHeldFunction(db, isHeld, time, spanMs, (heldSql) => {
    const sql = `DELETE FROM ${table} WHERE ${time} < ?${heldSql === '0' ? '' : ` AND NOT ${heldSql}`}`;
    return db.prepare(sql).run(cutoffToSeconds(cutoff)).changes;
  });
}

// A record is past retention when strictly older than the cut-off; rows hold whole seconds.
function cutoffToSeconds(cutoff: Date): number {
  return Math.ceil(cutoff.getTime() / 1000);
}

/**
 * Hold matching needs CIDR logic, so it runs as a SQL function calling back into JS; with no active holds the
 * SQL stays a plain range query (the common case, and the fast one).
 */
function withHeldFunction<T>(db: Db, isHeld: HoldPredicate, timeColumn: string, spanMs: number, body: (heldSql: string) => T): T {
  if (!isHeld) return body('0');
  db.function('lux_is_held', { deterministic: true }, (ip: unknown, country: unknown, seconds: unknown) =>
    isHeld({ ip: String(ip), country: String(country), at: new Date(Number(seconds) * 1000), spanMs }) ? 1 : 0,
  );
  return body(`lux_is_held(client_ip, client_country, ${timeColumn})`);
}
