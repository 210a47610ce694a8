import { formatArchiveLocation } from '../archives/archive-url.js';
import { selectObjectTime } from '../archives/object-time.js';
import type { PlannedObject } from '../archives/purge-plan.js';
import { listArchiveObjects, type ArchiveClient, type ArchiveFailure } from '../archives/read-archive.js';
import { scanUndeterminedObjects, type ScanBudget } from '../archives/scan-archive.js';
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
  /** Objects whose data time could contain the subject: without a time in the request, every object. */
  readonly objects: number;
  readonly bytes: number;
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** Undefined unless the request asked to scan. */
  readonly scan: SubjectArchiveScan | undefined;
}

export interface SubjectArchiveScan {
  readonly scanned: number;
  readonly scannedBytes: number;
  /** Objects with a line from the subject's address or range, oldest data first. */
  readonly containing: readonly { readonly key: string; readonly start: Date | undefined; readonly end: Date }[];
  /** Not read because the budget would have been exceeded. */
  readonly overBudget: number;
  /** Read but not decided, by `reason:code`. */
  readonly failures: Readonly<Record<string, number>>;
}

/**
 * Lists each archive; with `scanBudget`, reads its objects (oldest first, within the budget) for a line whose
 * `ClientIP` is inside `network`, the way the purge scans for holds. Reads only.
 */
export async function findSubjectInArchives(
  archives: readonly ArchiveConfig[],
  open: (archive: ArchiveConfig) => ArchiveClient,
  network: Network,
  now: Date,
  scanBudget: ScanBudget | undefined,
): Promise<SubjectArchive[]> {
  const found: SubjectArchive[] = [];
  for (const archive of archives) {
    const base = { name: archive.name, where: formatArchiveLocation(archive.location) };
    const client = open(archive);
    try {
      const listing = await listArchiveObjects(client, archive, now);
      if (listing.kind === 'failed') {
        found.push({
          ...base,
          failure: { reason: listing.reason, code: listing.code },
          objects: 0,
          bytes: 0,
          oldest: undefined,
          newest: undefined,
          scan: undefined,
        });
        continue;
      }
      const objects = listing.objects
        .map((object): PlannedObject => ({ ...object, ...selectObjectTime(object.key, object.lastModified) }))
        .sort((a, b) => a.end.getTime() - b.end.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const starts = objects.map((object) => (object.start ?? object.end).getTime());
      const span = {
        objects: objects.length,
        bytes: objects.reduce((n, object) => n + object.size, 0),
        oldest: objects.length > 0 ? new Date(starts.reduce((a, b) => Math.min(a, b))) : undefined,
        newest: objects.at(-1)?.end,
      };
      const scan = scanBudget ? await scanForSubject(client, archive, objects, network, now, scanBudget) : undefined;
      found.push({ ...base, failure: undefined, ...span, scan });
    } finally {
      client.destroy();
    }
  }
  return found;
}

async function scanForSubject(
  client: ArchiveClient,
  archive: ArchiveConfig,
  objects: readonly PlannedObject[],
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
  const results = await scanUndeterminedObjects(client, archive.location.bucket, { toScan: objects }, [subject], now, budget);
  const containing: SubjectArchiveScan['containing'][number][] = [];
  const failures: Record<string, number> = {};
  let scanned = 0;
  let scannedBytes = 0;
  let overBudget = 0;
  for (const object of objects) {
    const result = results.get(object.key);
    if (result === undefined) continue;
    if (result.kind === 'over_budget') {
      overBudget += 1;
      continue;
    }
    scanned += 1;
    scannedBytes += object.size;
    if (result.kind === 'held') containing.push({ key: object.key, start: object.start, end: object.end });
    else if (result.kind === 'undetermined') failures[`${result.reason}:${result.code}`] = (failures[`${result.reason}:${result.code}`] ?? 0) + 1;
  }
  return { scanned, scannedBytes, containing, overBudget, failures };
}
