import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ed25519Backend, verifyEd25519 } from './ed25519.js';
import { startSignaturePool, type SignaturePool } from './signature-pool.js';

const keys = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

/** 40 messages: every 7th signed by another key, every 11th altered after signing. */
function sampleBatch() {
  const messages = Array.from({ length: 40 }, (_, i) => Buffer.from(`{"seq":${i + 1},"event":"purge.outcome"}`));
  const signatures = messages.map((message, i) => sign(null, message, i % 7 === 3 ? other.privateKey : keys.privateKey));
  const sent = messages.map((message, i) => (i % 11 === 5 ? Buffer.concat([message, Buffer.from(' ')]) : message));
  const expected = messages.map((_, i) => i % 7 !== 3 && i % 11 !== 5);
  return { batch: { messages: sent, signatures }, expected };
}

let pool: SignaturePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('startSignaturePool', () => {
  it('checks batches on worker threads and answers one verdict per message', async () => {
    const { batch, expected } = sampleBatch();
    pool = startSignaturePool(keys.publicKey, 2);
    const verdicts = await Promise.all([pool.check(batch), pool.check(batch), pool.check({ messages: [], signatures: [] })]);
    expect(verdicts).toEqual([expected, expected, []]);
    expect(pool.checkedOnThisThread()).toBe(0);
  });

  it('reaches the same verdicts on this thread when its workers cannot load', async () => {
    const { batch, expected } = sampleBatch();
    pool = startSignaturePool(keys.publicKey, 2, { workerScript: new URL('file:///nonexistent/signature-worker.js') });
    expect(await pool.check(batch)).toEqual(expected);
    expect(await pool.check(batch)).toEqual(expected);
    expect(pool.checkedOnThisThread()).toBe(2);
  });
});

describe('verifyEd25519', () => {
  it.each(['libsodium', 'node:crypto'] as const)('with %s, accepts a valid signature and refuses foreign-key, altered and malformed ones', (backend) => {
    const message = Buffer.from('an audit entry');
    const good = sign(null, message, keys.privateKey);
    expect(verifyEd25519(message, good, keys.publicKey, backend)).toBe(true);
    expect(verifyEd25519(message, sign(null, message, other.privateKey), keys.publicKey, backend)).toBe(false);
    expect(verifyEd25519(Buffer.from('an audit entrY'), good, keys.publicKey, backend)).toBe(false);
    expect(verifyEd25519(message, good.subarray(0, 63), keys.publicKey, backend)).toBe(false);
    expect(verifyEd25519(message, Buffer.alloc(64), keys.publicKey, backend)).toBe(false);
  });

  it('uses libsodium where it loads', () => {
    expect(ed25519Backend()).toBe('libsodium');
  });
});
