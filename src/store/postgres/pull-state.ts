import type { PullDataset, PullState } from '../pull-state.js';
import type { PgTx } from './connection.js';

const COLUMNS = 'zone_id, dataset, covered_from, covered_to, settled_to, last_pull_at';

interface PullStateRow {
  zone_id: string;
  dataset: PullDataset;
  covered_from: string;
  covered_to: string;
  settled_to: string;
  last_pull_at: string;
}

export async function readPullState(tx: PgTx, zoneId: string, dataset: PullDataset): Promise<PullState | undefined> {
  const { rows } = await tx.query<PullStateRow>(`SELECT ${COLUMNS} FROM pull_state WHERE zone_id = $1 AND dataset = $2`, [zoneId, dataset]);
  return rows[0] && fromRow(rows[0]);
}

export async function readAllPullStates(tx: PgTx): Promise<PullState[]> {
  return (await tx.query<PullStateRow>(`SELECT ${COLUMNS} FROM pull_state ORDER BY zone_id, dataset`)).rows.map(fromRow);
}

/** Records the covered and settled range; written in the same transaction as the rows it vouches for. */
export async function writePullState(tx: PgTx, state: PullState): Promise<void> {
  await tx.query(
    `INSERT INTO pull_state (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (zone_id, dataset) DO UPDATE SET covered_from = excluded.covered_from, covered_to = excluded.covered_to,
       settled_to = excluded.settled_to, last_pull_at = excluded.last_pull_at`,
    [state.zoneId, state.dataset, state.coveredFrom, state.coveredTo, state.settledTo, state.lastPullAt],
  );
}

function fromRow(row: PullStateRow): PullState {
  return {
    zoneId: row.zone_id,
    dataset: row.dataset,
    coveredFrom: Number(row.covered_from),
    coveredTo: Number(row.covered_to),
    settledTo: Number(row.settled_to),
    lastPullAt: Number(row.last_pull_at),
  };
}
