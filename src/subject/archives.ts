import { formatArchiveLocation } from '../archives/archive-url.js';
import { selectObjectTime } from '../archives/object-time.js';
import { summariseArchiveScans, type PlannedObject } from '../archives/purge-plan.js';
import { listArchiveContents, type ArchiveClient, type ArchiveFailure, type ArchiveVersioning } from '../archives/read-archive.js';
import { scanPlannedObjects, type ScanBudget } from '../archives/scan-archive.js';
import type { ArchiveObject } from '../archives/summary.js';
import type { ArchiveConfig } from '../config/archives.js';
import type { Hold } from '../policy/holds.js';
import type { Network } from '../policy/network.js';

/** What one Logpush archive may hold about a subject, and (when scanned) which objects really do. */
export interface SubjectArchive {
  readonly name: string;
  /** `bucket/prefix/`. */
  readonly where: string;
  /** Why the archive could not be listed; undefined when it was. */
  readonly failure: { readonly reason: ArchiveFailure; readonly code: string } | undefined;
  /**
   * Versioned (or suspended) buckets: their versions and delete markers, the objects below counting every key with
   * data in any version; `unknown` when the credentials could not read them (only current objects were listed and
   * scanned). Undefined for an unversioned bucket.
   */
  readonly versioning: ArchiveVersioning | undefined;
  /** Objects whose data time could contain the subject: without a time in the request, every object. */
  readonly objects: number;
  readonly bytes: number;
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** Undefined unless the request asked to scan. */
  readonly scan: SubjectArchiveScan | undefined;
}

export interface SubjectArchiveScan {
  /** Objects read; in a versioned bucket, object versions (each read by its VersionId). */
  readonly scanned: number;
  readonly scannedBytes: number;
  /** Objects (versions) with a line from the subject's address or range, oldest data first. */
  readonly containing: readonly SubjectArchiveHit[];
  /** Not read because the budget would have been exceeded. */
  readonly overBudget: number;
  /** Read but not decided, by `reason:code`. */
  readonly failures: Readonly<Record<string, number>>;
}

export interface SubjectArchiveHit {
  readonly key: string;
  readonly start: Date | undefined;
  readonly end: Date;
  /** Versioned buckets only: which version of the key holds the line. */
  readonly version: SubjectArchiveVersion | undefined;
}

export interface SubjectArchiveVersion {
  readonly id: string;
  readonly lastModified: Date;
  /** False for an older (noncurrent) version: GetObject on the key alone does not return it. */
  readonly isCurrent: boolean;
  /** The key's current version is a delete marker: the key looks deleted, yet this version keeps its data. */
  readonly isBehindDeleteMarker: boolean;
}

/**
 * Lists each archive; with `scanBudget`, reads its objects (oldest first, within the budget) for a line whose
 * `ClientIP` is inside `network`, the way the purge scans for holds. In a versioned bucket every version with data
 * is read on its own (noncurrent ones and those behind a delete marker too), so a hit names its version. Reads only.
 */
export async function findSubjectInArchives(
  archives: readonly ArchiveConfig[],
  open: (archive: ArchiveConfig) => Promise<ArchiveClient>,
  network: Network,
  now: Date,
  scanBudget: ScanBudget | undefined,
): Promise<SubjectArchive[]> {
  const found: SubjectArchive[] = [];
  for (const archive of archives) {
    const base = { name: archive.name, where: formatArchiveLocation(archive.location) };
    const client = await open(archive);
    try {
      const listing = await listArchiveContents(client, archive, now);
      if (listing.kind === 'failed') {
        found.push({
          ...base,
          failure: { reason: listing.reason, code: listing.code },
          versioning: undefined,
          objects: 0,
          bytes: 0,
          oldest: undefined,
          newest: undefined,
          scan: undefined,
        });
        continue;
      }
      const objects = listing.objects.map((object): PlannedObject => ({ ...object, ...selectObjectTime(object.key, object.lastModified) }));
      const starts = objects.map((object) => (object.start ?? object.end).getTime());
      const ends = objects.map((object) => object.end.getTime());
      const span = {
        objects: objects.length,
        bytes: objects.reduce((n, object) => n + object.size, 0),
        oldest: objects.length > 0 ? new Date(starts.reduce((a, b) => Math.min(a, b))) : undefined,
        newest: objects.length > 0 ? new Date(ends.reduce((a, b) => Math.max(a, b))) : undefined,
      };
      const scan = scanBudget ? await scanForSubject(client, archive, listing.objects, network, now, scanBudget) : undefined;
      found.push({ ...base, failure: undefined, versioning: listing.versioning, ...span, scan });
    } finally {
      client.destroy();
    }
  }
  return found;
}

/** What is read on its own: an unversioned object, or one version (with data) of a key in a versioned bucket. */
interface ScanUnit extends PlannedObject {
  readonly version: SubjectArchiveVersion | undefined;
}

/**
 * The objects as scan units, oldest data first (pure). A version's data time comes from its own LastModified when
 * the key does not tell it. Delete markers hold no data and are not read.
 */
function buildScanUnits(objects: readonly ArchiveObject[]): ScanUnit[] {
  const units = objects.flatMap((object): ScanUnit[] => {
    if (object.versions === undefined) return [{ ...object, ...selectObjectTime(object.key, object.lastModified), version: undefined }];
    const isBehindDeleteMarker = object.versions.some((v) => v.isLatest && v.isDeleteMarker);
    return object.versions
      .filter((v) => !v.isDeleteMarker)
      .map((v) => ({
        key: object.key,
        size: v.size,
        lastModified: v.lastModified,
        // One version given: scanPlannedObjects reads it by its VersionId (GetObject on the key alone is 404 behind a marker).
        versions: [v],
        ...selectObjectTime(object.key, v.lastModified),
        version: { id: v.versionId, lastModified: v.lastModified, isCurrent: v.isLatest, isBehindDeleteMarker },
      }));
  });
  return units.sort(
    (a, b) =>
      a.end.getTime() - b.end.getTime() ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      (a.version?.lastModified.getTime() ?? 0) - (b.version?.lastModified.getTime() ?? 0) ||
      // LastModified has whole seconds: of two versions written in one, the current one is the newer.
      Number(a.version?.isCurrent ?? false) - Number(b.version?.isCurrent ?? false),
  );
}

async function scanForSubject(
  client: ArchiveClient,
  archive: ArchiveConfig,
  objects: readonly ArchiveObject[],
  network: Network,
  now: Date,
  budget: ScanBudget,
): Promise<SubjectArchiveScan> {
  // The request as a hold on the subject's network at every time: a line it covers is a line about the subject.
  const subject: Hold = {
    id: 'subject',
    network: network.text,
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'subject access request',
    reference: undefined,
    createdAt: now,
    createdBy: 'subject show',
  };
  const units = buildScanUnits(objects);
  const results = await scanPlannedObjects(client, archive.location.bucket, units, [subject], now, budget);
  const summary = summariseArchiveScans(units, (_, i) => results[i]);
  const containing = units.flatMap((unit, i) =>
    results[i]?.kind === 'held' ? [{ key: unit.key, start: unit.start, end: unit.end, version: unit.version }] : [],
  );
  return { scanned: summary.scanned, scannedBytes: summary.scannedBytes, containing, overBudget: summary.overBudget, failures: summary.failures };
}
