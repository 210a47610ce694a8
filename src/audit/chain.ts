import type { KeyObject } from 'node:crypto';
import { KeyError, StoreError } from '../errors.js';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditHead, type AuditInput, type AuditSigner, type EntryOptions } from './entry.js';
import {
  buildEnrolInput,
  buildGenesisInput,
  ENROL_EVENT,
  GENESIS_EVENT,
  keyFingerprint,
  readEnrolKey,
  readGenesisKey,
  readRotationKey,
  ROTATION_EVENT,
} from './key-entries.js';

/**
 * The rules of the audit chain, once for both stores: the tail must match the signed head, a log that had a
 * genesis keeps it (an empty one gets it), only a key in force signs, a rotation hands one key over to the next,
 * and on a shared store a host's new key enrols itself. Pure: each store reads a ChainSnapshot under its write
 * lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the head row FOR UPDATE), plans here, and writes the plan.
 */

export interface ChainLink {
  readonly seq: number;
  readonly hash: string;
}

/** What the chain rules need to know of a store's log before it appends, read under the store's write lock. */
export interface ChainSnapshot {
  readonly tail: ChainLink | undefined;
  readonly head: AuditHead | undefined;
  /** The genesis the store remembers (meta `audit_genesis`) and the hash its log holds at that seq now. */
  readonly genesis: { readonly marker: ChainLink; readonly hashNow: string | undefined } | undefined;
  /** The time of entry 1: a log written before genesis entries existed gets a genesis dated from it. */
  readonly firstEntryTime: string | undefined;
  /** When `init` created the store (meta `store_created_at`). */
  readonly storeCreatedAt: string | undefined;
  /** The genesis, rotation and enrolment entries, oldest first. */
  readonly keyEntries: readonly Record<string, unknown>[];
}

/** How a store's chain behaves. */
export interface ChainOptions {
  /**
   * Several hosts append, each with its own key (PostgreSQL): every entry and head names its signing key, and a
   * key the log does not have yet enrols itself instead of being refused.
   */
  readonly isShared: boolean;
  /** A log with entries but no genesis is adopted (SQLite stores made before genesis entries existed); else refused. */
  readonly canAdopt: boolean;
}

export type ChainRequest =
  | { readonly kind: 'append'; readonly input: AuditInput }
  | { readonly kind: 'genesis'; readonly command: string }
  | { readonly kind: 'rotate'; readonly input: AuditInput; readonly newKey: KeyObject };

/** What a store writes for one request, in one transaction. */
export interface ChainPlan {
  /** Entries to insert, in seq order (possibly none). */
  readonly entries: readonly AuditEntry[];
  /** The new head checkpoint, when entries were planned. */
  readonly head: AuditHead | undefined;
  /** Set when the genesis is written now: the store remembers it (meta `audit_genesis`). */
  readonly genesis: ChainLink | undefined;
  /** The entry the request asked for (append, rotate), or the genesis written now (genesis). */
  readonly written: AuditEntry | undefined;
}

/** Plans one request over the snapshot; throws (StoreError, KeyError) when the log must not be extended. */
export function planChainWrite(snapshot: ChainSnapshot, signer: AuditSigner, request: ChainRequest, options: ChainOptions): ChainPlan {
  assertTailMatchesHead(snapshot);
  const entryOptions: EntryOptions = { isKeyRecorded: options.isShared };
  const command = request.kind === 'genesis' ? request.command : request.input.command;
  const keys = readKeysInForce(snapshot.keyEntries);
  const signerFingerprint = keyFingerprint(signer.privateKey);
  const mustEnrol = keys.inForce.size > 0 && !keys.inForce.has(signerFingerprint);
  if (mustEnrol && (!options.isShared || keys.retired.has(signerFingerprint))) throw buildKeyNotInForceError(signerFingerprint, keys);

  const entries: AuditEntry[] = [];
  let last = snapshot.tail;
  const write = (input: AuditInput): AuditEntry => {
    const entry = buildAuditEntry(last, signer, input, entryOptions);
    entries.push(entry);
    last = entry;
    return entry;
  };
  const genesis = ensureGenesis(snapshot, signer, command, options, write);
  if (mustEnrol) write(buildEnrolInput(signer.privateKey, command));
  let written: AuditEntry | undefined = genesis;
  let headSigner = signer;
  if (request.kind === 'append') written = write(request.input);
  if (request.kind === 'rotate') {
    written = write(request.input);
    // From here on only the new key extends the log: it signs the head over its own hand-over.
    headSigner = { ...signer, privateKey: request.newKey };
  }
  const head = last === undefined || entries.length === 0 ? undefined : buildAuditHead(last.seq, last.hash, headSigner, entryOptions);
  return { entries, head, genesis: genesis === undefined ? undefined : { seq: genesis.seq, hash: genesis.hash }, written };
}

