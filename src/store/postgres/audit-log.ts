import type { KeyObject } from 'node:crypto';
import { KEY_EVENTS, planChainWrite, readKeysInForce, type ChainLink, type ChainOptions, type ChainRequest, type ChainSnapshot } from '../../audit/chain.js';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { AuditEntry, AuditHead, AuditInput, AuditSigner } from '../../audit/entry.js';
import { buildRotationInput } from '../../audit/key-entries.js';
import { assertAuditable, GENESIS_META_KEY, parseStoredEntry, STORE_CREATED_META_KEY } from '../../audit/log.js';
import { StoreError } from '../../errors.js';
import { DESTRUCTION_METHODS } from '../../policy/destruction-methods.js';
import type { PgTx } from './connection.js';
import { readMeta } from './meta.js';

/**
 * Several hosts share this log, each signing with its own key: entries and heads name their key, and a host's key
 * the log does not have yet enrols itself (`keys.enrol`). A log with entries but no genesis record is refused.
 */
const PG_CHAIN: ChainOptions = { isShared: true, canAdopt: false };

/**
 * Appends one signed entry and re-signs the head, inside the caller's transaction (with the deletion it records).
 * The head row is locked first (SELECT … FOR UPDATE), so a second host appending at the same time waits for this
 * transaction and then reads the new tail: the chain never forks. The chain rules are src/audit/chain.ts.
 */
export async function appendPgAuditEntry(tx: PgTx, signer: AuditSigner, input: AuditInput): Promise<AuditEntry> {
  assertAuditable(input, signer);
  return (await writePgChain(tx, signer, { kind: 'append', input }))!;
}

/** Writes the genesis entry if the log has none yet (`init`), enrolling this host's key if the log lacks it. */
export async function ensurePgAuditGenesis(tx: PgTx, signer: AuditSigner, command: string): Promise<AuditEntry | undefined> {
  return writePgChain(tx, signer, { kind: 'genesis', command });
}

/** The `keys.rotate` entry, signed by the retiring key; the head is signed by the new key. */
export async function appendPgKeyRotation(tx: PgTx, signer: AuditSigner, newPrivateKey: KeyObject, reason: string): Promise<AuditEntry> {
  const input = buildRotationInput(signer.privateKey, newPrivateKey, reason);
  assertAuditable(input, signer);
  return (await writePgChain(tx, signer, { kind: 'rotate', input, newKey: newPrivateKey }))!;
}

async function writePgChain(tx: PgTx, signer: AuditSigner, request: ChainRequest): Promise<AuditEntry | undefined> {
  const plan = planChainWrite(await readPgChainSnapshot(tx), signer, request, PG_CHAIN);
  for (const entry of plan.entries)
    await tx.query('INSERT INTO audit_log (seq, entry, hash) VALUES ($1, $2, $3)', [entry.seq, canonicalJson(entry), entry.hash]);
  if (plan.head !== undefined) await tx.query('UPDATE audit_head SET checkpoint = $1 WHERE id = 1', [canonicalJson(plan.head)]);
  if (plan.genesis !== undefined) await tx.query('INSERT INTO meta (key, value) VALUES ($1, $2)', [GENESIS_META_KEY, JSON.stringify(plan.genesis)]);
  return plan.written;
}

/** What the chain rules need of the log, read after locking the head row (every append takes that lock first). */
async function readPgChainSnapshot(tx: PgTx): Promise<ChainSnapshot> {
  const text = await lockAuditHead(tx);
  // Read after the lock: in READ COMMITTED each statement sees what the previous holder committed.
  const { rows } = await tx.query<ChainLink>('SELECT seq::integer AS seq, hash FROM audit_log ORDER BY audit_log.seq DESC LIMIT 1');
  const marker = await readMeta(tx, GENESIS_META_KEY);
  const genesis = marker === undefined ? undefined : (JSON.parse(marker) as ChainLink);
  const atGenesis =
    genesis === undefined ? undefined : (await tx.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [genesis.seq])).rows[0]?.hash;
  return {
    tail: rows[0],
    head: text === '' ? undefined : parseHead(text),
    genesis: genesis === undefined ? undefined : { marker: genesis, hashNow: atGenesis },
    firstEntryTime: undefined,
    storeCreatedAt: await readMeta(tx, STORE_CREATED_META_KEY),
    keyEntries: await readPgKeyEntries(tx),
  };
}

