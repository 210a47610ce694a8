import { CloudflareApiError, StoreError } from '../errors.js';
import type { StorePort, StoreSession } from '../store/port.js';
import type { PullDataset } from '../store/pull-state.js';
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
  readonly store: StorePort;
  readonly zoneId: string;
  readonly dataset: PullDataset;
  readonly plan: RangePlan;
  readonly spec: PagerSpec;
  /** Stores one slice of a page through the page's transaction `tx`. Rows dated before `lateBefore` that are new count as late. */
  readonly ingest: (tx: StoreSession, rows: readonly Row[], lateBefore: number) => Promise<BatchCounts>;
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

/**
 * Rows stored between yields to the event loop while the next page streams in. better-sqlite3 is synchronous: a
 * whole page stored in one go would block the loop and leave the prefetched page waiting in the socket. node-postgres
 * awaits the server for each call, which yields anyway, so a PostgreSQL page goes in whole (one COPY, not several).
 */
const SQLITE_SLICE_ROWS = 2_000;

/**
 * Walks the plan's windows page by page. Each page is stored in one store transaction together with the pull state
 * it closes out: a pull killed at any instant resumes exactly where the committed rows end, with no gap and no
 * duplicate, and loses at most the page in flight. No transaction stays open across a network request; two hosts
 * pulling the same zone at once (PostgreSQL) each commit whole pages, and the natural key keeps the union exact.
 */
export async function runWindows(run: WindowRun): Promise<WindowRunResult> {
  const { store, plan } = run;
  let coveredFrom = plan.coveredFrom;
  let coveredTo: number | undefined;
  let settledTo: number | undefined;
  let inserted = 0;
  let duplicates = 0;
  let expired = 0;
  let late = 0;
  // Without a coverage to extend nothing is late; -Infinity keeps every row out of that count.
  const lateBefore = plan.continues?.coveredTo ?? -Infinity;
  const sliceRows = store.kind === 'sqlite' ? SQLITE_SLICE_ROWS : Infinity;
  let rows = 0;
  let windowsDone = 0;
  const gaps: CoverageGap[] = [];

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
    // PostgreSQL: the day partitions of the whole plan now, so that no page transaction (and no other host's insert
    // waiting on it) has to wait for DDL; a page outside them (a late clock) still gets its own in its transaction.
    if (plan.windows.length > 0) await store.prepareIngest(run.dataset, plan.start, plan.end);
    await walk();
  } catch (err) {
    // Every page committed so far is complete with its pull state (a failed page's transaction was rolled back).
    throw new WindowRunError(snapshot(), err);
  }
  return snapshot();

  /**
   * Stores a page and the pull state it vouches for in one transaction; on SQLite in slices, yielding between them
   * so the next page (already requested) streams in meanwhile. The bounds are taken over only once it committed.
   */
  async function ingestPage(pageRows: readonly Row[], closedThrough: number | undefined): Promise<BatchCounts> {
    const bounds = closedThrough === undefined ? undefined : selectPullBounds(plan, coveredFrom, closedThrough);
    if (pageRows.length === 0 && bounds === undefined) return NO_ROWS;
    const total = await store.transaction(async (tx) => {
      const sum = { ...NO_ROWS };
      for (let start = 0; start < pageRows.length; start += sliceRows) {
        if (start > 0) await new Promise<void>((resume) => setImmediate(resume));
        const counts = await run.ingest(tx, pageRows.slice(start, start + sliceRows), lateBefore);
        sum.inserted += counts.inserted;
        sum.duplicates += counts.duplicates;
        sum.expired += counts.expired;
        sum.late += counts.late;
      }
      if (bounds) await tx.writePullState({ zoneId: run.zoneId, dataset: run.dataset, coveredFrom, ...bounds, lastPullAt: run.nowSeconds() });
      return sum;
    });
    if (bounds) ({ coveredTo, settledTo } = bounds);
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
        const counts = await ingestPage(batch.rows, batch.closedThrough);
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
    if (isStoreFailure(failure)) {
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

/** A write the database refused (disk full, constraint, lost connection mid-query): exit 7, not a bug. */
function isStoreFailure(failure: unknown): boolean {
  // better-sqlite3 throws SqliteError, node-postgres DatabaseError; the use case names neither driver.
  const name = (failure as Error | undefined)?.name;
  return name === 'SqliteError' || name === 'DatabaseError';
}
