import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { importWorkerCode, workerModule } from '../worker-url.js';
import { openStore, type Db } from './db.js';
import { countDayCells, type RawStatsCell, type StatsDataset } from './stats.js';

/** What a day-cells worker is asked (see day-cells-worker.ts). */
export interface DayCellsJob {
  /** The worker module's URL, and tsx's API when that module is TypeScript source (see worker-url.ts). */
  readonly script: string;
  readonly tsxApi: string | undefined;
  readonly path: string;
  readonly dataset: StatsDataset;
  readonly days: readonly number[];
  readonly port: MessagePort;
  /** One word over shared memory: DAY_CELLS_WORKER_STATE. */
  readonly state: Int32Array;
}

export const DAY_CELLS_WORKER_STATE = { waiting: 0, started: 1, done: 2 } as const;

/** A worker not even started by then is taken as unable to start (a loaded machine takes a second or two). */
const WORKER_START_TIMEOUT_MS = 30_000;
/** Far beyond any store's counting time (seconds per million rows); past it the caller's transaction gives up. */
const WORKER_RESULT_TIMEOUT_MS = 10 * 60_000;

// Loads the worker module and, should even that fail, still reports back: the caller is blocked waiting. Only
// dynamic import(), so that it runs whether the worker inherits CommonJS or ES module eval (--input-type).
const WORKER_BOOTSTRAP = `
import('node:worker_threads').then(({ workerData }) =>
  ${importWorkerCode('workerData.script', 'workerData.tsxApi')}.catch((err) => {
    workerData.port.postMessage({ error: String(err && err.message ? err.message : err) });
    Atomics.store(workerData.state, 0, ${DAY_CELLS_WORKER_STATE.done});
    Atomics.notify(workerData.state, 0);
  }),
);`;

export interface DayCellsCount {
  /** Blocks until the counts are in: one list of cells per day asked, in order, and which thread counted them. */
  wait(): { cells: RawStatsCell[][]; countedBy: 'worker' | 'this thread' };
}

/**
 * countDayCells for `days`, on a second core: a worker thread counts on its own read-only connection while this
 * thread goes on, e.g. deleting those very rows inside an open transaction. The worker sees the committed rows
 * only, so start it before this connection changes the dataset's rows, and commit only after wait(). wait() is
 * synchronous (a shared-memory wait), so the caller's transaction stays one synchronous block. Should the worker
 * fail, wait() counts on this thread, on a second connection that sees the same committed rows.
 */
export function startCountingDayCells(
  db: Db,
  dataset: StatsDataset,
  days: readonly number[],
  options: { workerScript?: URL; startTimeoutMs?: number } = {},
): DayCellsCount {
  if (days.length === 0) return { wait: () => ({ cells: [], countedBy: 'this thread' }) };
  const countHere = () => ({ cells: countOnSecondConnection(db.name, dataset, days), countedBy: 'this thread' as const });
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(4));
  const module = options.workerScript ? { url: options.workerScript, tsxApi: undefined } : workerModule(import.meta.url, 'day-cells-worker');
  const job: DayCellsJob = { script: module.url.href, tsxApi: module.tsxApi, path: db.name, dataset, days, port: port2, state };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: job, transferList: [port2] });
  } catch {
    port1.close();
    return { wait: countHere };
  }
  return {
    wait: () => {
      try {
        // A worker that never started (it died before it could say so) would leave this thread waiting for ever.
        if (Atomics.wait(state, 0, DAY_CELLS_WORKER_STATE.waiting, options.startTimeoutMs ?? WORKER_START_TIMEOUT_MS) === 'timed-out') return countHere();
        if (Atomics.wait(state, 0, DAY_CELLS_WORKER_STATE.started, WORKER_RESULT_TIMEOUT_MS) === 'timed-out') throw timedOut();
        const reply = receiveMessageOnPort(port1)?.message as { cells?: RawStatsCell[][] } | undefined;
        return reply?.cells === undefined ? countHere() : { cells: reply.cells, countedBy: 'worker' };
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}

function timedOut(): Error {
  return new Error(`counting the statistics took over ${WORKER_RESULT_TIMEOUT_MS / 60_000} minutes; gave up`);
}

/** The worker's job on this thread: a second connection still sees the committed rows the caller is deleting. */
function countOnSecondConnection(path: string, dataset: StatsDataset, days: readonly number[]): RawStatsCell[][] {
  const reader = openStore(path, { readonly: true });
  try {
    return reader.transaction(() => days.map((day) => countDayCells(reader, dataset, day)))();
  } finally {
    reader.close();
  }
}
