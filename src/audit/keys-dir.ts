import { createPrivateKey } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { KeyPaths } from './keys.js';

/**
 * Refuses a `keys/` folder holding anything init would not have made: an unknown file, a link, a file others can
 * read or write, or a key of the wrong kind. A key planted there before init would otherwise sign the audit log
 * (or crash init); `storeExisted` false with a signing key already present means init did not make that key.
 */
export function assertKeysDirIsOurs(paths: KeyPaths, storeExisted: boolean): void {
  let names: string[];
  try {
    const dir = lstatSync(paths.keysDir);
    if (!dir.isDirectory()) refuse(paths.keysDir, 'is not a directory');
    if ((dir.mode & 0o022) !== 0) refuse(paths.keysDir, `can be written by others (mode ${octal(dir.mode)})`);
    names = readdirSync(paths.keysDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  // `<key>.next` is a key rotation's staged key (key-rotation.ts), finished or discarded by the next signing command.
  const known = new Set([paths.signingKey, `${paths.signingKey}.next`, paths.publicKey, paths.subjectSecret].map((path) => basename(path)));
  for (const name of names) {
    const path = join(paths.keysDir, name);
    if (!known.has(name)) refuse(path, 'is not a file init makes');
    const stat = lstatSync(path);
    if (!stat.isFile()) refuse(path, 'is not a regular file (a link or a folder)');
    if ((stat.mode & 0o077) !== 0) refuse(path, `can be read or written by others (mode ${octal(stat.mode)})`);
  }
  if (names.includes(basename(paths.signingKey))) {
    if (!storeExisted) refuse(paths.signingKey, 'was there before the store was created: init did not make it');
    if (!isEd25519PrivateKey(paths.signingKey)) refuse(paths.signingKey, 'is not an Ed25519 private key');
  }
  if (names.includes(basename(paths.subjectSecret)) && Buffer.from(readFileSync(paths.subjectSecret, 'utf8').trim(), 'base64').length < 16) {
    refuse(paths.subjectSecret, 'does not hold a secret of at least 16 bytes');
  }
}

function isEd25519PrivateKey(path: string): boolean {
  try {
    return createPrivateKey(readFileSync(path)).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

function refuse(path: string, why: string): never {
  throw new UsageError(`${path} ${why}; refusing to use the keys folder`, {
    hint: 'Remove or move that file (keep it if it is a real key you need), then run init again. Nothing was changed.',
  });
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
