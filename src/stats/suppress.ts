import type { RawStatsCell, StatsDataset, StoredStatsCell } from '../store/stats.js';

export interface SuppressionResult {
  readonly kept: StoredStatsCell[];
  readonly suppressed: number;
}

/**
 * Keeps only cells no single visitor can be singled out from: at least `minCount` events (or requests) AND, where
 * the rows carried IPs, at least `minCount` distinct IPs – 50 events from one IP describe that visitor's behaviour.
 * Suppression happens before storage: a small cell is never written, so no later query or leak can reveal it.
 */
export function selectPublishableCells(dataset: StatsDataset, cells: readonly RawStatsCell[], minCount: number): SuppressionResult {
  const kept: StoredStatsCell[] = [];
  let suppressed = 0;
  for (const cell of cells) {
    if (!isPublishable(cell, minCount)) {
      suppressed += 1;
      continue;
    }
    kept.push({
      dataset,
      day: cell.day,
      zoneId: cell.zoneId,
      country: cell.country,
      count: cell.count,
      // Country-only analytics rows carry no IP: the number of visitors behind them is unknown, not zero – and
      // where only some rows carried one (a plan changed that day), the count would be a lower bound: unknown too.
      distinctIps: cell.ipRows === cell.rows ? cell.distinctIps : null,
    });
  }
  return { kept, suppressed };
}

export function isPublishable(cell: Pick<RawStatsCell, 'count' | 'distinctIps' | 'ipRows'>, minCount: number): boolean {
  if (cell.count < minCount) return false;
  return cell.ipRows === 0 || cell.distinctIps >= minCount;
}
