import type { ObjectVersion } from './summary.js';

/** A bucket's default retention: each version written is locked for this long after it was written. */
export interface DefaultRetention {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly days?: number;
  readonly years?: number;
}

/** `unknown`: the configuration could not be read (its S3 error code); refused deletions are then asked one by one. */
export type ObjectLockSetting =
  | { readonly kind: 'none' }
  | { readonly kind: 'enabled'; readonly defaultRetention: DefaultRetention | undefined }
  | { readonly kind: 'unknown'; readonly code: string };

/** Until when a lock keeps an object: a date, or as long as a legal hold is on. */
export type LockedUntil = Date | 'legal_hold';

const DAY_MS = 86_400_000;

/**
 * When the default retention of a version written at `writtenAt` ends. S3 sets the version's retain-until date from
 * the bucket default when it is written (Days × 24 h; Years as calendar years).
 */
export function selectDefaultLockEnd(writtenAt: Date, retention: DefaultRetention): Date {
  if (retention.days !== undefined) return new Date(writtenAt.getTime() + retention.days * DAY_MS);
  const end = new Date(writtenAt.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + (retention.years ?? 0));
  return end;
}

/**
 * Until when the bucket's default retention keeps any of these versions at `at`, or undefined when none is kept.
 * Delete markers carry no retention. A version with its own retain-until date or a legal hold is not predicted here:
 * the deletion is refused for it and then asked (see delete-versions.ts).
 */
export function selectDefaultLockedUntil(versions: readonly ObjectVersion[], setting: ObjectLockSetting, at: Date): Date | undefined {
  if (setting.kind !== 'enabled' || setting.defaultRetention === undefined) return undefined;
  const retention = setting.defaultRetention;
  let latestMs = -Infinity;
  for (const version of versions) {
    if (version.isDeleteMarker) continue;
    const endMs = selectDefaultLockEnd(version.lastModified, retention).getTime();
    if (endMs > at.getTime()) latestMs = Math.max(latestMs, endMs);
  }
  return latestMs === -Infinity ? undefined : new Date(latestMs);
}

/** The latest of the lock ends: a legal hold outlasts any date. */
export function selectLatestLockEnd(ends: Iterable<LockedUntil>): LockedUntil | undefined {
  let latest: LockedUntil | undefined;
  for (const end of ends) {
    if (end === 'legal_hold' || latest === 'legal_hold') latest = 'legal_hold';
    else if (latest === undefined || end.getTime() > latest.getTime()) latest = end;
  }
  return latest;
}

/** Objects the plan would delete, split by whether the bucket's default retention still keeps one of their versions. */
export function selectLockedObjects<T extends { readonly key: string; readonly size: number; readonly versions?: readonly ObjectVersion[] | undefined }>(
  objects: readonly T[],
  setting: ObjectLockSetting,
  at: Date,
): { toDelete: T[]; locked: { count: number; bytes: number; until: Date | undefined } } {
  const toDelete: T[] = [];
  let count = 0;
  let bytes = 0;
  let untilMs = -Infinity;
  for (const object of objects) {
    const until = selectDefaultLockedUntil(object.versions ?? [], setting, at);
    if (until === undefined) {
      toDelete.push(object);
      continue;
    }
    // The whole key stays: its other versions would leave it in the bucket anyway, and the lock's end frees them all.
    count += 1;
    bytes += object.size;
    untilMs = Math.max(untilMs, until.getTime());
  }
  return { toDelete, locked: { count, bytes, until: count > 0 ? new Date(untilMs) : undefined } };
}
