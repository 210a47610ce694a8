import { createHash, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { verifyEd25519 } from './ed25519.js';
import { keyFingerprint } from './key-entries.js';

/** prev_hash of the first entry. */
export const GENESIS_HASH = 'sha256:' + '0'.repeat(64);

/** What a caller asks to record. No raw IP anywhere: subjects are subjectHash() values. */
export interface AuditInput {
  /** 'purge.intent' | 'purge.outcome' | 'purge.reconciled' | 'hold.add' | 'hold.release' | 'cloudflare.delete.intent' | … */
  event: string;
  /** The command that acted, e.g. 'purge', 'hold add'. */
  command: string;
  /** Ties an intent to its outcome (randomUUID()). */
  run_id?: string | null;
  /** e.g. 'local/firewall-events', 'cloudflare/access-rules'. */
  location?: string | null;
  counts?: Record<string, number> | null;
  retention_rule?: string | null;
  policy_hash?: string | null;
  reason?: string | null;
  /** Keyed hashes only (subjectHash), never raw IPs. */
  subjects?: string[] | null;
  details?: Record<string, unknown> | null;
}

/** One stored and exported entry (snake_case JSON); self-contained: it carries its own hash and signature. */
export interface AuditEntry extends Required<AuditInput> {
  v: 1;
  seq: number;
  /** ISO-8601 UTC. */
  time: string;
  /** OS user and host. */
  actor: string;
  prev_hash: string;
  /** 'sha256:<hex>' of the canonical bytes. */
  hash: string;
  /** base64 Ed25519 signature of the canonical bytes. */
  signature: string;
  /** Fingerprint of the key that signed it: written on a log several hosts share, each with its own key. */
  signed_by?: string;
}

/** The entry without hash and signature: the part that is hashed and signed. */
export type UnsignedAuditEntry = Omit<AuditEntry, 'hash' | 'signature'>;

/** Who signs and when: built by the CLI from the key file, the OS user and the clock. */
export interface AuditSigner {
  privateKey: KeyObject;
  actor: string;
  now: () => Date;
  /** The subject-hash secret: keys the hash of free text (a server's error message) that may not enter the log. */
  textSecret?: Buffer;
}

/** The signed head checkpoint: entry count and last hash, so a truncated tail is detectable. */
export interface AuditHead {
  type: 'head';
  v: 1;
  count: number;
  last_hash: string;
  /** ISO-8601 UTC. */
  time: string;
  signature: string;
  /** Fingerprint of the key that signed it, on a log several hosts share. */
  signed_by?: string;
}

/** How a log writes its entries: a shared log (several hosts, several keys) names the signing key in each. */
export interface EntryOptions {
  readonly isKeyRecorded?: boolean;
}

/** RFC 8785 bytes of an entry without its `hash` and `signature`: what is hashed and signed. */
export function buildCanonicalBytes(entry: UnsignedAuditEntry | AuditEntry): Buffer {
  const { hash: _hash, signature: _signature, ...unsigned } = entry as AuditEntry;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** RFC 8785 bytes of a head checkpoint without its `signature`. */
export function buildHeadBytes(head: Omit<AuditHead, 'signature'> | AuditHead): Buffer {
  const { signature: _signature, ...unsigned } = head as AuditHead;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

export function hashBytes(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

/** Builds the next entry after `previous` (pure apart from signing): seq, time, actor, links, hash, signature. */
export function buildAuditEntry(
  previous: { seq: number; hash: string } | undefined,
  signer: AuditSigner,
  input: AuditInput,
  options: EntryOptions = {},
): AuditEntry {
  const unsigned: UnsignedAuditEntry = {
    v: 1,
    seq: (previous?.seq ?? 0) + 1,
    time: signer.now().toISOString(),
    actor: signer.actor,
    command: input.command,
    event: input.event,
    run_id: input.run_id ?? null,
    location: input.location ?? null,
    counts: input.counts ?? null,
    retention_rule: input.retention_rule ?? null,
    policy_hash: input.policy_hash ?? null,
    reason: input.reason ?? null,
    subjects: input.subjects ?? null,
    details: input.details ?? null,
    prev_hash: previous?.hash ?? GENESIS_HASH,
    ...(options.isKeyRecorded === true && { signed_by: keyFingerprint(signer.privateKey) }),
  };
  const bytes = buildCanonicalBytes(unsigned);
  return { ...unsigned, hash: hashBytes(bytes), signature: sign(null, bytes, signer.privateKey).toString('base64') };
}

/** Builds the signed head checkpoint for a log of `count` entries ending in `lastHash`. */
export function buildAuditHead(count: number, lastHash: string, signer: AuditSigner, options: EntryOptions = {}): AuditHead {
  const unsigned: Omit<AuditHead, 'signature'> = {
    type: 'head',
    v: 1,
    count,
    last_hash: lastHash,
    time: signer.now().toISOString(),
    ...(options.isKeyRecorded === true && { signed_by: keyFingerprint(signer.privateKey) }),
  };
  return { ...unsigned, signature: sign(null, buildHeadBytes(unsigned), signer.privateKey).toString('base64') };
}

/** Whether `signature` (base64) is a valid Ed25519 signature of `bytes` by `publicKey`. */
export function hasValidSignature(bytes: Buffer, signature: string, publicKey: KeyObject): boolean {
  return isSignatureText(signature) && verifyEd25519(bytes, Buffer.from(signature, 'base64'), publicKey);
}

/** Whether the text has the shape of a base64 Ed25519 signature (64 bytes). */
export function isSignatureText(signature: string): boolean {
  return /^[A-Za-z0-9+/]{86}==$/.test(signature);
}
