import type { KeyObject } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startWorker, workerModule } from '../worker-url.js';
import { exportRawPublicKey, verifyEd25519 } from './ed25519.js';

/** Messages and their 64-byte signatures, index by index, all by one key (the pool's, unless the batch names one). */
export interface SignatureBatch {
  readonly messages: readonly Buffer[];
  readonly signatures: readonly Buffer[];
  /** A log that rotated its key is checked in batches that each stay within one key. */
  readonly publicKey?: KeyObject;
}

/** A batch as it crosses to a worker: three transferred buffers instead of a clone per message. */
export interface PackedBatch {
  readonly id: number;
  /** End offset of each message in `messages`. */
  readonly ends: Uint32Array<ArrayBuffer>;
  readonly signatures: Uint8Array<ArrayBuffer>;
  readonly messages: Uint8Array<ArrayBuffer>;
  /** Raw 32-byte key of this batch, when it is not the pool's. */
  readonly publicKey?: Uint8Array;
}

export interface SignaturePool {
  /** One verdict per message. Checked on this thread instead when the pool has no worker left. */
  check(batch: SignatureBatch): Promise<boolean[]>;
  /** How many batches were checked on this thread because no worker could take them. */
  checkedOnThisThread(): number;
  close(): Promise<void>;
}

interface Job {
  readonly batch: SignatureBatch;
  readonly worker: Worker;
  readonly resolve: (verdicts: boolean[]) => void;
}

/**
 * Worker threads that check Ed25519 signatures by `publicKey`, batches handed out in turn, so a long audit log
 * verifies on every core. A worker that fails (or cannot load) leaves the pool; its open batches, and all batches
 * once none is left, are checked on this thread: slower, never a different verdict.
 */
export function startSignaturePool(publicKey: KeyObject, size: number, options: { workerScript?: URL } = {}): SignaturePool {
  const module = options.workerScript ? { url: options.workerScript, tsxApi: undefined } : workerModule(import.meta.url, 'signature-worker');
  let checkedHere = 0;
  const checkHere = (batch: SignatureBatch) => {
    checkedHere += 1;
    return batch.messages.map((message, i) => verifyEd25519(message, batch.signatures[i]!, batch.publicKey ?? publicKey));
  };
  const jobs = new Map<number, Job>();
  let live: Worker[] = [];
  const retire = (worker: Worker) => {
    live = live.filter((w) => w !== worker);
    for (const [id, job] of jobs) {
      if (job.worker !== worker) continue;
      jobs.delete(id);
      job.resolve(checkHere(job.batch));
    }
  };
  for (let i = 0; i < size; i++) {
    const worker = startWorker(module, { workerData: { publicKey: exportRawPublicKey(publicKey) } });
    worker.on('message', (reply: { id: number; verdicts: Uint8Array }) => {
      const job = jobs.get(reply.id);
      jobs.delete(reply.id);
      job?.resolve(Array.from(reply.verdicts, (verdict) => verdict === 1));
    });
    worker.on('error', () => retire(worker));
    worker.on('exit', () => retire(worker));
    live.push(worker);
  }
  let nextId = 0;
  return {
    check: (batch) => {
      const worker = live[nextId % Math.max(1, live.length)];
      if (worker === undefined) return Promise.resolve(checkHere(batch));
      const packed = packBatch(nextId++, batch);
      return new Promise((resolve) => {
        jobs.set(packed.id, { batch, worker, resolve });
        worker.postMessage(packed, [packed.ends.buffer, packed.signatures.buffer, packed.messages.buffer]);
      });
    },
    checkedOnThisThread: () => checkedHere,
    close: async () => {
      const workers = live;
      live = [];
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

function packBatch(id: number, batch: SignatureBatch): PackedBatch {
  const count = batch.messages.length;
  const messages = new Uint8Array(batch.messages.reduce((sum, message) => sum + message.length, 0));
  const ends = new Uint32Array(count);
  const signatures = new Uint8Array(64 * count);
  let end = 0;
  batch.messages.forEach((message, i) => {
    const signature = batch.signatures[i]!;
    if (signature.length !== 64) throw new TypeError(`signature ${i} of the batch has ${signature.length} bytes, not 64`);
    messages.set(message, end);
    end += message.length;
    ends[i] = end;
    signatures.set(signature, 64 * i);
  });
  return batch.publicKey === undefined
    ? { id, ends, signatures, messages }
    : { id, ends, signatures, messages, publicKey: exportRawPublicKey(batch.publicKey) };
}
