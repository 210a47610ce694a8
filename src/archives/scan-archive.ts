import type { S3Client } from '@aws-sdk/client-s3';
import type { Hold } from '../policy/holds.js';
import type { ArchivePurgePlan, PlannedObject, PlannedScan } from './purge-plan.js';
import { buildLogLineTest, scanArchiveObject, type LineTest, type ObjectScan } from './scan-object.js';

/** How many bytes (listed object sizes) a run may still read to scan: one budget shared by every archive of the run. */
export interface ScanBudget {
  readonly totalBytes: number;
  remainingBytes: number;
}

export function createScanBudget(totalBytes: number): ScanBudget {
  return { totalBytes, remainingBytes: totalBytes };
}

/**
 * An unversioned object is read as it is; in a versioned bucket every version with data is (the purge deletes them
 * all, and an older one may hold other lines): held when one is, clear when all are, else the first undecided.
 */
async function scanObjectVersions(client: S3Client, bucket: string, object: PlannedObject, test: LineTest): Promise<ObjectScan> {
  if (object.versions === undefined) return scanArchiveObject(client, bucket, object.key, test);
  let lines = 0;
  let undecided: ObjectScan | undefined;
  for (const version of object.versions.filter((v) => !v.isDeleteMarker)) {
    const scan = await scanArchiveObject(client, bucket, object.key, test, version.versionId);
    lines += scan.lines;
    if (scan.kind === 'held') return { kind: 'held', lines };
    if (scan.kind === 'undetermined') undecided ??= scan;
  }
  return undecided ?? { kind: 'clear', lines };
}

/** Objects read at once: GETs are mostly waiting, and each scan holds only a chunk and a line. */
const SCAN_CONCURRENCY = 4;

/**
 * Scans the plan's undetermined objects in its order (most overdue first), a few at a time, against the holds active
 * at `at` (scanPlannedObjects), by key.
 */
export async function scanUndeterminedObjects(
  client: S3Client,
  bucket: string,
  plan: Pick<ArchivePurgePlan, 'toScan'>,
  holds: readonly Hold[],
  at: Date,
  budget: ScanBudget,
  onScanned?: (done: number, total: number) => void,
  recall: (object: PlannedObject) => boolean = () => false,
): Promise<Map<string, PlannedScan>> {
  const scans = await scanPlannedObjects(client, bucket, plan.toScan, holds, at, budget, onScanned, recall);
  return new Map(plan.toScan.map((object, i) => [object.key, scans[i]!]));
}

/**
 * Scans `objects` in their order, a few at a time, against the holds active at `at`; the results in the same order.
 * An object an earlier scan found held by holds still active (`recall`) is held without reading it or spending
 * budget. An object larger than what is left of the budget is not read (`over_budget`); smaller ones after it may
 * still be. An empty object holds no line, so it is clear without a request. An object whose `versions` are given is
 * read version by version (by VersionId), so one version of a key is scanned alone when it is its only one given.
 */
export async function scanPlannedObjects(
  client: S3Client,
  bucket: string,
  objects: readonly PlannedObject[],
  holds: readonly Hold[],
  at: Date,
  budget: ScanBudget,
  onScanned?: (done: number, total: number) => void,
  recall: (object: PlannedObject) => boolean = () => false,
): Promise<PlannedScan[]> {
  const results: PlannedScan[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const index = next++;
      const object = objects[index]!;
      if (recall(object)) {
        results[index] = { kind: 'held', lines: 0, remembered: true };
      } else if (object.size === 0) {
        results[index] = { kind: 'clear', lines: 0 };
      } else if (object.size > budget.remainingBytes) {
        results[index] = { kind: 'over_budget' };
      } else {
        budget.remainingBytes -= object.size;
        const test = buildLogLineTest(holds, at, { startMs: object.start?.getTime(), endMs: object.end.getTime() });
        results[index] = await scanObjectVersions(client, bucket, object, test);
      }
      done += 1;
      onScanned?.(done, objects.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, objects.length) }, worker));
  return results;
}