/** The keys a log has in force, by fingerprint, in the order they came into force; and those rotations retired. */
export interface KeysInForce {
  readonly inForce: ReadonlyMap<string, KeyObject>;
  /** Fingerprint → the seq of the rotation that retired it. */
  readonly retired: ReadonlyMap<string, number>;
}

/** Follows the genesis, rotation and enrolment entries as stored (verify is what checks them). */
export function readKeysInForce(keyEntries: readonly Record<string, unknown>[]): KeysInForce {
  const inForce = new Map<string, KeyObject>();
  const retired = new Map<string, number>();
  for (const entry of keyEntries) {
    const key = readKeyEntryKey(entry);
    if (key === undefined) continue;
    if (entry.event === ROTATION_EVENT) {
      const details = entry.details as Record<string, unknown>;
      const old = typeof details.old_key_fingerprint === 'string' ? details.old_key_fingerprint : undefined;
      if (old !== undefined && inForce.delete(old)) retired.set(old, typeof entry.seq === 'number' ? entry.seq : 0);
    }
    const fingerprint = keyFingerprint(key);
    inForce.delete(fingerprint); // re-inserted last: the newest key in force comes last
    inForce.set(fingerprint, key);
  }
  return { inForce, retired };
}

/** The key a genesis, rotation or enrolment entry puts in force. */
export function readKeyEntryKey(entry: Record<string, unknown>): KeyObject | undefined {
  if (entry.event === GENESIS_EVENT) return readGenesisKey(entry);
  if (entry.event === ROTATION_EVENT) return readRotationKey(entry);
  if (entry.event === ENROL_EVENT) return readEnrolKey(entry);
  return undefined;
}

/** The events whose entries a store hands over as `keyEntries`. */
export const KEY_EVENTS = [GENESIS_EVENT, ROTATION_EVENT, ENROL_EVENT] as const;

/** Never re-sign a head over a log that no longer matches it: that would launder a truncated or edited tail. */
function assertTailMatchesHead({ tail, head }: ChainSnapshot): void {
  if ((head?.count ?? 0) !== (tail?.seq ?? 0) || (head !== undefined && head.last_hash !== tail?.hash)) {
    throw new StoreError('The audit log does not match its signed head checkpoint; refusing to append', {
      hint: 'Run `luxeret-privacy audit verify` and restore the store from a backup if the log was truncated or altered.',
    });
  }
}

/**
 * A log that had a genesis must still have it; a log that never had one gets it now: at seq 1 when it is empty,
 * or (where the store allows) after the entries of a log started before genesis entries existed, which it adopts
 * (docs/audit.md). Returns the genesis entry when it is written now.
 */
function ensureGenesis(
  snapshot: ChainSnapshot,
  signer: AuditSigner,
  command: string,
  options: ChainOptions,
  write: (input: AuditInput) => AuditEntry,
): AuditEntry | undefined {
  if (snapshot.genesis !== undefined) {
    const { marker, hashNow } = snapshot.genesis;
    if (hashNow !== marker.hash) {
      throw new StoreError(`The audit log has lost its genesis entry (seq ${marker.seq}): it may have been wiped; refusing to append`, {
        hint: 'Run `luxeret-privacy audit verify`, and restore the store from a backup or an export checked against a lodged head.',
      });
    }
    return undefined;
  }
  const last = snapshot.tail;
  if (last !== undefined && !options.canAdopt) {
    throw new StoreError('The audit log has entries but no genesis record; refusing to append', { hint: 'Run `luxeret-privacy audit verify`.' });
  }
  const createdAt = snapshot.storeCreatedAt ?? snapshot.firstEntryTime ?? signer.now().toISOString();
  return write(buildGenesisInput(signer.privateKey, createdAt, command, last?.seq ?? 0));
}

/** Refuses to sign with a key the log does not have in force: its entries would not verify. */
function buildKeyNotInForceError(fingerprint: string, keys: KeysInForce): KeyError {
  const retiredAt = keys.retired.get(fingerprint);
  if (retiredAt !== undefined) {
    return new KeyError(`The audit signing key (${fingerprint}) was retired by the key rotation at seq ${retiredAt}; refusing to append`, {
      hint: 'A retired key never signs again: restore the current signing key from a backup.',
    });
  }
  const inForce = [...keys.inForce.keys()].join(', ');
  return new KeyError(`The audit signing key (${fingerprint}) is not the key the audit log has in force (${inForce}); refusing to append`, {
    hint: 'Restore the signing key from a backup; to change keys, use `luxeret-privacy keys rotate --reason …`, which records the hand-over in the log.',
  });
}
