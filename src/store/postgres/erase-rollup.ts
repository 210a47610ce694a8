import type { RollUpResult, RollUpSettings } from '../../stats/rollup.js';
import { DAY_SECONDS, type StatsDataset } from '../stats.js';
import type { SubjectRow, SubjectTable } from '../subject-queries.js';
import type { PgTx } from './connection.js';
import { rollUpPgDay } from './rollup-cells.js';

/**
 * The statistics roll-up before a subject erasure on PostgreSQL: the same rules as src/stats/rollup.ts
 * rollUpBeforeErase on SQLite (the whole days of the erased rows, per zone, if complete in the store and not rolled
 * up yet; the same suppression), with the counting and writing in SQL of this file.
 */

const DATASET_OF: Record<SubjectTable, StatsDataset> = {
  'local/firewall-events': 'firewall_events',
  'local/http-analytics': 'http_analytics',
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
    const rolled = await rollUpPgDay(tx, settings, { dataset, day, zones: [...zones], rolledUpFor: 'subject-erase' });
    result.units += rolled.units;
    result.cells += rolled.cells;
    result.suppressedCells += rolled.suppressedCells;
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
