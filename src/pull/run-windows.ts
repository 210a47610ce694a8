import type { Db } from '../store/db.js';
import { writePullState, type PullDataset } from '../store/pull-state.js';
import { pageWindow, type PagerSpec, type Row } from './key-pager.js';
import type { CoverageGap, RangePlan } from './plan-range.js';
import type { PullProgress } from './summary.js';

export interface BatchCounts {
  readonly inserted: number;
  readonly duplicates: number;
  readonly expired: number;
}

export interface WindowRun {
  readonly db: Db;
  readonly zoneId: string;
  readonly dataset: PullDataset;
  readonly plan: RangePlan;
  readonly spec: PagerSpec;
  /** Stores one batch; runs inside the batch's transaction. */
  readonly store: (rows: readonly Row[]) => BatchCounts;
  readonly nowSeconds: () => number;
  readonly onProgress?: ((progress: PullProgress) => void) | undefined;
}

export interface WindowRunResult extends BatchCounts {
  readonly windows: number;
  readonly coveredFrom: number | undefined;
  readonly coveredTo: number | undefined;
  readonly gaps: readonly CoverageGap[];
}

/**
 * Walks the plan's windows page by page. Each batch is stored in one transaction together with the cursor it
 * closes out, so a pull killed at any instant resumes exactly where the store's rows end: no gap, no duplicate.
 */
export async function runWindows(run: WindowRun): Promise<WindowRunResult> {
  const { db, plan } = run;
  let coveredFrom = plan.coveredFrom;
  let coveredTo: number | undefined;
  let inserted = 0;
  let duplicates = 0;
  let expired = 0;
  let rows = 0;
  let windowsDone = 0;
  const gaps: CoverageGap[] = [];
  const ingest = db.transaction((batch: readonly Row[], closedThrough: number | undefined) => {
    const counts = batch.length > 0 ? run.store(batch) : { inserted: 0, duplicates: 0, expired: 0 };
    if (closedThrough !== undefined) {
      writePullState(db, { zoneId: run.zoneId, dataset: run.dataset, coveredFrom, coveredTo: closedThrough, lastPullAt: run.nowSeconds() });
    }
    return counts;
  });

  for (const [from, to] of plan.windows) {
    let position = from;
    for await (const batch of pageWindow(run.spec, from, to)) {
      if (batch.gapTo !== undefined) {
        gaps.push({ from: position, to: batch.gapTo, reason: 'fell out of the look-back window while pulling' });
        coveredFrom = batch.gapTo;
        position = batch.gapTo;
        continue;
      }
      const counts = ingest(batch.rows, batch.closedThrough);
      inserted += counts.inserted;
      duplicates += counts.duplicates;
      expired += counts.expired;
      rows += batch.rows.length;
      if (batch.closedThrough !== undefined) {
        coveredTo = batch.closedThrough;
        position = batch.closedThrough;
      }
      run.onProgress?.({ zoneId: run.zoneId, dataset: run.dataset, rows, windowsDone, windowsTotal: plan.windows.length });
    }
    windowsDone += 1;
  }
  return { inserted, duplicates, expired, windows: windowsDone, coveredFrom: coveredTo === undefined ? undefined : coveredFrom, coveredTo, gaps };
}
