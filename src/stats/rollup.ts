import type { LocalLocation } from '../policy/retention.js';
import { startCountingDayCells } from '../store/day-cells-count.js';
import type { Db } from '../store/db.js';
import {
  countDayCells,
  DAY_SECONDS,
  findNextDayWithRows,
  readSettledTo,
  readRolledUpZones,
  readZonesWithRows,
  selectUnrolledUnitsOfRows,
  writeRollUp,
  type RawStatsCell,
  type RollUpUnit,
  type StatsDataset,
} from '../store/stats.js';
import { selectPublishableCells } from './suppress.js';

export interface RollUpSettings {
  /** `statistics.min_count`: cells with fewer events or distinct IPs are not stored. */
  readonly minCount: number;
  readonly now: Date;
}

export interface RollUpResult {
  /** (dataset, day, zone) units rolled up by this call. */
  readonly units: number;
  readonly cells: number;
  readonly suppressedCells: number;
  /** Units left for later because their day is not complete in the store yet (subject erasure only). */
  readonly deferredUnits: number;
}

const DATASET_OF: Record<LocalLocation['id'], StatsDataset> = {
  'local/firewall-events': 'firewall_events',
  'local/http-analytics': 'http_analytics',
};

/** The result of a purge's roll-up, once the counts are in: written into the caller's transaction. */
export interface PendingRollUp {
  finish(): RollUpResult;
}

/**
 * Before a purge deletes a location's rows older than `cutoff`: rolls up every UTC day (per zone) that holds such
 * a row and is not rolled up yet, from ALL of that day's rows still present – also those newer than the cut-off,
 * which later runs delete without counting them again.
 *
 * Plans here, then counts on a second core from the committed rows while the caller deletes them; finish() writes
 * the statistics. Call it inside the purge's transaction before the deletion, and finish() before the commit, so
 * the statistics and the deletion commit together or not at all.
 */
export function startRollUpBeforePurge(db: Db, settings: RollUpSettings, location: LocalLocation['id'], cutoff: Date): PendingRollUp {
  const dataset = DATASET_OF[location];
  const due = planPurgeRollUp(db, dataset, cutoff);
  const counting = startCountingDayCells(
    db,
    dataset,
    due.map((unit) => unit.day),
  );
  return {
    finish: () => {
      const dayCells = counting.wait().cells;
      return db.transaction(() => sumResults(due.map((unit, i) => writeDay(db, settings, dataset, unit.day, dayCells[i]!, unit.zones, 'purge'))))();
    },
  };
}

/** Days due for a purge's roll-up, each with the zones due (undefined: every zone of the day). */
function planPurgeRollUp(db: Db, dataset: StatsDataset, cutoff: Date): { day: number; zones: ReadonlySet<string> | undefined }[] {
  // Same boundary as the deletion: a row is past retention when strictly older than the cut-off, in whole seconds.
  const cutoffSeconds = Math.ceil(cutoff.getTime() / 1000);
  const due: { day: number; zones: ReadonlySet<string> | undefined }[] = [];
  // Day by day, jumping over empty ones: a day already rolled up is looked at only to see whether a zone appeared
  // in it since (a zone added to the config, pulled back to the retention floor).
  for (
    let day = findNextDayWithRows(db, dataset, Number.MIN_SAFE_INTEGER, cutoffSeconds);
    day !== undefined;
    day = findNextDayWithRows(db, dataset, day + DAY_SECONDS, cutoffSeconds)
  ) {
    const done = readRolledUpZones(db, dataset, day);
    const isWholeDayPast = day + DAY_SECONDS <= cutoffSeconds;
    if (done.size === 0 && isWholeDayPast) {
      due.push({ day, zones: undefined });
      continue;
    }
    // Only zones with a row past the cut-off are due; on the cut-off's own day that is not every zone.
    const zones = readZonesWithRows(db, dataset, day, Math.min(day + DAY_SECONDS, cutoffSeconds)).filter((zoneId) => !done.has(zoneId));
    if (zones.length > 0) due.push({ day, zones: new Set(zones) });
  }
  return due;
}

/**
 * Before a subject erasure deletes the given rows (ids per location): rolls up the whole days they belong to, if
 * those days are complete in the store (pulled past their end); rows of a day still being collected are erased
 * without being counted, so the day's later roll-up stays exact. Synchronous; call it inside the erasure's
 * transaction.
 */
export function rollUpBeforeErase(
  db: Db,
  settings: RollUpSettings,
  rows: readonly { readonly location: LocalLocation['id']; readonly ids: readonly number[] }[],
): RollUpResult {
  const units = rows.flatMap(({ location, ids }) => selectUnrolledUnitsOfRows(db, DATASET_OF[location], ids));
  const nowSeconds = Math.floor(settings.now.getTime() / 1000);
  const complete = units.filter((unit) => unit.day + DAY_SECONDS <= (readSettledTo(db, unit.dataset, unit.zoneId) ?? nowSeconds));
  const result = rollUpUnits(db, settings, complete, 'subject-erase');
  return { ...result, deferredUnits: units.length - complete.length };
}

function rollUpUnits(db: Db, settings: RollUpSettings, units: readonly RollUpUnit[], rolledUpFor: string): RollUpResult {
  return db.transaction(() =>
    sumResults(
      [...groupByDay(units)].map(([key, zones]) => {
        const [dataset, dayText] = key.split('@') as [StatsDataset, string];
        const day = Number(dayText);
        return writeDay(db, settings, dataset, day, countDayCells(db, dataset, day), zones, rolledUpFor);
      }),
    ),
  )();
}

/** A day's cells (one count for all its zones) stored for each of its zones (or only `zones`), each marked rolled up. */
function writeDay(
  db: Db,
  settings: RollUpSettings,
  dataset: StatsDataset,
  day: number,
  dayCells: readonly RawStatsCell[],
  zones: ReadonlySet<string> | undefined,
  rolledUpFor: string,
): RollUpResult {
  let done = 0;
  let cells = 0;
  let suppressedCells = 0;
  for (const zoneId of zones ?? new Set(dayCells.map((cell) => cell.zoneId))) {
    const { kept, suppressed } = selectPublishableCells(
      dataset,
      dayCells.filter((cell) => cell.zoneId === zoneId),
      settings.minCount,
    );
    const marker = { dataset, day, zoneId, rolledUpFor, cells: kept.length, suppressedCells: suppressed };
    if (!writeRollUp(db, marker, kept, settings.now)) continue;
    done += 1;
    cells += kept.length;
    suppressedCells += suppressed;
  }
  return { units: done, cells, suppressedCells, deferredUnits: 0 };
}

function sumResults(results: readonly RollUpResult[]): RollUpResult {
  return results.reduce(
    (sum, r) => ({
      units: sum.units + r.units,
      cells: sum.cells + r.cells,
      suppressedCells: sum.suppressedCells + r.suppressedCells,
      deferredUnits: sum.deferredUnits + r.deferredUnits,
    }),
    { units: 0, cells: 0, suppressedCells: 0, deferredUnits: 0 },
  );
}

function groupByDay(units: readonly RollUpUnit[]): Map<string, Set<string>> {
  const byDay = new Map<string, Set<string>>();
  for (const unit of units) {
    const key = `${unit.dataset}@${unit.day}`;
    const zones = byDay.get(key) ?? new Set<string>();
    zones.add(unit.zoneId);
    byDay.set(key, zones);
  }
  return byDay;
}
