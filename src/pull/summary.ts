import type { Outcome } from '../outcome.js';
import type { PullDataset } from '../store/pull-state.js';
import type { CoverageGap } from './plan-range.js';

/** What one dataset pull of one zone did. Times are unix seconds. */
export interface DatasetPullResult {
  readonly dataset: PullDataset;
  readonly status: 'ok' | 'failed' | 'disabled';
  readonly inserted: number;
  /** Already held (same natural key) and skipped; for hourly groups, groups whose count was refreshed. */
  readonly duplicates: number;
  /** Rows that arrived already past their retention and were not stored. */
  readonly expired: number;
  /**
   * Rows first seen in the re-read overlap, i.e. dated inside what an earlier pull had already covered: Cloudflare
   * served them late. Hourly groups: groups that were new or whose count grew there.
   */
  readonly lateRows: number;
  readonly windows: number;
  readonly requests: number;
  /** The range this run asked for, [from, to). */
  readonly pulledFrom: number | undefined;
  readonly pulledTo: number | undefined;
  /** What the store now holds without gaps, [from, to). */
  readonly coveredFrom: number | undefined;
  readonly coveredTo: number | undefined;
  /** Up to here no late row can still arrive: the bound purge and the purpose rule rely on. */
  readonly settledTo: number | undefined;
  readonly gaps: readonly CoverageGap[];
  /** httpRequestsAdaptiveGroups without `clientIP` on this plan: only per-country counts are held. */
  readonly perCountryOnly: boolean;
  /** Fields asked for (config `fields:`) that this zone's plan does not offer. */
  readonly unavailableFields: readonly string[];
  readonly error?: { readonly message: string; readonly status: number | undefined };
}

export interface ZonePullResult {
  readonly zoneId: string;
  readonly zoneName: string | undefined;
  readonly status: 'ok' | 'failed';
  readonly datasets: readonly DatasetPullResult[];
  readonly error?: { readonly message: string; readonly status: number | undefined };
}

export interface PullSummary {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly zones: readonly ZonePullResult[];
  /** Every zone failing is a Cloudflare failure; some failing is partial. */
  readonly outcome: Outcome;
}

/** Progress after each stored batch. */
export interface PullProgress {
  readonly zoneId: string;
  readonly dataset: PullDataset;
  /** Rows handed on so far in this dataset pull (stored, duplicate or expired). */
  readonly rows: number;
  readonly windowsDone: number;
  readonly windowsTotal: number;
}

export function emptyDatasetResult(dataset: PullDataset): DatasetPullResult {
  return {
    dataset,
    status: 'ok',
    inserted: 0,
    duplicates: 0,
    expired: 0,
    lateRows: 0,
    windows: 0,
    requests: 0,
    pulledFrom: undefined,
    pulledTo: undefined,
    coveredFrom: undefined,
    coveredTo: undefined,
    settledTo: undefined,
    gaps: [],
    perCountryOnly: false,
    unavailableFields: [],
  };
}
