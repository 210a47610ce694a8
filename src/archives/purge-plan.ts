import { overlapsHoldTime, selectActiveHolds, type Hold } from '../policy/holds.js';
import { selectObjectTime } from './object-time.js';
import type { ObjectScan, ScanFailure } from './scan-object.js';
import type { ArchiveObject } from './summary.js';

/** One object the purge may delete, with the data time its key (or LastModified) tells. */
export interface PlannedObject extends ArchiveObject {
  /** Undefined when only LastModified dates it: its data may be from any earlier time. */
  readonly start: Date | undefined;
  readonly end: Date;
}

/** What a purge does to one archive: objects past retention, less those a hold may cover. */
export interface ArchivePurgePlan {
  readonly cutoff: Date;
  /** Past retention and overlapping no active hold in time: deleted. Sorted by key. */
  readonly toDelete: readonly PlannedObject[];
  /** Past retention, overlapping a hold on every address (network /0, no country): kept. */
  readonly held: number;
  /**
   * Past retention, overlapping a hold on some addresses or a country: kept, because whether the object holds
   * such a line needs a scan of its contents (`toScan`; applyArchiveScans settles those scanned).
   */
  readonly undetermined: number;
  readonly bytes: { readonly toDelete: number; readonly held: number; readonly undetermined: number };
  /** The undetermined objects, oldest data first: the ones a scan of their lines may settle. */
  readonly toScan: readonly PlannedObject[];
  /** What scanning settled; undefined before any scan. */
  readonly scan?: ArchiveScanSummary;
}

/** What the scans of an archive's undetermined objects found: counts and codes, never keys or addresses. */
export interface ArchiveScanSummary {
  readonly scanned: number;
  /** Listed sizes of the scanned objects: what the budget counts. */
  readonly scannedBytes: number;
  /** A line a hold covers was found: kept (counted in `held`). */
  readonly heldByScan: number;
  /** Held by an earlier run's scan whose holds are all still active: kept without reading (counted in `held`). */
  readonly heldRemembered: number;
  /** Every line read and none held: deleted (counted in `toDelete`). */
  readonly clearedByScan: number;
  /** Not scanned because the run's budget would have been exceeded: still undetermined. */
  readonly overBudget: number;
  readonly overBudgetBytes: number;
  /** Scanned but not decided, by `reason:code` (`read_failed:AccessDenied`, `not_gzip:Z_DATA_ERROR`): still undetermined. */
  readonly failures: Readonly<Record<string, number>>;
}

/**
 * A scan's result for one object of `toScan`; `over_budget` when it was not scanned; held and `remembered` when an
 * earlier run's scan found it held by holds all still active (not read again; scan-memory.ts).
 */
export type PlannedScan = ObjectScan | { readonly kind: 'over_budget' } | { readonly kind: 'held'; readonly lines: 0; readonly remembered: true };

/**
 * Plans the purge of an archive at `at` (pure): an object is past retention when its data *end* is older than the
 * retention; of those, any whose time span overlaps an active hold's time range is kept.
 */
export function planArchivePurge(objects: Iterable<ArchiveObject>, retentionMs: number, holds: readonly Hold[], at: Date): ArchivePurgePlan {
  const cutoffMs = at.getTime() - retentionMs;
  const active = selectActiveHolds(holds, at);
  const toDelete: PlannedObject[] = [];
  const toScan: PlannedObject[] = [];
  const bytes = { toDelete: 0, held: 0, undetermined: 0 };
  let held = 0;
  for (const object of objects) {
    const time = selectObjectTime(object.key, object.lastModified);
    const endMs = time.end.getTime();
    if (endMs >= cutoffMs) continue;
    const overlapping = active.filter((hold) => overlapsHoldTime(hold, time.start?.getTime(), endMs));
    if (overlapping.length === 0) {
      toDelete.push({ ...object, start: time.start, end: time.end });
      bytes.toDelete += object.size;
    } else if (overlapping.some(holdsEveryAddress)) {
      held += 1;
      bytes.held += object.size;
    } else {
      toScan.push({ ...object, start: time.start, end: time.end });
      bytes.undetermined += object.size;
    }
  }
  toDelete.sort(byKey);
  // The most overdue first: when the scan budget runs out, what is left is the most recent.
  toScan.sort((a, b) => a.end.getTime() - b.end.getTime() || byKey(a, b));
  return { cutoff: new Date(cutoffMs), toDelete, held, undetermined: toScan.length, bytes, toScan };
}

