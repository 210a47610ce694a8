import type { LocalLocation } from '../../policy/retention.js';
import type { RollUpResult, RollUpSettings } from '../../stats/rollup.js';
import { quoteIdent, type PgTx } from './connection.js';
import { DAY_SECONDS, listDayPartitions, TIME_COLUMNS } from './partitions.js';
import { LOCATION_DATASETS } from './purge.js';
import { rollUpPgDay } from './rollup-cells.js';

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
    const rolled = await rollUpPgDay(tx, settings, { dataset, day, zones, rolledUpFor: 'purge' });
    result.units += rolled.units;
    result.cells += rolled.cells;
    result.suppressedCells += rolled.suppressedCells;
  }
  return result;
}
