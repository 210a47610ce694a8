import type { RollUpMarker, StatsDataset, StoredStatsCell } from '../stats.js';
import type { PgTx } from './connection.js';

type DayRange = { fromDay?: number; toDay?: number };

// Byte order ("C"), as SQLite sorts text, so both stores list the same cells in the same order.

/** Stored cells with fromDay <= day < toDay (unix seconds), ordered by day, dataset, zone, country. */
export async function readPgStatsCells(tx: PgTx, range: DayRange = {}): Promise<StoredStatsCell[]> {
  const { rows } = await tx.query<{ dataset: StatsDataset; day: string; zone_id: string; country: string; count: string; distinct_ips: string | null }>(
    `SELECT dataset, day::text AS day, zone_id, country, count::text AS count, distinct_ips::text AS distinct_ips FROM stats_daily
      WHERE day >= $1 AND day < $2 ORDER BY day, dataset COLLATE "C", zone_id COLLATE "C", country COLLATE "C"`,
    bounds(range),
  );
  return rows.map((row) => ({
    dataset: row.dataset,
    day: Number(row.day),
    zoneId: row.zone_id,
    country: row.country,
    count: Number(row.count),
    distinctIps: row.distinct_ips === null ? null : Number(row.distinct_ips),
  }));
}

/** The roll-up markers with fromDay <= day < toDay, ordered by day, dataset, zone. */
export async function readPgRollUpMarkers(tx: PgTx, range: DayRange = {}): Promise<RollUpMarker[]> {
  const { rows } = await tx.query<{ dataset: StatsDataset; day: string; zone_id: string; rolled_up_for: string; cells: string; suppressed_cells: string }>(
    `SELECT dataset, day::text AS day, zone_id, rolled_up_for, cells::text AS cells, suppressed_cells::text AS suppressed_cells
       FROM stats_rollups WHERE day >= $1 AND day < $2 ORDER BY day, dataset COLLATE "C", zone_id COLLATE "C"`,
    bounds(range),
  );
  return rows.map((row) => ({
    dataset: row.dataset,
    day: Number(row.day),
    zoneId: row.zone_id,
    rolledUpFor: row.rolled_up_for,
    cells: Number(row.cells),
    suppressedCells: Number(row.suppressed_cells),
  }));
}

function bounds(range: DayRange): [number, number] {
  return [range.fromDay ?? Number.MIN_SAFE_INTEGER, range.toDay ?? Number.MAX_SAFE_INTEGER];
}
