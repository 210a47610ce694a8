import { OBJECT_TIME_SOURCES, selectObjectTime, type ObjectTimeSource } from './object-time.js';

/** One object as a listing gives it. */
export interface ArchiveObject {
  readonly key: string;
  /** In a versioned bucket: the bytes of all its versions. */
  readonly size: number;
  /** In a versioned bucket: its newest version's (not a delete marker's). */
  readonly lastModified: Date;
  /**
   * Versioned buckets only: every version and delete marker of the key. Noncurrent versions hold the same kind of
   * data as current ones, so a purged key loses all of them.
   */
  readonly versions?: readonly ObjectVersion[];
}

/** One version (or delete marker) of a key in a versioned bucket. */
export interface ObjectVersion {
  readonly versionId: string;
  readonly isDeleteMarker: boolean;
  readonly isLatest: boolean;
  readonly lastModified: Date;
  readonly size: number;
}

/** What an archive holds, counted in objects and bytes. */
export interface ArchiveSummary {
  readonly objects: number;
  readonly bytes: number;
  /** Oldest and newest data time (the objects' ends). */
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** Objects whose data ended before now minus the retention. */
  readonly pastRetention: number;
  readonly pastRetentionBytes: number;
  /** How many objects' times came from each source. */
  readonly timeSources: Readonly<Record<ObjectTimeSource, number>>;
}

/** Summarises a listing against a retention: pure, so the same listing and `now` give the same numbers. */
export function buildArchiveSummary(objects: Iterable<ArchiveObject>, retentionMs: number, now: Date): ArchiveSummary {
  const cutoffMs = now.getTime() - retentionMs;
  const timeSources = Object.fromEntries(OBJECT_TIME_SOURCES.map((source) => [source, 0])) as Record<ObjectTimeSource, number>;
  let count = 0;
  let bytes = 0;
  let oldestMs = Infinity;
  let newestMs = -Infinity;
  let pastRetention = 0;
  let pastRetentionBytes = 0;
  for (const object of objects) {
    const time = selectObjectTime(object.key, object.lastModified);
    const endMs = time.end.getTime();
    count += 1;
    bytes += object.size;
    timeSources[time.source] += 1;
    oldestMs = Math.min(oldestMs, endMs);
    newestMs = Math.max(newestMs, endMs);
    if (endMs < cutoffMs) {
      pastRetention += 1;
      pastRetentionBytes += object.size;
    }
  }
  return {
    objects: count,
    bytes,
    oldest: count > 0 ? new Date(oldestMs) : undefined,
    newest: count > 0 ? new Date(newestMs) : undefined,
    pastRetention,
    pastRetentionBytes,
    timeSources,
  };
}
