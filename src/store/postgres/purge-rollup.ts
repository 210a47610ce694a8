import type { LocalLocation } from '../../policy/retention.js';
import type { RollUpResult, RollUpSettings } from '../../stats/rollup.js';
import { selectPublishableCells } from '../../stats/suppress.js';
import type { RawStatsCell } from '../stats.js';
import { quoteIdent, type PgTx } from './connection.js';
import { DAY_SECONDS, listDayPartitions, TIME_COLUMNS, type PgDataset } from './partitions.js';
import { LOCATION_DATASETS } from './purge.js';

/**
 * How each dataset is counted, as src/store/stats.ts counts it in SQLite. Firewall events: one row = one event
 * (or `sample_interval` events under adaptive sampling), every row has an IP. HTTP analytics: a row carries a
 * request count, and `client_ip` is '' where the zone's plan gives per-country counts only.
 */
const COUNTS: Record<PgDataset, { count: string; ips: string; ipRows: string }> = {
  firewall_events: { count: 'coalesce(sum(sample_interval), 0)', ips: 'count(DISTINCT client_ip)', ipRows: 'count(*)' },
  http_analytics: { count: 'coalesce(sum(requests), 0)', ips: "count(DISTINCT nullif(client_ip, ''))", ipRows: "count(*) FILTER (WHERE client_ip <> '')" },
};

/**
 * Before a purge deletes a location's rows older than `cutoff`, inside its transaction: rolls up every (UTC day,
 * zone) holding such a row and not rolled up yet, from ALL of that day's rows (also those newer than the cut-off,
 * which later runs delete without counting them again) – the same units, cells and suppression as the SQLite
 * roll-up (src/stats/rollup.ts), into the same tables. Run before the deletion: the transaction still sees the rows,
 * and the statistics commit with the deletion or not at all.
 */
export async function rollUpPgBeforePurge(tx: PgTx, settings: RollUpSettings, location: LocalLocation['id'], cutoff: Date): Promise<RollUpResult> {
  const { dataset } = LOCATION_DATASETS[location];
  const time = TIME_COLUMNS[dataset];
  // Same boundary as the deletion: a row is past retention when strictly older than the cut-off, in whole seconds.
  const cutoffSeconds = Math.ceil(cutoff.getTime() / 1000);
  const result = { units: 0, cells: 0, suppressedCells: 0, deferredUnits: 0 };
  for (const partition of await listDayPartitions(tx, dataset)) {
    const day = partition.day * DAY_SECONDS;
    if (day >= cutoffSeconds) break; // oldest first: no later day holds a row past the cut-off
    const table = quoteIdent(partition.name);
    // Zones with a row past the cut-off that are not rolled up for this day yet.
    const { rows: due } = await tx.query<{ zone_id: string }>(
      `SELECT DISTINCT zone_id FROM ${table} t WHERE ${time} < $1
          AND NOT EXISTS (SELECT 1 FROM stats_rollups r WHERE r.dataset = $2 AND r.day = $3 AND r.zone_id = t.zone_id)`,
      [cutoffSeconds, dataset, day],
    );
    if (due.length === 0) continue;
    const zones = due.map((row) => row.zone_id).sort();
    const { count, ips, ipRows } = COUNTS[dataset];
    const { rows: counted } = await tx.query<{ zone_id: string; country: string; count: string; distinct_ips: string; rows: string; ip_rows: string }>(
      `SELECT zone_id, client_country AS country, (${count})::text AS count, (${ips})::text AS distinct_ips, count(*)::text AS rows, (${ipRows})::text AS ip_rows
         FROM ${table} WHERE zone_id = ANY($1::text[])
        GROUP BY zone_id, client_country ORDER BY zone_id, client_country`,
      [zones],
    );
    const dayCells: RawStatsCell[] = counted.map((row) => ({
      zoneId: row.zone_id,
      day,
      country: row.country,
      count: Number(row.count),
      distinctIps: Number(row.distinct_ips),
      rows: Number(row.rows),
      ipRows: Number(row.ip_rows),
    }));
    for (const zoneId of zones) {
      const { kept, suppressed } = selectPublishableCells(
        dataset,
        dayCells.filter((cell) => cell.zoneId === zoneId),
        settings.minCount,
      );
      // A unit another host marked meanwhile is left alone (idempotent), as in SQLite.
      const marked = await tx.query(
        `INSERT INTO stats_rollups (dataset, day, zone_id, rolled_up_at, rolled_up_for, cells, suppressed_cells)
         VALUES ($1, $2, $3, $4, 'purge', $5, $6) ON CONFLICT DO NOTHING`,
        [dataset, day, zoneId, Math.floor(settings.now.getTime() / 1000), kept.length, suppressed],
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
  }
  return result;
}
