import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StorePort } from '../store/port.js';
import type { AuditEntry, AuditSigner } from './entry.js';
import { keyFingerprint } from './key-entries.js';
import { loadSigningKey, publicKeyPem, type KeyPaths } from './keys.js';

/** The staged next key: written before the rotation entry commits, swapped in after. */
export function nextKeyPath(paths: KeyPaths): string {
  return `${paths.signingKey}.next`;
}

/**
 * Rotates the signing key. Crash-safe in three steps: (1) the new key is staged in `<key>.next`; (2) one
 * transaction appends the `keys.rotate` entry, signed by the old key and naming the new one, and signs the head
 * with the new key; (3) the old private key is overwritten and the staged key takes its place. A crash before (2)
 * commits leaves the old key in force and a stale `.next`; a crash after it leaves a `.next` the log names: either
 * way recoverKeyRotation, run before anything signs, finishes or discards it. On a store several hosts share,
 * only this host's key is handed over; the other hosts' keys stay in force.
 */
export async function rotateSigningKey(paths: KeyPaths, store: StorePort, signer: AuditSigner, reason: string): Promise<AuditEntry> {
  const next = stageNextKey(paths);
  const entry = await store.appendKeyRotation(signer, next, reason);
  swapInNextKey(paths);
  return entry;
}

/** Step 1: a fresh key pair in `<key>.next` (0600), replacing a stale one no log entry names. */
export function stageNextKey(paths: KeyPaths): KeyObject {
  const { privateKey } = generateKeyPairSync('ed25519');
  const path = nextKeyPath(paths);
  rmSync(path, { force: true });
  writeDurably(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return privateKey;
}

/** Step 3: the old private key is overwritten with zeros, then the staged key replaces it, and the public copy follows. */
function swapInNextKey(paths: KeyPaths): void {
  const next = nextKeyPath(paths);
  const key = loadSigningKey(next);
  if (existsSync(paths.signingKey)) destroyFile(paths.signingKey);
  renameSync(next, paths.signingKey);
  syncDirectory(dirname(paths.signingKey));
  writeFileSync(paths.publicKey, publicKeyPem(key), { mode: 0o600 });
}

export type RecoveryOutcome = 'none' | 'completed' | 'discarded';

/**
 * The start-up check: a `.next` key that the log has in force is a rotation that committed but did not swap
 * (finish it); any other `.next` is a rotation that never committed (discard it, the old key stays).
 */
export async function recoverKeyRotation(paths: KeyPaths, store: () => Promise<StorePort>): Promise<RecoveryOutcome> {
  if (!existsSync(nextKeyPath(paths))) return 'none';
  return settleStagedKey(paths, await (await store()).readAuditKeysInForce());
}

/** Finishes or discards a staged key, given the fingerprints of the keys the log has in force. */
export function settleStagedKey(paths: KeyPaths, inForce: readonly string[]): RecoveryOutcome {
  const next = nextKeyPath(paths);
  if (!existsSync(next)) return 'none';
  let staged: KeyObject | undefined;
  try {
    staged = loadSigningKey(next);
  } catch {
    staged = undefined;
  }
  if (staged !== undefined && inForce.includes(keyFingerprint(staged))) {
    swapInNextKey(paths);
    return 'completed';
  }
  rmSync(next, { force: true });
  return 'discarded';
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Overwrites a file with zeros and syncs it, so the old private key is not left in its blocks (best effort on SSDs). */
function destroyFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(statSync(path).size));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
