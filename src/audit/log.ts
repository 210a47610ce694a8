import { StoreError } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { readMeta, writeMeta, type Db } from '../store/db.js';
import { canonicalJson } from './canonical-json.js';
import { KEY_EVENTS, planChainWrite, readKeysInForce, type ChainLink, type ChainOptions, type ChainRequest, type ChainSnapshot } from './chain.js';
import type { AuditEntry, AuditHead, AuditInput, AuditSigner } from './entry.js';
import { findForbiddenContent } from './guard.js';
import { buildRotationInput } from './key-entries.js';
import { DESTRUCTION_METHODS } from '../policy/destruction-methods.js';

export type { AuditEntry, AuditHead, AuditInput, AuditSigner } from './entry.js';

/** Raised when a caller tries to log something the log must never hold (a raw IP, non-portable JSON): a bug. */
export class AuditContentError extends Error {
  override readonly name = 'AuditContentError';
}

/**
 * Appends one signed entry and re-signs the head checkpoint, atomically. Synchronous, so it can run inside the
 * caller's db.transaction(...) together with the deletion it records: both commit or neither does. The first
 * append to a log writes its genesis entry first. The chain rules are src/audit/chain.ts, shared with PostgreSQL.
 */
export function appendAuditEntry(db: Db, signer: AuditSigner, input: AuditInput): AuditEntry {
  assertLoggable(input, signer.actor);
  return writeChain(db, signer, { kind: 'append', input })!;
}

/**
 * Writes the genesis entry if the log has none yet (what `init` calls); refuses, like every append, when the log
 * lost the genesis it had. Returns the genesis entry when it was written now.
 */
export function ensureAuditGenesis(db: Db, signer: AuditSigner, command: string): AuditEntry | undefined {
  return writeChain(db, signer, { kind: 'genesis', command });
}

/**
 * Appends the `keys.rotate` entry, signed by the retiring key (`signer`), and signs the head with the new key:
 * from here on only the new key can extend the log.
 */
export function appendKeyRotation(db: Db, signer: AuditSigner, newPrivateKey: KeyObject, reason: string): AuditEntry {
  const input = buildRotationInput(signer.privateKey, newPrivateKey, reason);
  assertLoggable(input, signer.actor);
  return writeChain(db, signer, { kind: 'rotate', input, newKey: newPrivateKey })!;
}

/** Where the store remembers its genesis entry (seq and hash), so a wiped log is refused rather than restarted. */
export const GENESIS_META_KEY = 'audit_genesis';
/** When `init` created the store: the genesis entry records it. */
export const STORE_CREATED_META_KEY = 'store_created_at';

/** One store holds one host's log: a single key, no enrolment; a log from before genesis entries is adopted. */
const SQLITE_CHAIN: ChainOptions = { isShared: false, canAdopt: true };

function writeChain(db: Db, signer: AuditSigner, request: ChainRequest): AuditEntry | undefined {
  return db
    .transaction(() => {
      const plan = planChainWrite(readChainSnapshot(db), signer, request, SQLITE_CHAIN);
      for (const entry of plan.entries)
        db.prepare('INSERT INTO audit_log (seq, entry, hash) VALUES (?, ?, ?)').run(entry.seq, canonicalJson(entry), entry.hash);
      if (plan.head !== undefined) {
        db.prepare('INSERT INTO audit_head (id, checkpoint) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checkpoint = excluded.checkpoint').run(
          canonicalJson(plan.head),
        );
      }
      if (plan.genesis !== undefined) writeMeta(db, GENESIS_META_KEY, JSON.stringify(plan.genesis));
      return plan.written;
    })
    .immediate(); // Take the write lock before reading the tail, so two processes cannot both append seq N+1.
}

/** What the chain rules need of the log, read inside the write transaction. */
function readChainSnapshot(db: Db): ChainSnapshot {
  const tail = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as ChainLink | undefined;
  const marker = readMeta(db, GENESIS_META_KEY);
  const genesis = marker === undefined ? undefined : (JSON.parse(marker) as ChainLink);
  const hashNow =
    genesis === undefined ? undefined : (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(genesis.seq) as { hash: string } | undefined)?.hash;
  const first = genesis !== undefined ? undefined : (db.prepare('SELECT entry FROM audit_log WHERE seq = 1').get() as { entry: string } | undefined);
  const firstTime = first === undefined ? undefined : (JSON.parse(first.entry) as { time?: unknown }).time;
  return {
    tail,
    head: readAuditHead(db),
    genesis: genesis === undefined ? undefined : { marker: genesis, hashNow },
    firstEntryTime: typeof firstTime === 'string' ? firstTime : undefined,
    storeCreatedAt: readMeta(db, STORE_CREATED_META_KEY),
    keyEntries: readKeyEntries(db),
  };
}

/**
 * The genesis, rotation and enrolment entries, oldest first: every append reads them, so they are found through the
 * event column's index (migration 6), not by scanning the log. The event is still checked on the parsed entry.
 */
