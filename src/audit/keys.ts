import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { KeyError } from '../errors.js';

export { keyFingerprint } from './key-entries.js';

export interface KeyPaths {
  readonly keysDir: string;
  readonly signingKey: string;
  readonly publicKey: string;
  readonly subjectSecret: string;
}

export interface KeyCreation {
  readonly createdSigningKey: boolean;
  readonly createdSubjectSecret: boolean;
}

/** Creates the Ed25519 signing key pair and the subject-hash secret if absent; never overwrites either. */
export function ensureKeys(paths: KeyPaths): KeyCreation {
  mkdirSync(paths.keysDir, { recursive: true, mode: 0o700 });
  let createdSigningKey = false;
  if (!existsSync(paths.signingKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    // 'wx' refuses to overwrite a key that appeared meanwhile.
    writeFileSync(paths.signingKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600, flag: 'w' });
    createdSigningKey = true;
  } else if (!existsSync(paths.publicKey)) {
    writeFileSync(paths.publicKey, publicKeyPem(loadSigningKey(paths.signingKey)), { mode: 0o600 });
  }
  let createdSubjectSecret = false;
  if (!existsSync(paths.subjectSecret)) {
    writeFileSync(paths.subjectSecret, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    createdSubjectSecret = true;
  }
  return { createdSigningKey, createdSubjectSecret };
}

export function loadSigningKey(path: string): KeyObject {
  try {
    return createPrivateKey(readFileSync(path));
  } catch (err) {
    throw new KeyError(`Could not read the audit signing key at ${path}`, { cause: err, hint: 'Run `luxeret-privacy init` to create it.' });
  }
}

export function loadPublicKey(pemOrPath: string): KeyObject {
  try {
    const pem = pemOrPath.includes('-----BEGIN') ? pemOrPath : readFileSync(pemOrPath, 'utf8');
    return createPublicKey(pem);
  } catch (err) {
    throw new KeyError(`Could not read the public key ${pemOrPath.includes('-----BEGIN') ? '(inline PEM)' : pemOrPath}`, { cause: err });
  }
}

export function loadSubjectSecret(path: string): Buffer {
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch (err) {
    throw new KeyError(`Could not read the subject-hash secret at ${path}`, { cause: err, hint: 'Run `luxeret-privacy init` to create it.' });
  }
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether the private key file is readable by its owner only. */
export function isPrivateKeyProtected(path: string): boolean {
  return (statSync(path).mode & 0o077) === 0;
}
