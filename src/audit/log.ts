import { KeyError, StoreError } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { readMeta, writeMeta, type Db } from '../store/db.js';
import { canonicalJson } from './canonical-json.js';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditHead, type AuditInput, type AuditSigner } from './entry.js';
import { findForbiddenContent } from './guard.js';
import { buildGenesisInput, buildRotationInput, GENESIS_EVENT, keyFingerprint, readGenesisKey, readRotationKey, ROTATION_EVENT } from './key-entries.js';

export type { AuditEntry, AuditHead, AuditInput, AuditSigner } from './entry.js';

/** Raised when a caller tries to log something the log must never hold (a raw IP, non-portable JSON): a bug. */
export class AuditContentError extends Error {
  override readonly name = 'AuditContentError';
}

/**
 * Appends one signed entry and re-signs the head checkpoint, atomically. Synchronous, so it can run inside the
 * caller's db.transaction(...) together with the deletion it records: both commit or neither does. The first
 * append to a log writes its genesis entry first.
 */
export function appendAuditEntry(db: Db, signer: AuditSigner, input: AuditInput): AuditEntry {
  assertLoggable(input, signer.actor);
  return db
    .transaction(() => {
      const last = ensureGenesis(db, signer, input.command, readCheckedTail(db));
      return writeEntry(db, signer, signer, last, input);
    })
    .immediate(); // Take the write lock before reading the tail, so two processes cannot both append seq N+1.
}

/**
 * Writes the genesis entry if the log has none yet (what `init` calls); refuses, like every append, when the log
 * lost the genesis it had. Returns the genesis entry when it was written now.
 */
export function ensureAuditGenesis(db: Db, signer: AuditSigner, command: string): AuditEntry | undefined {
  return db
    .transaction(() => {
      const last = readCheckedTail(db);
      const after = ensureGenesis(db, signer, command, last);
      return after === last ? undefined : (after as AuditEntry);
    })
    .immediate();
}

/**
 * Appends the `keys.rotate` entry, signed by the retiring key (`signer`), and signs the head with the new key:
 * from here on only the new key can extend the log.
 */
export function appendKeyRotation(db: Db, signer: AuditSigner, newPrivateKey: KeyObject, reason: string): AuditEntry {
  const input = buildRotationInput(signer.privateKey, newPrivateKey, reason);
  assertLoggable(input, signer.actor);
  return db
    .transaction(() => {
      const last = ensureGenesis(db, signer, input.command, readCheckedTail(db));
      return writeEntry(db, signer, { ...signer, privateKey: newPrivateKey }, last, input);
    })
    .immediate();
}

/** Where the store remembers its genesis entry (seq and hash), so a wiped log is refused rather than restarted. */
const GENESIS_META_KEY = 'audit_genesis';
/** When `init` created the store: the genesis entry records it. */
export const STORE_CREATED_META_KEY = 'store_created_at';

type Tail = { seq: number; hash: string } | undefined;

/** The last entry, after checking that the log still matches its signed head. */
function readCheckedTail(db: Db): Tail {
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Tail;
  const head = readAuditHead(db);
  // Never re-sign a head over a log that no longer matches it: that would launder a truncated or edited tail.
  if ((head?.count ?? 0) !== (last?.seq ?? 0) || (head !== undefined && head.last_hash !== last?.hash)) {
    throw new StoreError('The audit log does not match its signed head checkpoint; refusing to append', {
      hint: 'Run `luxeret-privacy audit verify` and restore the store from a backup if the log was truncated or altered.',
    });
  }
  return last;
}

/**
 * A log that had a genesis must still have it; a log that never had one gets it now: at seq 1 when it is empty,
 * or after the entries of a log started before genesis entries existed, which it adopts (docs/audit.md).
 */
function ensureGenesis(db: Db, signer: AuditSigner, command: string, last: Tail): Tail {
  const marker = readMeta(db, GENESIS_META_KEY);
  assertKeyInForce(db, signer.privateKey);
  if (marker !== undefined) {
    const genesis = JSON.parse(marker) as { seq: number; hash: string };
    const row = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(genesis.seq) as { hash: string } | undefined;
    if (row?.hash !== genesis.hash) {
      throw new StoreError(`The audit log has lost its genesis entry (seq ${genesis.seq}): it may have been wiped; refusing to append`, {
        hint: 'Run `luxeret-privacy audit verify`, and restore the store from a backup or an export checked against a lodged head.',
      });
    }
    return last;
  }
  const first = db.prepare('SELECT entry FROM audit_log WHERE seq = 1').get() as { entry: string } | undefined;
  const firstTime = first === undefined ? undefined : (JSON.parse(first.entry) as { time?: unknown }).time;
  const createdAt = readMeta(db, STORE_CREATED_META_KEY) ?? (typeof firstTime === 'string' ? firstTime : signer.now().toISOString());
  const genesis = writeEntry(db, signer, signer, last, buildGenesisInput(signer.privateKey, createdAt, command, last?.seq ?? 0));
  writeMeta(db, GENESIS_META_KEY, JSON.stringify({ seq: genesis.seq, hash: genesis.hash }));
  return genesis;
}

/**
 * The fingerprint of the key that must sign the next entry: the newest rotation's new key, else the genesis key;
 * undefined for a log that has neither yet (empty, or written before genesis entries existed).
 */
