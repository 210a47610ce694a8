import { CloudflareApiError, StoreError } from '../errors.js';
import type { Db } from '../store/db.js';
import { writePullState, type PullDataset } from '../store/pull-state.js';
import { pageWindow, type PagerSpec, type Row } from './key-pager.js';
import { selectPullBounds, type CoverageGap, type RangePlan } from './plan-range.js';
import type { DatasetPullResult, PullProgress } from './summary.js';

export interface BatchCounts {
  readonly inserted: number;
  readonly duplicates: number;
  readonly expired: number;
  /** Rows first seen inside the re-read overlap (dated before the coverage this pull extends): they arrived late. */
  readonly late: number;
}

export interface WindowRun {
  readonly db: Db;
  readonly zoneId: string;
  readonly dataset: PullDataset;
  readonly plan: RangePlan;
  readonly spec: PagerSpec;
  /** Stores one batch; runs inside the batch's transaction. Rows dated before `lateBefore` that are new count as late. */
  readonly store: (rows: readonly Row[], lateBefore: number) => BatchCounts;
  readonly nowSeconds: () => number;
  readonly onProgress?: ((progress: PullProgress) => void) | undefined;
}

export interface WindowRunResult extends BatchCounts {
  readonly windows: number;
  readonly coveredFrom: number | undefined;
  readonly coveredTo: number | undefined;
  readonly settledTo: number | undefined;
  readonly gaps: readonly CoverageGap[];
}

/** A pull that failed part-way: what it had stored (and recorded in pull_state) before the failure. */
export class WindowRunError extends Error {
  constructor(
    readonly partial: WindowRunResult,
    readonly failure: unknown,
  ) {
    super('pull failed part-way', { cause: failure });
  }
}

const NO_ROWS: BatchCounts = { inserted: 0, duplicates: 0, expired: 0, late: 0 };

/** A commit closes an outer transaction after this many rows, or this long after it was opened. */
const COMMIT_ROWS = 50_000;
const COMMIT_MS = 1_000;
/** Rows stored between yields to the event loop while the next page streams in. */
const INGEST_SLICE_ROWS = 2_000;

/**
 * Walks the plan's windows page by page. Each batch is stored atomically (a savepoint) together with the cursor it
 * closes out, inside a larger transaction committed every COMMIT_ROWS rows or COMMIT_MS: a pull killed at any
 * instant resumes exactly where the committed rows end, with no gap and no duplicate, and loses at most the
 * uncommitted work. The outer transaction stays open across network awaits; the home lock keeps other writers out.
 */