/** The genesis, rotation and enrolment entries, oldest first, found through the event column's index (as on SQLite). */
async function readPgKeyEntries(tx: PgTx): Promise<Record<string, unknown>[]> {
  const { rows } = await tx.query<{ entry: string }>('SELECT entry FROM audit_log WHERE event = ANY ($1::text[]) ORDER BY seq', [[...KEY_EVENTS]]);
  return rows.map((row) => JSON.parse(row.entry) as Record<string, unknown>).filter((entry) => KEY_EVENTS.some((event) => entry.event === event));
}

/** The fingerprints of every key the log has in force, oldest first. */
export async function readPgKeysInForce(tx: PgTx): Promise<string[]> {
  return [...readKeysInForce(await readPgKeyEntries(tx)).inForce.keys()];
}

/** Every entry, ordered by seq; with `since`, only those at or after that instant. */
export async function readPgAuditEntries(tx: PgTx, options: { since?: Date } = {}): Promise<AuditEntry[]> {
  const { rows } = await tx.query<{ seq: number; entry: string }>('SELECT seq::integer AS seq, entry FROM audit_log ORDER BY seq');
  const entries = rows.map((row) => parseStoredEntry(row.seq, row.entry));
  const since = options.since;
  return since ? entries.filter((entry) => Date.parse(entry.time) >= since.getTime()) : entries;
}

/** The entries of runs still open, ordered by seq, found by index (migration 6): as readOpenRunEntries on SQLite. */
export async function readPgOpenRunEntries(tx: PgTx): Promise<AuditEntry[]> {
  const { rows } = await tx.query<{ seq: number; entry: string }>(`
    WITH open_runs AS (
      SELECT a.run_id, a.seq FROM audit_log a
       WHERE a.run_id IS NOT NULL AND a.event LIKE '%.intent'
         AND NOT EXISTS (SELECT 1 FROM audit_log b WHERE b.run_id = a.run_id AND b.seq > a.seq AND b.event NOT LIKE '%.progress')
    )
    SELECT l.seq::integer AS seq, l.entry FROM open_runs o JOIN audit_log l ON l.run_id = o.run_id AND l.seq >= o.seq ORDER BY l.seq`);
  return rows.map((row) => parseStoredEntry(row.seq, row.entry));
}

/**
 * The local purge outcomes no later `purge.reclaimed` covered, ordered by seq: as readUnreclaimedEntries on SQLite.
 * Each test is written so that no value of an unexpected JSON type can make it fail with an error.
 */
export async function readPgUnreclaimedEntries(tx: PgTx): Promise<AuditEntry[]> {
  const { rows } = await tx.query<{ seq: number; entry: string }>(
    `
    WITH uncovered AS MATERIALIZED (
      SELECT o.seq FROM audit_log o
       WHERE o.event = 'purge.outcome' AND o.command = 'purge' AND o.run_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM audit_log r WHERE r.run_id = o.run_id AND r.seq > o.seq AND r.event = 'purge.reclaimed' AND r.command = 'purge')
    )
    SELECT l.seq::integer AS seq, l.entry FROM audit_log l
     CROSS JOIN LATERAL (SELECT audit_entry_json(l.entry) AS e) j
     WHERE l.seq = ANY (ARRAY(SELECT seq FROM uncovered))
       AND (j.e ->> 'location') LIKE 'local/%'
       AND CASE jsonb_typeof(j.e -> 'counts' -> 'deleted') WHEN 'number' THEN (j.e -> 'counts' ->> 'deleted')::numeric > 0
             ELSE coalesce(jsonb_typeof(j.e -> 'counts' -> 'deleted'), 'null') <> 'null' END
       AND (j.e -> 'details' ->> 'method') IS DISTINCT FROM $1
       AND NOT EXISTS (
         SELECT 1 FROM audit_log x
          WHERE x.event = 'purge.reclaimed' AND (audit_entry_json(x.entry) -> 'details' -> 'earlier_runs') <> '[]'::jsonb
            AND x.seq > l.seq AND x.command = 'purge' AND x.run_id IS NOT NULL
            AND jsonb_typeof(audit_entry_json(x.entry) -> 'details' -> 'earlier_runs') = 'array'
            AND (audit_entry_json(x.entry) -> 'details' -> 'earlier_runs') @> jsonb_build_array(l.run_id))
     ORDER BY l.seq`,
    [DESTRUCTION_METHODS.localPlain],
  );
  return rows.map((row) => parseStoredEntry(row.seq, row.entry));
}

