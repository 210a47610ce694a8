/**
 * Worker thread behind startCountingDayCells (day-cells-count.ts): counts day cells on its own read-only
 * connection, posts them on the given port and wakes the waiting thread through the shared state word. Every
 * outcome, an error included, ends in DONE, so the caller never waits on a worker that gave up.
 */
import { workerData } from 'node:worker_threads';
import { openStore } from './db.js';
import { DAY_CELLS_WORKER_STATE, type DayCellsJob } from './day-cells-count.js';
import { countDayCells } from './stats.js';

const job = workerData as DayCellsJob;
Atomics.store(job.state, 0, DAY_CELLS_WORKER_STATE.started);
Atomics.notify(job.state, 0);
try {
  const db = openStore(job.path, { readonly: true });
  try {
    // One read transaction: every day is counted from the same snapshot.
    const cells = db.transaction(() => job.days.map((day) => countDayCells(db, job.dataset, day)))();
    job.port.postMessage({ cells });
  } finally {
    db.close();
  }
} catch (err) {
  job.port.postMessage({ error: err instanceof Error ? err.message : String(err) });
} finally {
  Atomics.store(job.state, 0, DAY_CELLS_WORKER_STATE.done);
  Atomics.notify(job.state, 0);
}