/**
 * Settles the scanned objects of a plan (pure): one with a held line is held, one read whole with none is deleted,
 * the rest (not scanned, or not decided) stay undetermined and are kept.
 */
export function applyArchiveScans(plan: ArchivePurgePlan, scans: ReadonlyMap<string, PlannedScan>): ArchivePurgePlan {
  const toDelete = [...plan.toDelete];
  const toScan: PlannedObject[] = [];
  const bytes = { ...plan.bytes };
  for (const object of plan.toScan) {
    const scan = scans.get(object.key);
    if (scan === undefined || scan.kind === 'over_budget' || scan.kind === 'undetermined') {
      toScan.push(object);
      continue;
    }
    bytes.undetermined -= object.size;
    if (scan.kind === 'held') {
      bytes.held += object.size;
    } else {
      bytes.toDelete += object.size;
      toDelete.push(object);
    }
  }
  toDelete.sort(byKey);
  const scan = summariseArchiveScans(plan.toScan, (object) => scans.get(object.key));
  return {
    ...plan,
    toDelete,
    held: plan.held + scan.heldByScan + scan.heldRemembered,
    undetermined: toScan.length,
    bytes,
    toScan,
    scan,
  };
}

/**
 * Counts what the scans of `objects` found (pure): `scanOf` gives an object's result (by key, or by position when
 * one key is scanned version by version), undefined when it was not scanned.
 */
export function summariseArchiveScans(
  objects: readonly PlannedObject[],
  scanOf: (object: PlannedObject, index: number) => PlannedScan | undefined,
): ArchiveScanSummary {
  const failures: Record<string, number> = {};
  const summary = { scanned: 0, scannedBytes: 0, heldByScan: 0, heldRemembered: 0, clearedByScan: 0, overBudget: 0, overBudgetBytes: 0 };
  objects.forEach((object, index) => {
    const scan = scanOf(object, index);
    if (scan === undefined) return;
    if (scan.kind === 'over_budget') {
      summary.overBudget += 1;
      summary.overBudgetBytes += object.size;
      return;
    }
    if (scan.kind === 'held' && 'remembered' in scan) {
      summary.heldRemembered += 1;
      return;
    }
    summary.scanned += 1;
    summary.scannedBytes += object.size;
    if (scan.kind === 'held') summary.heldByScan += 1;
    else if (scan.kind === 'clear') summary.clearedByScan += 1;
    else {
      const key = `${scan.reason satisfies ScanFailure}:${scan.code}`;
      failures[key] = (failures[key] ?? 0) + 1;
    }
  });
  return { ...summary, failures };
}

function byKey(a: ArchiveObject, b: ArchiveObject): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A hold on 0.0.0.0/0 or ::/0 with no country names no address: it covers every line of its time range. */
function holdsEveryAddress(hold: Hold): boolean {
  return hold.country === undefined && /\/0$/.test(hold.network);
}

/**
 * Just before a deletion batch (pure): the objects an active hold the plan did not know (`planHoldIds`) overlaps in
 * time are kept, unread; the plan's own holds were already applied to it (and its scans).
 */
export function splitNewlyHeld<T extends PlannedObject>(
  batch: readonly T[],
  holds: readonly Hold[],
  planHoldIds: ReadonlySet<string>,
  at: Date,
): { kept: T[]; toDelete: T[] } {
  const newHolds = selectActiveHolds(holds, at).filter((hold) => !planHoldIds.has(hold.id));
  const kept: T[] = [];
  const toDelete: T[] = [];
  for (const object of batch) {
    const isNewlyHeld = newHolds.some((hold) => overlapsHoldTime(hold, object.start?.getTime(), object.end.getTime()));
    (isNewlyHeld ? kept : toDelete).push(object);
  }
  return { kept, toDelete };
}