export function readKeyInForce(db: Db): string | undefined {
  // Rotations are rare: find the newest by its event text (quotes inside string values are escaped, so only the
  // entry's own event matches) rather than parsing every entry.
  const row = db
    .prepare(
      `SELECT entry FROM audit_log WHERE entry LIKE '%"event":"${ROTATION_EVENT}"%' OR entry LIKE '%"event":"${GENESIS_EVENT}"%' ORDER BY seq DESC LIMIT 1`,
    )
    .get() as { entry: string } | undefined;
  if (row === undefined) return undefined;
  const entry = JSON.parse(row.entry) as Record<string, unknown>;
  const key = entry.event === ROTATION_EVENT ? readRotationKey(entry) : readGenesisKey(entry);
  return key === undefined ? undefined : keyFingerprint(key);
}

/** Refuses to sign with a key the log does not have in force: its entries would not verify. */
function assertKeyInForce(db: Db, signingKey: KeyObject): void {
  const inForce = readKeyInForce(db);
  if (inForce === undefined || inForce === keyFingerprint(signingKey)) return;
  throw new KeyError(`The audit signing key (${keyFingerprint(signingKey)}) is not the key the audit log has in force (${inForce}); refusing to append`, {
    hint: 'Restore the signing key from a backup; to change keys, use `luxeret-privacy keys rotate --reason …`, which records the hand-over in the log.',
  });
}

function writeEntry(db: Db, signer: AuditSigner, headSigner: AuditSigner, last: Tail, input: AuditInput): AuditEntry {
  const entry = buildAuditEntry(last, signer, input);
  db.prepare('INSERT INTO audit_log (seq, entry, hash) VALUES (?, ?, ?)').run(entry.seq, canonicalJson(entry), entry.hash);
  const newHead = buildAuditHead(entry.seq, entry.hash, headSigner);
  db.prepare('INSERT INTO audit_head (id, checkpoint) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checkpoint = excluded.checkpoint').run(
    canonicalJson(newHead),
  );
  return entry;
}

/** Every entry, ordered by seq; with `since`, only those at or after that instant. */
export function readAuditEntries(db: Db, options: { since?: Date } = {}): AuditEntry[] {
  const rows = db.prepare('SELECT seq, entry FROM audit_log ORDER BY seq').all() as { seq: number; entry: string }[];
  const entries = rows.map((row) => parseStoredEntry(row.seq, row.entry));
  const since = options.since;
  return since ? entries.filter((entry) => Date.parse(entry.time) >= since.getTime()) : entries;
}

/** The stored rows exactly as written (canonical JSON text), ordered by seq: what `audit export` copies. */
export function readAuditLines(db: Db): string[] {
  return (db.prepare('SELECT entry FROM audit_log ORDER BY seq').all() as { entry: string }[]).map((row) => row.entry);
}

/** The stored head checkpoint exactly as written, or undefined while the log is empty. */
export function readAuditHeadText(db: Db): string | undefined {
  const row = db.prepare('SELECT checkpoint FROM audit_head WHERE id = 1').get() as { checkpoint: string } | undefined;
  return row?.checkpoint;
}

/** The signed head checkpoint, or undefined while the log is empty. */
export function readAuditHead(db: Db): AuditHead | undefined {
  const row = db.prepare('SELECT checkpoint FROM audit_head WHERE id = 1').get() as { checkpoint: string } | undefined;
  if (!row) return undefined;
  try {
    return JSON.parse(row.checkpoint) as AuditHead;
  } catch (err) {
    throw new StoreError('The audit head checkpoint in the store is not valid JSON', { cause: err });
  }
}

const TIMESTAMP_META_PREFIX = 'audit_timestamp:';

/** Keeps the timestamp line (`"type":"timestamp"`, the head and its RFC 3161 token) of the head of `count` entries. */
export function writeAuditTimestamp(db: Db, count: number, line: string): void {
  writeMeta(db, TIMESTAMP_META_PREFIX + String(count).padStart(12, '0'), line);
}

/** Every stored timestamp line, oldest head first: what `audit export` appends after the head. */
export function readAuditTimestampLines(db: Db): string[] {
  const rows = db.prepare("SELECT value FROM meta WHERE key LIKE 'audit\\_timestamp:%' ESCAPE '\\' ORDER BY key").all() as { value: string }[];
  return rows.map((row) => row.value);
}

/** Intents (event ending in '.intent') with a run_id that has no later entry with the same run_id. */
export function findOpenIntents(db: Db): AuditEntry[] {
  const lastOfRun = new Map<string, AuditEntry>();
  for (const entry of readAuditEntries(db)) if (entry.run_id !== null) lastOfRun.set(entry.run_id, entry);
  return [...lastOfRun.values()].filter((entry) => entry.event.endsWith('.intent')).sort((a, b) => a.seq - b.seq);
}

/**
 * Throws (AuditContentError) when `input` could not be appended: callers check an entry they must write after an
 * irreversible act (an outcome after Cloudflare deleted) before acting.
 */
export function assertAuditable(input: AuditInput, signer: AuditSigner): void {
  assertLoggable(input, signer.actor);
}

function assertLoggable(input: AuditInput, actor: string): void {
  if (typeof input.event !== 'string' || input.event === '') throw new AuditContentError('audit entry needs an event');
  if (typeof input.command !== 'string' || input.command === '') throw new AuditContentError('audit entry needs a command');
  const problem = findForbiddenContent({ ...input, actor }, 'entry');
  if (problem) throw new AuditContentError(`refusing to write the audit entry: ${problem}`);
}

function parseStoredEntry(seq: number, text: string): AuditEntry {
  try {
    return JSON.parse(text) as AuditEntry;
  } catch (err) {
    throw new StoreError(`Audit entry ${seq} in the store is not valid JSON`, {
      cause: err,
      hint: 'Run `luxeret-privacy audit verify`; the store may have been altered.',
    });
  }
}
