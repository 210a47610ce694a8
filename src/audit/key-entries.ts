import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { AuditInput } from './entry.js';

/** The first entry of every log: it names the key that signs from here on, so an emptied log is not "intact". */
export const GENESIS_EVENT = 'audit.genesis';
/** A hand-over to a new signing key, signed by the key it retires. */
export const ROTATION_EVENT = 'keys.rotate';
/**
 * A host's own key joining a shared log (PostgreSQL): signed by the key it names, which proves the host holds it.
 * Whether the key is trusted is the verifier's call: it follows enrolments, or accepts only the keys it is given.
 */
export const ENROL_EVENT = 'keys.enrol';

/** SHA-256 over the DER public key, as `SHA256:<hex>`: what an auditor compares out of band. */
export function keyFingerprint(key: KeyObject): string {
  return 'SHA256:' + createHash('sha256').update(publicDer(key)).digest('hex');
}

/** The public key as it is written into genesis and rotation entries: base64 of its SPKI DER (one line, no PEM). */
export function encodePublicKey(key: KeyObject): string {
  return publicDer(key).toString('base64');
}

/** The Ed25519 public key an entry names, or undefined when the text is not one. */
export function decodePublicKey(text: unknown): KeyObject | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The genesis entry's content. `adoptedEntries` > 0 when a log written before genesis entries existed gets its
 * genesis late: the entries before it are taken over as they are (docs/audit.md says what that can and cannot prove).
 */
export function buildGenesisInput(key: KeyObject, storeCreatedAt: string, command: string, adoptedEntries = 0): AuditInput {
  return {
    event: GENESIS_EVENT,
    command,
    reason:
      adoptedEntries === 0
        ? 'the audit log starts here'
        : `the audit log gets its genesis entry; the ${adoptedEntries} entries before it were written without one`,
    details: {
      public_key: encodePublicKey(key),
      key_fingerprint: keyFingerprint(key),
      store_created_at: storeCreatedAt,
      ...(adoptedEntries === 0 ? {} : { adopted_entries: adoptedEntries }),
    },
  };
}

/** The rotation entry's content: signed by `oldKey`, it names the new public key and both fingerprints. */
export function buildRotationInput(oldKey: KeyObject, newKey: KeyObject, reason: string): AuditInput {
  return {
    event: ROTATION_EVENT,
    command: 'keys rotate',
    reason,
    details: { old_key_fingerprint: keyFingerprint(oldKey), new_public_key: encodePublicKey(newKey), new_key_fingerprint: keyFingerprint(newKey) },
  };
}

/** The enrolment entry's content: signed by `key` itself, it names the key and its fingerprint. */
export function buildEnrolInput(key: KeyObject, command: string): AuditInput {
  return {
    event: ENROL_EVENT,
    command,
    reason: 'a host that shares this log signs with its own key from here on',
    details: { public_key: encodePublicKey(key), key_fingerprint: keyFingerprint(key) },
  };
}

/** The key an enrolment entry names (checked against its fingerprint), or undefined when it names none. */
export function readEnrolKey(entry: Record<string, unknown>): KeyObject | undefined {
  return readNamedKey(entry, 'public_key', 'key_fingerprint');
}

/** The key a genesis entry names (checked against its fingerprint), or undefined when it names none. */
export function readGenesisKey(entry: Record<string, unknown>): KeyObject | undefined {
  return readNamedKey(entry, 'public_key', 'key_fingerprint');
}

/** The new key a rotation entry names (checked against its fingerprint), or undefined when it names none. */
export function readRotationKey(entry: Record<string, unknown>): KeyObject | undefined {
  return readNamedKey(entry, 'new_public_key', 'new_key_fingerprint');
}

function readNamedKey(entry: Record<string, unknown>, keyField: string, fingerprintField: string): KeyObject | undefined {
  const details = entry.details;
  if (typeof details !== 'object' || details === null) return undefined;
  const fields = details as Record<string, unknown>;
  const key = decodePublicKey(fields[keyField]);
  return key !== undefined && fields[fingerprintField] === keyFingerprint(key) ? key : undefined;
}

function publicDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}
