import type { Db } from './db.js';

export type PullDataset = 'firewall_events' | 'http_analytics';

/**
 * How far a zone's dataset has been pulled without gaps: every record Cloudflare served for [coveredFrom, coveredTo)
 * is held. Rows keep arriving for minutes after their time (field reports G10), so only [coveredFrom, settledTo) is
 * final: the part purge and the purpose rule may rely on.
 */
export interface PullState {
  readonly zoneId: string;
  readonly dataset: PullDataset;
  /** Unix seconds. */
  readonly coveredFrom: number;
  readonly coveredTo: number;
  /** Never past coveredTo, nor past the time of the covering query less the overlap. */
  readonly settledTo: number;
  readonly lastPullAt: number;
}

interface PullStateRow {
  zone_id: string;
  dataset: PullDataset;
  covered_from: number;
  covered_to: number;
  settled_to: number;
  last_pull_at: number;
}

const COLUMNS = 'zone_id, dataset, covered_from, covered_to, settled_to, last_pull_at';

export function readPullState(db: Db, zoneId: string, dataset: PullDataset): PullState | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM pull_state WHERE zone_id = ? AND dataset = ?`).get(zoneId, dataset) as PullStateRow | undefined;
  return row && fromRow(row);
}

export function readAllPullStates(db: Db): PullState[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM pull_state ORDER BY zone_id, dataset`).all() as PullStateRow[]).map(fromRow);
}

/** Records the covered and settled range; written in the same transaction as the rows it vouches for. */
export function writePullState(db: Db, state: PullState): void {
  db.prepare(
    `INSERT INTO pull_state (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (zone_id, dataset) DO UPDATE SET covered_from = excluded.covered_from, covered_to = excluded.covered_to,
       settled_to = excluded.settled_to, last_pull_at = excluded.last_pull_at`,
  ).run(state.zoneId, state.dataset, state.coveredFrom, state.coveredTo, state.settledTo, state.lastPullAt);
}

function fromRow(row: PullStateRow): PullState {
  return {
    zoneId: row.zone_id,
    dataset: row.dataset,
    coveredFrom: row.covered_from,
    coveredTo: row.covered_to,
    settledTo: row.settled_to,
    lastPullAt: row.last_pull_at,
  };
}
