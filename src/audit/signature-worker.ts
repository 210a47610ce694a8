/**
 * Worker thread of the signature pool (signature-pool.ts): checks batches of Ed25519 signatures against one public
 * key and answers one verdict byte per message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { importRawPublicKey, verifyEd25519 } from './ed25519.js';
import type { PackedBatch } from './signature-pool.js';

const publicKey = importRawPublicKey((workerData as { publicKey: Uint8Array }).publicKey);

parentPort?.on('message', (batch: PackedBatch) => {
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
