import type { Db } from './db.js';

/** The raw datasets statistics are rolled up from; named as in `pull_state`. */
export type StatsDataset = 'firewall_events' | 'http_analytics';

export const DAY_SECONDS = 86_400;

/**
 * How each dataset is counted. Firewall events: one row = one event, every row has an IP. HTTP analytics: a row
 * carries a request count, and `client_ip` is '' where the zone's plan gives per-country counts only.
 */
const SOURCES: Record<StatsDataset, { table: string; time: string; count: string; ips: string; ipRows: string }> = {
  firewall_events: {
    table: 'firewall_events',
    time: 'datetime',
    // Under adaptive sampling each stored event stands for `sample_interval` events (reference §2.5).
    count: 'COALESCE(SUM(sample_interval), 0)',
    ips: 'COUNT(DISTINCT client_ip)',
    ipRows: 'COUNT(*)',
  },
  http_analytics: {
    table: 'http_analytics',
    time: 'hour',
    count: 'COALESCE(SUM(requests), 0)',
    ips: "COUNT(DISTINCT NULLIF(client_ip, ''))",
    ipRows: "COALESCE(SUM(client_ip <> ''), 0)",
  },
};

/** One (dataset, UTC day, zone): the unit that is rolled up once, from all of its raw rows. */
export interface RollUpUnit {
  readonly dataset: StatsDataset;
  readonly zoneId: string;
  /** Unix seconds of 00:00 UTC. */
  readonly day: number;
}

/** A per-country count straight from the raw rows, before suppression; never leaves the roll-up unfiltered. */
export interface RawStatsCell {
  readonly zoneId: string;
  readonly day: number;
  readonly country: string;
  readonly count: number;
  readonly distinctIps: number;
  /** Raw rows behind the cell. */
  readonly rows: number;
  /** Rows that carried an IP; 0 means distinct IPs are unknown (country-only analytics). */
  readonly ipRows: number;
}

export interface StoredStatsCell {
  readonly dataset: StatsDataset;
  readonly day: number;
  readonly zoneId: string;
  readonly country: string;
  readonly count: number;
  readonly distinctIps: number | null;
}

export interface RollUpMarker extends RollUpUnit {
  readonly rolledUpFor: string;
  readonly cells: number;
  readonly suppressedCells: number;
}

/** The start (00:00 UTC) of the first day at or after `fromSeconds` holding a row older than `beforeSeconds`. */
export function findNextDayWithRows(db: Db, dataset: StatsDataset, fromSeconds: number, beforeSeconds: number): number | undefined {
  const { table, time } = SOURCES[dataset];
  const row = db.prepare(`SELECT MIN(${time}) AS first FROM ${table} WHERE ${time} >= ? AND ${time} < ?`).get(fromSeconds, beforeSeconds) as {
    first: number | null;
  };
  return row.first === null ? undefined : row.first - (row.first % DAY_SECONDS);
}

/** Zones with a row in `[fromSeconds, beforeSeconds)`. */
export function readZonesWithRows(db: Db, dataset: StatsDataset, fromSeconds: number, beforeSeconds: number): string[] {
  const { table, time } = SOURCES[dataset];
  return (
    db.prepare(`SELECT DISTINCT zone_id AS zoneId FROM ${table} WHERE ${time} >= ? AND ${time} < ?`).all(fromSeconds, beforeSeconds) as { zoneId: string }[]
  ).map((row) => row.zoneId);
}

/** Zones of a (dataset, day) already rolled up. */
export function readRolledUpZones(db: Db, dataset: StatsDataset, day: number): Set<string> {
  const rows = db.prepare('SELECT zone_id AS zoneId FROM stats_rollups WHERE dataset = ? AND day = ?').all(dataset, day) as { zoneId: string }[];
  return new Set(rows.map((row) => row.zoneId));
}

