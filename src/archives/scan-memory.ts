import { overlapsHoldTime, selectActiveHolds, type Hold } from '../policy/holds.js';
import type { PlannedObject, PlannedScan } from './purge-plan.js';

/**
 * Objects a scan found held, remembered from run to run so that a long hold does not read the same objects every
 * day (and spend the scan budget on them before newer ones). An entry names the object as listed (key, size,
 * LastModified, versions with data: a rewritten object is read again) and the holds active over its time when it was
 * scanned; it stands while every one of them is still active (a hold added since only keeps more). Keys and hold ids,
 * never an address.
 */
export interface ScanMemory {
  readonly held: readonly RememberedObject[];
}

interface RememberedObject {
  readonly key: string;
  readonly size: number;
  readonly modified: number;
  readonly versions: number;
  readonly holds: readonly string[];
}

export const NO_SCAN_MEMORY: ScanMemory = { held: [] };

/** The remembered verdicts of an archive, from the store's meta value; anything unreadable is forgotten (scanned again). */
export function parseScanMemory(text: string | undefined): ScanMemory {
  if (text === undefined) return NO_SCAN_MEMORY;
  try {
    const parsed = JSON.parse(text) as { held?: unknown };
    if (!Array.isArray(parsed.held)) return NO_SCAN_MEMORY;
    return { held: parsed.held.filter(isRememberedObject) };
  } catch {
    return NO_SCAN_MEMORY;
  }
}

export function serialiseScanMemory(memory: ScanMemory): string {
  return JSON.stringify({ held: memory.held });
}

/** Whether an earlier scan found this very object held by holds that are all still active at `at`. */
export function buildRecall(memory: ScanMemory, holds: readonly Hold[], at: Date): (object: PlannedObject) => boolean {
  const active = new Set(selectActiveHolds(holds, at).map((hold) => hold.id));
  const byKey = new Map(memory.held.map((entry) => [entry.key, entry]));
  return (object) => {
    const entry = byKey.get(object.key);
    return entry !== undefined && isSameObject(entry, object) && entry.holds.length > 0 && entry.holds.every((id) => active.has(id));
  };
}

/**
 * What to remember after a run's scans (pure): the objects still waiting on a hold (`toScan` of the fresh plan) that
 * were found held now, or recalled as held; anything else is forgotten (deleted, no longer overlapping a hold).
 */
export function rememberScans(
  memory: ScanMemory,
  toScan: readonly PlannedObject[],
  scans: ReadonlyMap<string, PlannedScan>,
  holds: readonly Hold[],
  at: Date,
): ScanMemory {
  const previous = new Map(memory.held.map((entry) => [entry.key, entry]));
  const active = selectActiveHolds(holds, at);
  const held: RememberedObject[] = [];
  for (const object of toScan) {
    const scan = scans.get(object.key);
    if (scan?.kind !== 'held') continue;
    const earlier = previous.get(object.key);
    if ('remembered' in scan && earlier !== undefined) {
      held.push(earlier);
      continue;
    }
    const overlapping = active.filter((hold) => overlapsHoldTime(hold, object.start?.getTime(), object.end.getTime())).map((hold) => hold.id);
    held.push({ key: object.key, size: object.size, modified: object.lastModified.getTime(), versions: countDataVersions(object), holds: overlapping.sort() });
  }
  return { held };
}

function isSameObject(entry: RememberedObject, object: PlannedObject): boolean {
  return entry.size === object.size && entry.modified === object.lastModified.getTime() && entry.versions === countDataVersions(object);
}

function countDataVersions(object: PlannedObject): number {
  return object.versions?.filter((version) => !version.isDeleteMarker).length ?? 1;
}

function isRememberedObject(value: unknown): value is RememberedObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['key'] === 'string' &&
    typeof v['size'] === 'number' &&
    typeof v['modified'] === 'number' &&
    typeof v['versions'] === 'number' &&
    Array.isArray(v['holds']) &&
    v['holds'].every((id) => typeof id === 'string')
  );
}
