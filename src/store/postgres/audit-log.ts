import { canonicalJson } from '../../audit/canonical-json.js';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditHead, type AuditInput, type AuditSigner } from '../../audit/entry.js';
import { buildGenesisInput } from '../../audit/key-entries.js';
import { assertAuditable } from '../../audit/log.js';
import { StoreError } from '../../errors.js';
import type { PgTx } from './connection.js';
import { readMeta } from './meta.js';

type Tail = { seq: number; hash: string } | undefined;

/** Same meta keys as the SQLite log (src/audit/log.ts). */
const GENESIS_META_KEY = 'audit_genesis';
const STORE_CREATED_META_KEY = 'store_created_at';

/**
 * Appends one signed entry and re-signs the head, inside the caller's transaction (with the deletion it records).
 * The head row is locked first (SELECT … FOR UPDATE), so a second host appending at the same time waits for this
 * transaction and then reads the new tail: the chain never forks. The first append writes the genesis entry.
 *
 * Not yet here (issue 13, wiring): the key-in-force check and key rotation of src/audit/log.ts, which must become
 * "one of the operator's named host keys" once each host signs with its own key.
 */
export async function appendPgAuditEntry(tx: PgTx, signer: AuditSigner, input: AuditInput): Promise<AuditEntry> {
  assertAuditable(input, signer);
  const last = await ensureGenesis(tx, signer, input.command, await lockCheckedTail(tx));
  return writeEntry(tx, signer, last, input);
}

/** The stored entries, ordered by seq, as written (canonical JSON text): what verify and export read. */
export async function readPgAuditLines(tx: PgTx): Promise<string[]> {
  const { rows } = await tx.query<{ entry: string }>('SELECT entry FROM audit_log ORDER BY seq');
  return rows.map((row) => row.entry);
}

export async function readPgAuditHead(tx: PgTx): Promise<AuditHead | undefined> {
  const { rows } = await tx.query<{ checkpoint: string }>("SELECT checkpoint FROM audit_head WHERE id = 1 AND checkpoint <> ''");
  return rows[0] === undefined ? undefined : (JSON.parse(rows[0].checkpoint) as AuditHead);
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

/**
 * Locks the head row and returns the tail after checking it still matches the signed head. The row is created
 * (empty) on the very first append so there is always a row to lock; its content is written before commit.
 */
async function lockCheckedTail(tx: PgTx): Promise<Tail> {
  const text = await lockAuditHead(tx);
  const head = text === '' ? undefined : (JSON.parse(text) as AuditHead);
  // Read after the lock: in READ COMMITTED each statement sees what the previous holder committed.
  const { rows } = await tx.query<{ seq: number; hash: string }>('SELECT seq::integer AS seq, hash FROM audit_log ORDER BY audit_log.seq DESC LIMIT 1');
  const last: Tail = rows[0];
  if ((head?.count ?? 0) !== (last?.seq ?? 0) || (head !== undefined && head.last_hash !== last?.hash)) {
    throw new StoreError('The audit log does not match its signed head checkpoint; refusing to append', {
      hint: 'Run `luxeret-privacy audit verify` and restore the store from a backup if the log was truncated or altered.',
    });
  }
  return last;
}

/** A log that had a genesis must still have it; an empty log gets it now. */
async function ensureGenesis(tx: PgTx, signer: AuditSigner, command: string, last: Tail): Promise<Tail> {
  const marker = await readMeta(tx, GENESIS_META_KEY);
  if (marker !== undefined) {
    const genesis = JSON.parse(marker) as { seq: number; hash: string };
    const { rows } = await tx.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [genesis.seq]);
    if (rows[0]?.hash !== genesis.hash) {
      throw new StoreError(`The audit log has lost its genesis entry (seq ${genesis.seq}): it may have been wiped; refusing to append`, {
        hint: 'Run `luxeret-privacy audit verify`, and restore the store from a backup or an export checked against a lodged head.',
      });
    }
    return last;
  }
  if (last !== undefined) {
    throw new StoreError('The audit log has entries but no genesis record; refusing to append', { hint: 'Run `luxeret-privacy audit verify`.' });
  }
  const createdAt = (await readMeta(tx, STORE_CREATED_META_KEY)) ?? signer.now().toISOString();
  const genesis = await writeEntry(tx, signer, last, buildGenesisInput(signer.privateKey, createdAt, command));
  await tx.query('INSERT INTO meta (key, value) VALUES ($1, $2)', [GENESIS_META_KEY, JSON.stringify({ seq: genesis.seq, hash: genesis.hash })]);
  return genesis;
}

async function writeEntry(tx: PgTx, signer: AuditSigner, last: Tail, input: AuditInput): Promise<AuditEntry> {
  const entry = buildAuditEntry(last, signer, input);
  await tx.query('INSERT INTO audit_log (seq, entry, hash) VALUES ($1, $2, $3)', [entry.seq, canonicalJson(entry), entry.hash]);
  await tx.query('UPDATE audit_head SET checkpoint = $1 WHERE id = 1', [canonicalJson(buildAuditHead(entry.seq, entry.hash, signer))]);
  return entry;
}
