import type { S3Client } from '@aws-sdk/client-s3';
import type { Hold } from '../policy/holds.js';
import type { ArchivePurgePlan, PlannedScan } from './purge-plan.js';
import { buildLogLineTest, scanArchiveObject } from './scan-object.js';

/** How many bytes (listed object sizes) a run may still read to scan: one budget shared by every archive of the run. */
export interface ScanBudget {
  readonly totalBytes: number;
  remainingBytes: number;
}

export function createScanBudget(totalBytes: number): ScanBudget {
  return { totalBytes, remainingBytes: totalBytes };
}

/** Objects read at once: GETs are mostly waiting, and each scan holds only a chunk and a line. */
const SCAN_CONCURRENCY = 4;

/**
 * Scans the plan's undetermined objects in its order (most overdue first), a few at a time, against the holds active
 * at `at`. An object larger than what is left of the budget is not read (`over_budget`); smaller ones after it may
 * still be. An empty object holds no line, so it is clear without a request.
 */
export async function scanUndeterminedObjects(
  client: S3Client,
  bucket: string,
  plan: Pick<ArchivePurgePlan, 'toScan'>,
  holds: readonly Hold[],
  at: Date,
  budget: ScanBudget,
  onScanned?: (done: number, total: number) => void,
): Promise<Map<string, PlannedScan>> {
  const results = new Map<string, PlannedScan>();
  const objects = plan.toScan;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const object = objects[next++]!;
      if (object.size === 0) {
        results.set(object.key, { kind: 'clear', lines: 0 });
      } else if (object.size > budget.remainingBytes) {
        results.set(object.key, { kind: 'over_budget' });
      } else {
        budget.remainingBytes -= object.size;
        const test = buildLogLineTest(holds, at, { startMs: object.start?.getTime(), endMs: object.end.getTime() });
        results.set(object.key, await scanArchiveObject(client, bucket, object.key, test));
      }
      done += 1;
      onScanned?.(done, objects.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, objects.length) }, worker));
  return results;
}
