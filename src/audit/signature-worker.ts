/**
 * Worker thread of the signature pool (signature-pool.ts): checks batches of Ed25519 signatures against the pool's
 * public key (or the batch's own, after a key rotation) and answers one verdict byte per message.
 */
import type { KeyObject } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { importRawPublicKey, verifyEd25519 } from './ed25519.js';
import type { PackedBatch } from './signature-pool.js';

const poolKey = importRawPublicKey((workerData as { publicKey: Uint8Array }).publicKey);
const batchKeys = new Map<string, KeyObject>();

function keyOf(batch: PackedBatch): KeyObject {
  if (batch.publicKey === undefined) return poolKey;
  const id = Buffer.from(batch.publicKey).toString('hex');
  let key = batchKeys.get(id);
  if (key === undefined) batchKeys.set(id, (key = importRawPublicKey(batch.publicKey)));
  return key;
}

parentPort?.on('message', (batch: PackedBatch) => {
  const publicKey = keyOf(batch);
  const verdicts = new Uint8Array(batch.ends.length);
  let start = 0;
  batch.ends.forEach((end, i) => {
    const message = Buffer.from(batch.messages.buffer, batch.messages.byteOffset + start, end - start);
    const signature = Buffer.from(batch.signatures.buffer, batch.signatures.byteOffset + 64 * i, 64);
    verdicts[i] = verifyEd25519(message, signature, publicKey) ? 1 : 0;
    start = end;
  });
  parentPort?.postMessage({ id: batch.id, verdicts }, [verdicts.buffer]);
});
