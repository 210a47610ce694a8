import type { Db } from './db.js';

export type PullDataset = 'firewall_events' | 'http_analytics';

/** How far a zone's dataset has been pulled without gaps: every record in [coveredFrom, coveredTo) is held. */
export interface PullState {
  readonly zoneId: string;
  readonly dataset: PullDataset;
  /** Unix seconds. */
  readonly coveredFrom: number;
  readonly coveredTo: number;
  readonly lastPullAt: number;
}

export function readPullState(db: Db, zoneId: string, dataset: PullDataset): PullState | undefined {
  const row = db.prepare('SELECT covered_from, covered_to, last_pull_at FROM pull_state WHERE zone_id = ? AND dataset = ?').get(zoneId, dataset) as
    | { covered_from: number; covered_to: number; last_pull_at: number }
    | undefined;
  return row && { zoneId, dataset, coveredFrom: row.covered_from, coveredTo: row.covered_to, lastPullAt: row.last_pull_at };
}

export function readAllPullStates(db: Db): PullState[] {
  return (db.prepare('SELECT zone_id, dataset, covered_from, covered_to, last_pull_at FROM pull_state ORDER BY zone_id, dataset').all() as {
    zone_id: string;
    dataset: PullDataset;
    covered_from: number;
    covered_to: number;
    last_pull_at: number;
  }[]).map((r) => ({ zoneId: r.zone_id, dataset: r.dataset, coveredFrom: r.covered_from, coveredTo: r.covered_to, lastPullAt: r.last_pull_at }));
}

/** Records the covered range; written in the same transaction as the rows it vouches for. */
export function writePullState(db: Db, state: PullState): void {
  db.prepare(
    `INSERT INTO pull_state (zone_id, dataset, covered_from, covered_to, last_pull_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (zone_id, dataset) DO UPDATE SET covered_from = excluded.covered_from, covered_to = excluded.covered_to, last_pull_at = excluded.last_pull_at`,
  ).run(state.zoneId, state.dataset, state.coveredFrom, state.coveredTo, state.lastPullAt);
}