function readKeyEntries(db: Db): Record<string, unknown>[] {
  const rows = db.prepare(`SELECT entry FROM audit_log WHERE event IN (${KEY_EVENTS.map(() => '?').join(', ')}) ORDER BY seq`).all(...KEY_EVENTS) as {
    entry: string;
  }[];
  return rows.map((row) => JSON.parse(row.entry) as Record<string, unknown>).filter((entry) => KEY_EVENTS.some((event) => entry.event === event));
}

/**
 * The fingerprint of the key that must sign the next entry: the newest rotation's new key, else the genesis key;
 * undefined for a log that has neither yet (empty, or written before genesis entries existed). On a shared log,
 * the newest of the keys in force (readKeysInForce lists them all).
 */
export function readKeyInForce(db: Db): string | undefined {
  return readAuditKeysInForce(db).at(-1);
}

/** The fingerprints of every key the log has in force, oldest first. */
export function readAuditKeysInForce(db: Db): string[] {
  return [...readKeysInForce(readKeyEntries(db)).inForce.keys()];
}

/** Every entry, ordered by seq; with `since`, only those at or after that instant. */
export function readAuditEntries(db: Db, options: { since?: Date } = {}): AuditEntry[] {
  const rows = db.prepare('SELECT seq, entry FROM audit_log ORDER BY seq').all() as { seq: number; entry: string }[];
  const entries = rows.map((row) => parseStoredEntry(row.seq, row.entry));
  const since = options.since;
  return since ? entries.filter((entry) => Date.parse(entry.time) >= since.getTime()) : entries;
}

/**
 * The entries of runs still open, ordered by seq: each run whose last entry other than progress is an intent, that
 * intent and the progress entries after it. selectOpenIntents and selectProgressOf decide on these as on the whole
 * log; SQLite finds them by the run_id and event columns (migration 6) instead of parsing every entry.
 */
export function readOpenRunEntries(db: Db): AuditEntry[] {
  const rows = db.prepare(OPEN_RUN_ENTRIES_SQL).all() as { seq: number; entry: string }[];
  return rows.map((row) => parseStoredEntry(row.seq, row.entry));
}

// GLOB, not LIKE: case-sensitive, as selectOpenIntents's endsWith.
const OPEN_RUN_ENTRIES_SQL = `
  WITH open_runs AS (
    SELECT a.run_id, a.seq FROM audit_log a
     WHERE a.run_id IS NOT NULL AND a.event GLOB '*.intent'
       AND NOT EXISTS (SELECT 1 FROM audit_log b WHERE b.run_id = a.run_id AND b.seq > a.seq AND b.event NOT GLOB '*.progress')
  )
  SELECT l.seq, l.entry FROM open_runs o JOIN audit_log l ON l.run_id = o.run_id AND l.seq >= o.seq ORDER BY l.seq`;

/**
 * What selectUnreclaimedRuns needs of the log, ordered by seq: the local purge outcomes that deleted rows (not by a
 * plain SQLite delete, which promises no reclaim) and that no later `purge.reclaimed` covered, neither their own
 * run's nor one naming their run among its earlier runs. SQLite finds them by index (migration 6).
 */
export function readUnreclaimedEntries(db: Db): AuditEntry[] {
  const rows = db.prepare(UNRECLAIMED_ENTRIES_SQL).all(DESTRUCTION_METHODS.localPlain) as { seq: number; entry: string }[];
  return rows.map((row) => parseStoredEntry(row.seq, row.entry));
}

// Index only first (no entry parsed for outcomes their own run's reclaim covered), then the few that are left.
// INDEXED BY: the reclaim entries naming earlier runs are few, and only that index holds just them.
const UNRECLAIMED_ENTRIES_SQL = `
  WITH uncovered AS MATERIALIZED (
    SELECT o.seq, o.run_id FROM audit_log o
     WHERE o.event = 'purge.outcome' AND o.command = 'purge' AND o.run_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.run_id = o.run_id AND r.seq > o.seq AND r.event = 'purge.reclaimed' AND r.command = 'purge')
  )
  SELECT l.seq, l.entry FROM uncovered u JOIN audit_log l ON l.seq = u.seq
   WHERE json_extract(l.entry, '$.location') GLOB 'local/*' AND json_extract(l.entry, '$.counts.deleted') > 0
     AND json_extract(l.entry, '$.details.method') IS NOT ?
     AND NOT EXISTS (
       SELECT 1 FROM audit_log x INDEXED BY audit_log_earlier_runs, json_each(x.entry, '$.details.earlier_runs') j
        WHERE x.event = 'purge.reclaimed' AND json_extract(x.entry, '$.details.earlier_runs') <> '[]'
          AND x.seq > u.seq AND x.command = 'purge' AND x.run_id IS NOT NULL
          AND json_type(x.entry, '$.details.earlier_runs') = 'array' AND j.type = 'text' AND j.value = u.run_id)
   ORDER BY l.seq`;

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

/** One stored entry's text, parsed; a StoreError naming its seq when it is not JSON (both stores read through it). */
export function parseStoredEntry(seq: number, text: string): AuditEntry {
  try {
    return JSON.parse(text) as AuditEntry;
  } catch (err) {
    throw new StoreError(`Audit entry ${seq} in the store is not valid JSON`, {
      cause: err,
      hint: 'Run `luxeret-privacy audit verify`; the store may have been altered.',
    });
  }
}