/** The stored entries, ordered by seq, as written (canonical JSON text): what verify and export read. */
export async function readPgAuditLines(tx: PgTx): Promise<string[]> {
  const { rows } = await tx.query<{ entry: string }>('SELECT entry FROM audit_log ORDER BY seq');
  return rows.map((row) => row.entry);
}

/** The stored head checkpoint exactly as written, or undefined while the log is empty. */
export async function readPgAuditHeadText(tx: PgTx): Promise<string | undefined> {
  const { rows } = await tx.query<{ checkpoint: string }>("SELECT checkpoint FROM audit_head WHERE id = 1 AND checkpoint <> ''");
  return rows[0]?.checkpoint;
}

export async function readPgAuditHead(tx: PgTx): Promise<AuditHead | undefined> {
  const text = await readPgAuditHeadText(tx);
  return text === undefined ? undefined : parseHead(text);
}

/**
 * The entries, head and time stamps of one moment. In its own transaction, a REPEATABLE READ snapshot (in READ
 * COMMITTED each statement would see another host's newer commit, and a head would seem to lag its entries).
 */
export async function readPgAuditExport(
  tx: PgTx,
  options: { inTransaction: boolean },
): Promise<{ entries: string[]; head: string | undefined; timestamps: string[] }> {
  if (!options.inTransaction) await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  return { entries: await readPgAuditLines(tx), head: await readPgAuditHeadText(tx), timestamps: await readPgAuditTimestampLines(tx) };
}

const TIMESTAMP_META_PREFIX = 'audit_timestamp:';

/** Keeps the timestamp line of the head of `count` entries (as on SQLite: a meta row keyed by the padded count). */
export async function writePgAuditTimestamp(tx: PgTx, count: number, line: string): Promise<void> {
  await tx.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
    TIMESTAMP_META_PREFIX + String(count).padStart(12, '0'),
    line,
  ]);
}

/** Every stored timestamp line, oldest head first. */
export async function readPgAuditTimestampLines(tx: PgTx): Promise<string[]> {
  // COLLATE "C": ordered by bytes, as SQLite orders the same keys.
  const { rows } = await tx.query<{ value: string }>(`SELECT value FROM meta WHERE starts_with(key, $1) ORDER BY key COLLATE "C"`, [TIMESTAMP_META_PREFIX]);
  return rows.map((row) => row.value);
}

/**
 * Locks the audit head row until the transaction ends and returns its text ('' while the log is empty): every
 * append and every purge's hold read take this lock first, so they are serialised across hosts.
 */
export async function lockAuditHead(tx: PgTx): Promise<string> {
  await tx.query("INSERT INTO audit_head (id, checkpoint) VALUES (1, '') ON CONFLICT (id) DO NOTHING");
  const locked = await tx.query<{ checkpoint: string }>('SELECT checkpoint FROM audit_head WHERE id = 1 FOR UPDATE');
  return locked.rows[0]?.checkpoint ?? '';
}

function parseHead(text: string): AuditHead {
  try {
    return JSON.parse(text) as AuditHead;
  } catch (err) {
    throw new StoreError('The audit head checkpoint in the store is not valid JSON', { cause: err });
  }
}