export async function runWindows(run: WindowRun): Promise<WindowRunResult> {
  const { db, plan } = run;
  let coveredFrom = plan.coveredFrom;
  let coveredTo: number | undefined;
  let settledTo: number | undefined;
  let inserted = 0;
  let duplicates = 0;
  let expired = 0;
  let late = 0;
  // Without a coverage to extend nothing is late; -Infinity keeps every row out of that count.
  const lateBefore = plan.continues?.coveredTo ?? -Infinity;
  let rows = 0;
  let windowsDone = 0;
  const gaps: CoverageGap[] = [];
  const ingest = db.transaction((batch: readonly Row[], closedThrough: number | undefined) => {
    const counts = batch.length > 0 ? run.store(batch, lateBefore) : NO_ROWS;
    if (closedThrough !== undefined) {
      const bounds = selectPullBounds(plan, coveredFrom, closedThrough);
      writePullState(db, { zoneId: run.zoneId, dataset: run.dataset, coveredFrom, ...bounds, lastPullAt: run.nowSeconds() });
      ({ coveredTo, settledTo } = bounds);
    }
    return counts;
  });

  let openedAt: number | undefined;
  let pendingRows = 0;
  const begin = (): void => {
    if (openedAt === undefined && !db.inTransaction) {
      db.exec('BEGIN');
      openedAt = performance.now();
    }
  };
  const commit = (): void => {
    if (openedAt !== undefined) {
      openedAt = undefined;
      pendingRows = 0;
      db.exec('COMMIT');
    }
  };

  const snapshot = (): WindowRunResult => ({
    inserted,
    duplicates,
    expired,
    late,
    windows: windowsDone,
    coveredFrom: coveredTo === undefined ? undefined : coveredFrom,
    coveredTo,
    settledTo,
    gaps,
  });
  try {
    await walk();
    commit();
  } catch (err) {
    // Every batch stored so far is complete with its cursor (a failed batch's savepoint was rolled back): keep them.
    if (db.inTransaction && openedAt !== undefined) commit();
    throw new WindowRunError(snapshot(), err);
  }
  return snapshot();

  /**
   * Stores a page in slices, yielding between them so the next page (already requested) streams in meanwhile instead
   * of waiting in the socket. Only the last slice moves the cursor; an earlier slice that commits alone is re-pulled
   * after a crash and skipped as duplicates, so a resumed pull stays exact.
   */
  async function ingestInSlices(rows: readonly Row[], closedThrough: number | undefined): Promise<BatchCounts> {
    const total = { ...NO_ROWS };
    for (let start = 0; start === 0 || start < rows.length; start += INGEST_SLICE_ROWS) {
      const end = start + INGEST_SLICE_ROWS;
      if (start > 0) await new Promise<void>((resume) => setImmediate(resume));
      const counts = ingest(rows.slice(start, end), end >= rows.length ? closedThrough : undefined);
      total.inserted += counts.inserted;
      total.duplicates += counts.duplicates;
      total.expired += counts.expired;
      total.late += counts.late;
    }
    return total;
  }

  async function walk(): Promise<void> {
    for (const [from, to] of plan.windows) {
      let position = from;
      for await (const batch of pageWindow(run.spec, from, to)) {
        if (batch.gapTo !== undefined) {
          gaps.push({ from: position, to: batch.gapTo, reason: 'fell out of the look-back window while pulling' });
          coveredFrom = batch.gapTo;
          position = batch.gapTo;
          continue;
        }
        begin();
        const counts = await ingestInSlices(batch.rows, batch.closedThrough);
        pendingRows += batch.rows.length;
        if (pendingRows >= COMMIT_ROWS || (openedAt !== undefined && performance.now() - openedAt >= COMMIT_MS)) commit();
        inserted += counts.inserted;
        duplicates += counts.duplicates;
        expired += counts.expired;
        late += counts.late;
        rows += batch.rows.length;
        if (batch.closedThrough !== undefined) position = batch.closedThrough;
        run.onProgress?.({ zoneId: run.zoneId, dataset: run.dataset, rows, windowsDone, windowsTotal: plan.windows.length });
      }
      windowsDone += 1;
    }
  }
}

/**
 * Runs the windows and folds the outcome into the dataset result. A Cloudflare failure part-way becomes a failed
 * result that still counts what was stored before it (and the coverage pull_state now records); anything else is
 * a bug and propagates.
 */
export async function runDatasetWindows(
  run: WindowRun,
  base: DatasetPullResult,
  previous: { readonly coveredFrom: number; readonly coveredTo: number; readonly settledTo: number } | undefined,
  requests: () => number,
): Promise<DatasetPullResult> {
  let outcome: WindowRunResult;
  let error: DatasetPullResult['error'];
  try {
    outcome = await runWindows(run);
  } catch (err) {
    const failure = err instanceof WindowRunError ? err.failure : err;
    if ((failure as Error | undefined)?.name === 'SqliteError') {
      throw new StoreError('Could not write pulled records to the store', {
        cause: failure,
        hint: 'Check free disk space; re-running the pull resumes where it stopped.',
      });
    }
    if (!(err instanceof WindowRunError) || !(err.failure instanceof CloudflareApiError)) throw failure;
    outcome = err.partial;
    error = { message: err.failure.message, status: err.failure.status };
  }
  const { plan } = run;
  const result: DatasetPullResult = {
    ...base,
    inserted: outcome.inserted,
    duplicates: outcome.duplicates,
    expired: outcome.expired,
    lateRows: outcome.late,
    windows: outcome.windows,
    requests: requests(),
    pulledFrom: plan.windows.length > 0 ? plan.start : undefined,
    pulledTo: plan.windows.length > 0 ? plan.end : undefined,
    coveredFrom: outcome.coveredFrom ?? previous?.coveredFrom,
    coveredTo: outcome.coveredTo ?? previous?.coveredTo,
    settledTo: outcome.settledTo ?? previous?.settledTo,
    gaps: [...plan.gaps, ...outcome.gaps],
  };
  return error ? { ...result, status: 'failed', error } : result;
}
