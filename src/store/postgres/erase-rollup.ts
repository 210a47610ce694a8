import type { RollUpResult, RollUpSettings } from '../../stats/rollup.js';
import { selectPublishableCells } from '../../stats/suppress.js';
import { DAY_SECONDS, type RawStatsCell, type RollUpMarker, type StatsDataset, type StoredStatsCell } from '../stats.js';
import type { SubjectRow, SubjectTable } from '../subject-queries.js';
import type { PgTx } from './connection.js';

/**
 * The statistics roll-up before a subject erasure on PostgreSQL: the same rules as src/stats/rollup.ts
 * rollUpBeforeErase on SQLite (the whole days of the erased rows, per zone, if complete in the store and not rolled
 * up yet; the same suppression), with the counting and writing in SQL of this file.
 */

const DATASET_OF: Record<SubjectTable, StatsDataset> = {
  'local/firewall-events': 'firewall_events',
  'local/http-analytics': 'http_analytics',
};

/** How each dataset is counted; as SOURCES in src/store/stats.ts. */
const COUNTS: Record<StatsDataset, { time: string; count: string; ips: string; ipRows: string }> = {
  // Under adaptive sampling each stored event stands for `sample_interval` events.
  firewall_events: { time: 'datetime', count: 'coalesce(sum(sample_interval), 0)', ips: 'count(DISTINCT client_ip)', ipRows: 'count(*)' },
  http_analytics: {
    time: 'hour',
    count: 'coalesce(sum(requests), 0)',
    ips: "count(DISTINCT nullif(client_ip, ''))",
    ipRows: "count(*) FILTER (WHERE client_ip <> '')",
  },
};

/** Call inside the erasure's transaction, before the rows are deleted: the roll-up counts them, and commits with the deletion. */
export async function rollUpPgBeforeErase(
  tx: PgTx,
  settings: RollUpSettings,
  rows: readonly { readonly location: SubjectTable; readonly rows: readonly SubjectRow[] }[],
): Promise<RollUpResult> {
  const nowSeconds = Math.floor(settings.now.getTime() / 1000);
  // (dataset, day) -> zones whose day holds an erased row
  const touched = new Map<string, { dataset: StatsDataset; day: number; zones: Set<string> }>();
  for (const { location, rows: locationRows } of rows) {
    const dataset = DATASET_OF[location];
    for (const row of locationRows) {
      const day = row.at - (((row.at % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS);
      const key = `${dataset}@${day}`;
      const entry = touched.get(key) ?? { dataset, day, zones: new Set<string>() };
      entry.zones.add(row.zoneId);
      touched.set(key, entry);
    }
  }
  let deferredUnits = 0;
  const due: { dataset: StatsDataset; day: number; zones: Set<string> }[] = [];
  for (const { dataset, day, zones } of [...touched.values()].sort((a, b) => a.day - b.day || a.dataset.localeCompare(b.dataset))) {
    const done = await readRolledUpZones(tx, dataset, day);
    const complete = new Set<string>();
    for (const zoneId of [...zones].sort()) {
      if (done.has(zoneId)) continue;
      // A day still being collected is erased without being counted, so its later roll-up stays exact.
      if (day + DAY_SECONDS <= ((await readSettledTo(tx, dataset, zoneId)) ?? nowSeconds)) complete.add(zoneId);
      else deferredUnits += 1;
    }
    if (complete.size > 0) due.push({ dataset, day, zones: complete });
  }
  const result = { units: 0, cells: 0, suppressedCells: 0, deferredUnits };
  for (const { dataset, day, zones } of due) {
    const dayCells = await countPgDayCells(tx, dataset, day);
    for (const zoneId of zones) {
      const { kept, suppressed } = selectPublishableCells(
        dataset,
        dayCells.filter((cell) => cell.zoneId === zoneId),
        settings.minCount,
      );
      const marker = { dataset, day, zoneId, rolledUpFor: 'subject-erase', cells: kept.length, suppressedCells: suppressed };
      if (!(await writePgRollUp(tx, marker, kept, settings.now))) continue;
      result.units += 1;
      result.cells += kept.length;
      result.suppressedCells += suppressed;
    }
  }
  return result;
}

async function readRolledUpZones(tx: PgTx, dataset: StatsDataset, day: number): Promise<Set<string>> {
  const { rows } = await tx.query<{ zone_id: string }>('SELECT zone_id FROM stats_rollups WHERE dataset = $1 AND day = $2', [dataset, day]);
  return new Set(rows.map((row) => row.zone_id));
}

async function readSettledTo(tx: PgTx, dataset: StatsDataset, zoneId: string): Promise<number | undefined> {
  const { rows } = await tx.query<{ settled_to: string }>('SELECT settled_to::text AS settled_to FROM pull_state WHERE zone_id = $1 AND dataset = $2', [
    zoneId,
    dataset,
  ]);
  return rows[0] === undefined ? undefined : Number(rows[0].settled_to);
}

/** Per zone and country counts over every raw row of one UTC day (the day's one partition). */
async function countPgDayCells(tx: PgTx, dataset: StatsDataset, day: number): Promise<RawStatsCell[]> {
  const { time, count, ips, ipRows } = COUNTS[dataset];
  const { rows } = await tx.query<{ zone_id: string; country: string; count: string; distinct_ips: string; rows: string; ip_rows: string }>(
    `SELECT zone_id, client_country AS country, ${count}::text AS count, ${ips}::text AS distinct_ips, count(*)::text AS rows, ${ipRows}::text AS ip_rows
       FROM ${dataset} WHERE ${time} >= $1 AND ${time} < $2
      GROUP BY zone_id, client_country ORDER BY zone_id COLLATE "C", client_country COLLATE "C"`,
    [day, day + DAY_SECONDS],
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

/** Marks the unit rolled up and stores its cells; a unit another host marked first is left alone (false). */
async function writePgRollUp(tx: PgTx, marker: RollUpMarker, cells: readonly StoredStatsCell[], at: Date): Promise<boolean> {
  const marked = await tx.query(
    `INSERT INTO stats_rollups (dataset, day, zone_id, rolled_up_at, rolled_up_for, cells, suppressed_cells)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [marker.dataset, marker.day, marker.zoneId, Math.floor(at.getTime() / 1000), marker.rolledUpFor, marker.cells, marker.suppressedCells],
  );
  if (marked.rowCount === 0) return false;
  if (cells.length === 0) return true;
  await tx.query(
    `INSERT INTO stats_daily (dataset, day, zone_id, country, count, distinct_ips)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])`,
    [
      cells.map((cell) => cell.dataset),
      cells.map((cell) => cell.day),
      cells.map((cell) => cell.zoneId),
      cells.map((cell) => cell.country),
      cells.map((cell) => cell.count),
      cells.map((cell) => cell.distinctIps),
    ],
  );
  return true;
}