/** Units holding any of the given rows (by id) that have not been rolled up yet. */
export function selectUnrolledUnitsOfRows(db: Db, dataset: StatsDataset, ids: readonly number[]): RollUpUnit[] {
  if (ids.length === 0) return [];
  const { table, time } = SOURCES[dataset];
  const rows = db
    .prepare(
      `SELECT u.zone_id AS zoneId, u.day AS day
         FROM (SELECT DISTINCT zone_id, ${time} - ${time} % ${DAY_SECONDS} AS day
                 FROM ${table} WHERE id IN (SELECT value FROM json_each(?))) u
        WHERE NOT EXISTS (SELECT 1 FROM stats_rollups r WHERE r.dataset = ? AND r.day = u.day AND r.zone_id = u.zone_id)
        ORDER BY u.day, u.zone_id`,
    )
    .all(JSON.stringify(ids), dataset) as { zoneId: string; day: number }[];
  return rows.map((row) => ({ dataset, zoneId: row.zoneId, day: row.day }));
}

/** Per zone and country counts over every raw row of one UTC day (all zones; the caller keeps the ones it rolls up). */
export function countDayCells(db: Db, dataset: StatsDataset, day: number): RawStatsCell[] {
  const { table, time, count, ips, ipRows } = SOURCES[dataset];
  const rows = db
    .prepare(
      `SELECT zone_id AS zoneId, client_country AS country, ${count} AS count, ${ips} AS distinctIps, COUNT(*) AS rows, ${ipRows} AS ipRows
         FROM ${table} WHERE ${time} >= ? AND ${time} < ?
        GROUP BY zone_id, client_country ORDER BY zone_id, client_country`,
    )
    .all(day, day + DAY_SECONDS) as Omit<RawStatsCell, 'day'>[];
  return rows.map((row) => ({ ...row, day }));
}

/** Up to where a zone's dataset is pulled without gaps and no late row can still arrive (unix seconds), if ever pulled. */
export function readSettledTo(db: Db, dataset: StatsDataset, zoneId: string): number | undefined {
  const row = db.prepare('SELECT settled_to FROM pull_state WHERE zone_id = ? AND dataset = ?').get(zoneId, dataset) as { settled_to: number } | undefined;
  return row?.settled_to;
}

/** Stores a unit's publishable cells and marks it rolled up; a unit already marked is left alone (idempotent). */
export function writeRollUp(db: Db, marker: RollUpMarker, cells: readonly StoredStatsCell[], at: Date): boolean {
  const marked = db
    .prepare(
      `INSERT INTO stats_rollups (dataset, day, zone_id, rolled_up_at, rolled_up_for, cells, suppressed_cells)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(marker.dataset, marker.day, marker.zoneId, Math.floor(at.getTime() / 1000), marker.rolledUpFor, marker.cells, marker.suppressedCells);
  if (marked.changes === 0) return false;
  const insert = db.prepare('INSERT INTO stats_daily (dataset, day, zone_id, country, count, distinct_ips) VALUES (?, ?, ?, ?, ?, ?)');
  for (const cell of cells) insert.run(cell.dataset, cell.day, cell.zoneId, cell.country, cell.count, cell.distinctIps);
  return true;
}

/** Stored cells with `fromDay <= day < toDay` (unix seconds), ordered by day, dataset, zone, country. */
export function readStatsCells(db: Db, range: { fromDay?: number; toDay?: number } = {}): StoredStatsCell[] {
  const rows = db
    .prepare(
      `SELECT dataset, day, zone_id AS zoneId, country, count, distinct_ips AS distinctIps FROM stats_daily
        WHERE day >= ? AND day < ? ORDER BY day, dataset, zone_id, country`,
    )
    .all(range.fromDay ?? Number.MIN_SAFE_INTEGER, range.toDay ?? Number.MAX_SAFE_INTEGER) as StoredStatsCell[];
  return rows;
}

/** The roll-up markers with `fromDay <= day < toDay`, ordered by day, dataset, zone. */
export function readRollUpMarkers(db: Db, range: { fromDay?: number; toDay?: number } = {}): RollUpMarker[] {
  return db
    .prepare(
      `SELECT dataset, day, zone_id AS zoneId, rolled_up_for AS rolledUpFor, cells, suppressed_cells AS suppressedCells
         FROM stats_rollups WHERE day >= ? AND day < ? ORDER BY day, dataset, zone_id`,
    )
    .all(range.fromDay ?? Number.MIN_SAFE_INTEGER, range.toDay ?? Number.MAX_SAFE_INTEGER) as RollUpMarker[];
}
