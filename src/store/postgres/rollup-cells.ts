import type { RollUpResult, RollUpSettings } from '../../stats/rollup.js';
import { selectPublishableCells } from '../../stats/suppress.js';
import { DAY_SECONDS, type RawStatsCell, type StatsDataset } from '../stats.js';
import type { PgTx } from './connection.js';
import { TIME_COLUMNS } from './partitions.js';

/**
 * How each dataset is counted, as src/store/stats.ts counts it in SQLite. Firewall events: one row = one event
 * (or `sample_interval` events under adaptive sampling), every row has an IP. HTTP analytics: a row carries a
 * request count, and `client_ip` is '' where the zone's plan gives per-country counts only.
 */
const COUNTS: Record<StatsDataset, { count: string; ips: string; ipRows: string }> = {
  firewall_events: { count: 'coalesce(sum(sample_interval), 0)', ips: 'count(DISTINCT client_ip)', ipRows: 'count(*)' },
  http_analytics: { count: 'coalesce(sum(requests), 0)', ips: "count(DISTINCT nullif(client_ip, ''))", ipRows: "count(*) FILTER (WHERE client_ip <> '')" },
};

/**
 * Rolls up one UTC day of a dataset for the given zones, from every raw row of that day still present: per zone the
 * same suppression as SQLite (selectPublishableCells), a marker in stats_rollups and the kept cells in stats_daily.
 * A unit another host marked meanwhile is left alone (idempotent). Call inside the transaction that then deletes.
 */
export async function rollUpPgDay(
  tx: PgTx,
  settings: RollUpSettings,
  unit: { dataset: StatsDataset; day: number; zones: readonly string[]; rolledUpFor: 'purge' | 'subject-erase' },
): Promise<Omit<RollUpResult, 'deferredUnits'>> {
  const { dataset, day, zones } = unit;
  const cells = await countDayCells(tx, dataset, day, zones);
  const result = { units: 0, cells: 0, suppressedCells: 0 };
  for (const zoneId of zones) {
    const { kept, suppressed } = selectPublishableCells(
      dataset,
      cells.filter((cell) => cell.zoneId === zoneId),
      settings.minCount,
    );
    const marked = await tx.query(
      `INSERT INTO stats_rollups (dataset, day, zone_id, rolled_up_at, rolled_up_for, cells, suppressed_cells)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [dataset, day, zoneId, Math.floor(settings.now.getTime() / 1000), unit.rolledUpFor, kept.length, suppressed],
    );
    if (marked.rowCount === 0) continue;
    if (kept.length > 0) {
      await tx.query(
        `INSERT INTO stats_daily (dataset, day, zone_id, country, count, distinct_ips)
         SELECT $1, $2, $3, * FROM unnest($4::text[], $5::bigint[], $6::bigint[])`,
        [dataset, day, zoneId, kept.map((c) => c.country), kept.map((c) => c.count), kept.map((c) => c.distinctIps)],
      );
    }
    result.units += 1;
    result.cells += kept.length;
    result.suppressedCells += suppressed;
  }
  return result;
}

/** Per zone and country counts over every raw row of one UTC day (its one partition) of the given zones. */
async function countDayCells(tx: PgTx, dataset: StatsDataset, day: number, zones: readonly string[]): Promise<RawStatsCell[]> {
  const { count, ips, ipRows } = COUNTS[dataset];
  const time = TIME_COLUMNS[dataset];
  const { rows } = await tx.query<{ zone_id: string; country: string; count: string; distinct_ips: string; rows: string; ip_rows: string }>(
    `SELECT zone_id, client_country AS country, (${count})::text AS count, (${ips})::text AS distinct_ips, count(*)::text AS rows, (${ipRows})::text AS ip_rows
       FROM ${dataset} WHERE ${time} >= $1 AND ${time} < $2 AND zone_id = ANY($3::text[])
      GROUP BY zone_id, client_country ORDER BY zone_id COLLATE "C", client_country COLLATE "C"`,
    [day, day + DAY_SECONDS, zones],
  );
  return rows.map((row) => ({
    zoneId: row.zone_id,
    day,
    country: row.country,
    count: Number(row.count),
    distinctIps: Number(row.distinct_ips),
    rows: Number(row.rows),
    ipRows: Number(row.ip_rows),
  }));
}
