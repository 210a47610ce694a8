import { overlapsHoldTime, selectActiveHolds, type Hold } from '../policy/holds.js';
import { selectObjectTime } from './object-time.js';
import type { ArchiveObject } from './summary.js';

/** One object the purge may delete, with the data time its key (or LastModified) tells. */
export interface PlannedObject extends ArchiveObject {
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
   * such a line needs a scan of its contents, which this version does not do.
   */
  readonly undetermined: number;
  readonly bytes: { readonly toDelete: number; readonly held: number; readonly undetermined: number };
}

/**
 * Plans the purge of an archive at `at` (pure): an object is past retention when its data *end* is older than the
 * retention; of those, any whose time span overlaps an active hold's time range is kept.
 */
export function planArchivePurge(objects: Iterable<ArchiveObject>, retentionMs: number, holds: readonly Hold[], at: Date): ArchivePurgePlan {
  const cutoffMs = at.getTime() - retentionMs;
  const active = selectActiveHolds(holds, at);
  const toDelete: PlannedObject[] = [];
  const bytes = { toDelete: 0, held: 0, undetermined: 0 };
  let held = 0;
  let undetermined = 0;
  for (const object of objects) {
    const time = selectObjectTime(object.key, object.lastModified);
    const endMs = time.end.getTime();
    if (endMs >= cutoffMs) continue;
    const overlapping = active.filter((hold) => overlapsHoldTime(hold, time.start?.getTime(), endMs));
    if (overlapping.length === 0) {
      toDelete.push({ ...object, end: time.end });
      bytes.toDelete += object.size;
    } else if (overlapping.some(holdsEveryAddress)) {
      held += 1;
      bytes.held += object.size;
    } else {
      undetermined += 1;
      bytes.undetermined += object.size;
    }
  }
  toDelete.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { cutoff: new Date(cutoffMs), toDelete, held, undetermined, bytes };
}

/** A hold on 0.0.0.0/0 or ::/0 with no country names no address: it covers every line of its time range. */
function holdsEveryAddress(hold: Hold): boolean {
  return hold.country === undefined && /\/0$/.test(hold.network);
}
