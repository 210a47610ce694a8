import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { canonicalJson, canonicalJsonPair } from './canonical-json.js';
import { buildHeadBytes, GENESIS_HASH, hashBytes, hasValidSignature, isSignatureText, type AuditHead } from './entry.js';
import { GENESIS_EVENT, keyFingerprint, readGenesisKey, readRotationKey, ROTATION_EVENT } from './key-entries.js';
import { startSignaturePool, type SignatureBatch } from './signature-pool.js';

/** One problem found: `entry` is the seq the entry claims (or its line when it has none), `line` its 1-based position. */
export interface AuditVerifyError {
  entry: number;
  line: number;
  reason: string;
}

export type HeadStatus = 'verified' | 'absent' | 'broken';
/** 'adopted': the genesis came late, in a log started before genesis entries existed (see docs/audit.md). */
export type GenesisStatus = 'verified' | 'adopted' | 'absent' | 'broken';

/** One signing key of the log: the first from seq 1, then one per rotation whose own signature holds. */
export interface KeyPeriod {
  fingerprint: string;
  from_seq: number;
}

export interface AuditVerification {
  ok: boolean;
  /** How many entries were checked. */
  entries: number;
  /** In log order; the first is the first broken entry. */
  errors: AuditVerifyError[];
  /** Whether a signed head checkpoint was checked against the tail. */
  head: HeadStatus;
  genesis: GenesisStatus;
  /** The keys in force, in order: verify starts from the given (or genesis) key and switches at each valid rotation. */
  keys: KeyPeriod[];
  /** Whether the heads lodged elsewhere (VerifyOptions.lodgedHeads) are extended by this log; absent when none was given. */
  lodged_head?: 'verified' | 'broken';
}

export interface VerifyOptions {
  /** A non-empty log without a head checkpoint cannot rule out a truncated tail: count that as an error. Default true. */
  requireHead?: boolean;
  /** Head checkpoints lodged elsewhere earlier (export lines, or parsed): the log must still extend each. */
  lodgedHeads?: readonly unknown[];
}

const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Checks every line's bytes, every signature, every hash link and the sequence of an audit log, and compares the
 * tail with the signed head checkpoint. Trusts nothing but `publicKey` (or, when none is given, the key the
 * genesis entry names), switching key at each rotation entry whose own signature holds. `entries` are parsed
 * entries or export lines still as text (splitAuditExport), parsed here as each is checked.
 */
export function verifyAuditLog(entries: readonly unknown[], publicKey: KeyObject | undefined, head?: unknown, options: VerifyOptions = {}): AuditVerification {
  const start = publicKey ?? findGenesisKey(entries);
  const keys = trackKeys(start);
  const prepared = entries.map((entry) => keys.next(prepareEntry(entry)));
  const signed = prepared.map((p) => p.bytes !== undefined && p.key !== undefined && hasValidSignature(p.bytes, p.signature, p.key));
  return assembleVerification(entries, prepared, signed, start, publicKey !== undefined, head, options);
}

/** Below this many entries, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 2_000;
/** Entries per batch handed to a worker. */
const BATCH_SIZE = 512;

/**
 * The same verdict as verifyAuditLog, with the signature checks spread over worker threads (one per core by
 * default), so a long log verifies on every core: this thread prepares each batch (canonical bytes, hash) and
 * hands it on while the workers check the ones before. A batch never spans a key rotation.
 */
export async function verifyAuditLogAsync(
  entries: readonly unknown[],
  publicKey: KeyObject | undefined,
  head?: unknown,
  options: VerifyOptions & { workers?: number } = {},
): Promise<AuditVerification> {
  const workers = options.workers ?? (entries.length < POOL_THRESHOLD ? 1 : availableParallelism());
  if (workers <= 1) return verifyAuditLog(entries, publicKey, head, options);
  const start = publicKey ?? findGenesisKey(entries);
  if (start === undefined) return verifyAuditLog(entries, undefined, head, options);
  const pool = startSignaturePool(start, workers);
  try {
    const keys = trackKeys(start);
    const prepared: PreparedEntry[] = [];
    const signed = new Array<boolean>(entries.length).fill(false);
    const checks: Promise<void>[] = [];
    let indexes: number[] = [];
    let batch: { messages: Buffer[]; signatures: Buffer[]; publicKey: KeyObject } = { messages: [], signatures: [], publicKey: start };
    const flush = (): void => {
      const sent: SignatureBatch = batch;
      const at = indexes;
      if (sent.messages.length > 0) checks.push(pool.check(sent).then((verdicts) => verdicts.forEach((ok, k) => (signed[at[k]!] = ok))));
      indexes = [];
      batch = { messages: [], signatures: [], publicKey: batch.publicKey };
    };
    entries.forEach((candidate, index) => {
      const entry = keys.next(prepareEntry(candidate));
      prepared.push(entry);
      if (entry.bytes === undefined || entry.key === undefined || !isSignatureText(entry.signature)) return;
      if (entry.key !== batch.publicKey) {
        flush();
        batch.publicKey = entry.key;
      }
      indexes.push(index);
      batch.messages.push(entry.bytes);
      batch.signatures.push(Buffer.from(entry.signature, 'base64'));
      if (batch.messages.length === BATCH_SIZE) flush();
    });
    flush();
    await Promise.all(checks);
    return assembleVerification(entries, prepared, signed, start, publicKey !== undefined, head, options);
  } finally {
    await pool.close();
  }
}

interface PreparedEntry {
  record: Record<string, unknown> | undefined;
  shapeProblem: string | undefined;
  /** Canonical bytes, when the entry is well-formed enough to have them. */
  bytes: Buffer | undefined;
  isHashIntact: boolean;
  signature: string;
  /** The key this entry's signature is checked with: the one in force if every rotation before it holds. */
  key?: KeyObject | undefined;
}

/**
 * Hands each prepared entry the key it must be signed by, switching after each rotation entry that names a new
 * key. Whether that rotation itself holds is decided in assembleVerification: when it does not, every later
 * entry counts as unsigned whatever these checks found.
 */
function trackKeys(start: KeyObject | undefined): { next: (entry: PreparedEntry) => PreparedEntry } {
  let current = start;
  return {
    next: (entry) => {
      entry.key = current;
      if (entry.record?.event === ROTATION_EVENT && entry.shapeProblem === undefined) current = readRotationKey(entry.record) ?? current;
      return entry;
    },
  };
}

/** The key named by the log's genesis entry (normally its first line), when no key was given. */
function findGenesisKey(entries: readonly unknown[]): KeyObject | undefined {
  for (const entry of entries) {
    const record = readEntry(entry);
    if (isRecord(record) && record.event === GENESIS_EVENT) return readGenesisKey(record);
  }
  return undefined;
}

const NOT_CANONICAL =
  'not in canonical form: the line is not exactly the RFC 8785 JSON of its value (a duplicate key, other spacing, or another spelling of a number or escape)';

/**
 * Parses (when given text) and canonicalises one entry. A line must be byte for byte the canonical JSON of its
 * value, hash and signature included: otherwise a reader (or a first-wins parser) could see other text than was
 * signed. Whatever cannot be parsed or canonicalised becomes that entry's verdict, never an exception.
 */
function prepareEntry(entry: unknown): PreparedEntry {
  const candidate = readEntry(entry);
  if (!isRecord(candidate)) return { record: undefined, shapeProblem: undefined, bytes: undefined, isHashIntact: false, signature: '' };
  const shapeProblem = describeShapeProblem(candidate);
  if (shapeProblem) return { record: candidate, shapeProblem, bytes: undefined, isHashIntact: false, signature: '' };
  let texts: { whole: string; without: string };
  try {
    texts = canonicalJsonPair(candidate, ['hash', 'signature']);
  } catch (err) {
    return { record: candidate, shapeProblem: `cannot be canonicalised: ${(err as Error).message}`, bytes: undefined, isHashIntact: false, signature: '' };
  }
  if (typeof entry === 'string' && entry !== texts.whole)
    return { record: candidate, shapeProblem: NOT_CANONICAL, bytes: undefined, isHashIntact: false, signature: '' };
  const bytes = Buffer.from(texts.without, 'utf8');
  return { record: candidate, shapeProblem, bytes, isHashIntact: hashBytes(bytes) === candidate.hash, signature: candidate.signature as string };
}

/** What the walk over the log learns about its keys. */
interface KeyWalk {
  readonly periods: KeyPeriod[];
  /** Valid rotations: after entry `seq`, `key` signs. */
  readonly rotations: { seq: number; key: KeyObject }[];
  /** Seq of the first rotation that does not hold: no key is in force after it. */
  brokenAt: number | undefined;
}

function assembleVerification(
  entries: readonly unknown[],
  prepared: readonly PreparedEntry[],
  signed: readonly boolean[],
  start: KeyObject | undefined,
  isKeyGiven: boolean,
  head: unknown,
  options: VerifyOptions,
): AuditVerification {
  const errors: AuditVerifyError[] = [];
  const genesis = checkGenesis(prepared, start, isKeyGiven, errors);
  const walk: KeyWalk = { periods: start ? [{ fingerprint: keyFingerprint(start), from_seq: 1 }] : [], rotations: [], brokenAt: undefined };
  let previousSeq = 0;
  let previousHash = GENESIS_HASH;
  prepared.forEach((p, index) => {
    const line = index + 1;
    const candidate = p.record;
    if (candidate === undefined) {
      errors.push({ entry: line, line, reason: 'not a JSON object (unreadable line)' });
      return;
    }
    const seq = typeof candidate.seq === 'number' && Number.isSafeInteger(candidate.seq) ? candidate.seq : undefined;
    const at = seq ?? line;
    const problem = p.shapeProblem ?? describeIntegrityProblem(p.isHashIntact, signed[index] === true, walk.brokenAt, start !== undefined);
    if (problem) errors.push({ entry: at, line, reason: problem });
    if (candidate.event === ROTATION_EVENT) checkRotation(candidate, at, line, problem === undefined, walk, errors);
    if (candidate.event === GENESIS_EVENT && index > 0 && genesis.index !== index) {
      errors.push({ entry: at, line, reason: 'a second genesis entry: a new log was started inside this one' });
    }

    if (seq === undefined) {
      errors.push({ entry: at, line, reason: 'has no valid seq' });
    } else if (seq !== previousSeq + 1) {
      const reason =
        seq > previousSeq + 1
          ? `sequence gap: expected seq ${previousSeq + 1}, found ${seq} (${describeRange(previousSeq + 1, seq - 1)} missing: deleted?)`
          : `out of order: seq ${seq} after seq ${previousSeq} (entries reordered, duplicated or inserted)`;
      errors.push({ entry: at, line, reason });
    }
    if (candidate.prev_hash !== previousHash) {
      const what = previousSeq === 0 ? 'the genesis value (sha256:000…0) expected of the first entry' : `the hash of the entry before it (seq ${previousSeq})`;
      errors.push({ entry: at, line, reason: `prev_hash does not match ${what}: the chain is broken here` });
    }
    // Carry on from what this entry claims, so one tampering yields one error rather than a cascade.
    previousSeq = seq ?? previousSeq + 1;
    previousHash = typeof candidate.hash === 'string' ? candidate.hash : '';
  });

  const keyAfter = (seq: number): KeyObject | undefined =>
    walk.brokenAt !== undefined && walk.brokenAt <= seq ? undefined : ([...walk.rotations].reverse().find((r) => r.seq <= seq)?.key ?? start);
  let headStatus: HeadStatus = 'absent';
  if (head !== undefined && head !== null) {
    const headErrors = checkHead(head, keyAfter, prepared);
    errors.push(...headErrors);
    headStatus = headErrors.length === 0 ? 'verified' : 'broken';
  } else if ((options.requireHead ?? true) && entries.length > 0) {
    errors.push({ entry: previousSeq, line: entries.length, reason: 'no signed head checkpoint: a truncated tail cannot be ruled out' });
  }
  const result: AuditVerification = { ok: false, entries: entries.length, errors, head: headStatus, genesis: genesis.status, keys: walk.periods };
  if (options.lodgedHeads !== undefined && options.lodgedHeads.length > 0) {
    const lodgedErrors = options.lodgedHeads.flatMap((lodged) => checkLodgedHead(lodged, keyAfter, prepared));
    errors.push(...lodgedErrors);
    result.lodged_head = lodgedErrors.length === 0 ? 'verified' : 'broken';
  }
  result.ok = errors.length === 0;
  return result;
}

/**
 * The log must start with a genesis entry that names the key it starts from; a log written before genesis
 * entries existed may carry one later that adopts exactly the entries before it. An empty log has none: it may
 * have been wiped.
 */
function checkGenesis(
  prepared: readonly PreparedEntry[],
  start: KeyObject | undefined,
  isKeyGiven: boolean,
  errors: AuditVerifyError[],
): { status: GenesisStatus; index: number } {
  const index = prepared.findIndex((p) => p.record?.event === GENESIS_EVENT);
  const first = prepared[0]?.record;
  const noKey = start === undefined ? ', and no public key was given, so no signature could be checked' : '';
  if (first === undefined && prepared.length === 0) {
    errors.push({ entry: 0, line: 0, reason: `no genesis: the log is empty; it may have been wiped${noKey}` });
    return { status: 'absent', index };
  }
  const genesis = prepared[index]?.record;
  const adopted = readAdoptedEntries(genesis);
  if (genesis === undefined || (index > 0 && (adopted !== index || genesis.seq !== index + 1)) || (index === 0 && adopted !== 0)) {
    const what = typeof first?.event === 'string' ? `its first entry is a ${JSON.stringify(first.event)} entry` : 'its first line is not an entry';
    errors.push({
      entry: typeof first?.seq === 'number' ? first.seq : 1,
      line: 1,
      reason: `no genesis: ${what}; the log may have been wiped and restarted${noKey}`,
    });
    return { status: 'absent', index };
  }
  const named = readGenesisKey(genesis);
  const at = typeof genesis.seq === 'number' ? genesis.seq : index + 1;
  if (named === undefined) {
    errors.push({ entry: at, line: index + 1, reason: 'the genesis entry does not name a valid public key and its fingerprint' });
    return { status: 'broken', index };
  }
  if (isKeyGiven && start !== undefined && keyFingerprint(named) !== keyFingerprint(start)) {
    errors.push({
      entry: at,
      line: index + 1,
      reason: `the genesis entry names key ${keyFingerprint(named)}, not the key verify was given (${keyFingerprint(start)}): give the log's first key`,
    });
    return { status: 'broken', index };
  }
  return { status: index === 0 ? 'verified' : 'adopted', index };
}

function readAdoptedEntries(genesis: Record<string, unknown> | undefined): number {
  const details = genesis?.details;
  if (!isRecord(details) || details.adopted_entries === undefined) return 0;
  return typeof details.adopted_entries === 'number' ? details.adopted_entries : -1;
}

/** A rotation holds when the entry itself is intact and signed by the key in force, and names its new key rightly. */
function checkRotation(entry: Record<string, unknown>, at: number, line: number, isIntact: boolean, walk: KeyWalk, errors: AuditVerifyError[]): void {
  if (walk.brokenAt !== undefined) return;
  const current = walk.periods[walk.periods.length - 1];
  const newKey = readRotationKey(entry);
  const details = isRecord(entry.details) ? entry.details : {};
  if (isIntact && newKey !== undefined && current !== undefined && details.old_key_fingerprint === current.fingerprint) {
    walk.rotations.push({ seq: at, key: newKey });
    walk.periods.push({ fingerprint: keyFingerprint(newKey), from_seq: at + 1 });
    return;
  }
  walk.brokenAt = at;
  if (isIntact) errors.push({ entry: at, line, reason: 'key rotation does not name its old and new keys correctly: every later entry counts as unsigned' });
}

function describeIntegrityProblem(isHashIntact: boolean, isSigned: boolean, brokenRotationAt: number | undefined, hasKey: boolean): string | undefined {
  if (!isHashIntact && !isSigned) return 'content does not match its hash or its signature: the entry was edited';
  if (!isHashIntact) return 'content does not match its hash: the entry or its hash was edited';
  if (brokenRotationAt !== undefined) return `counts as unsigned: no key is in force after the key rotation at seq ${brokenRotationAt}, which does not verify`;
  // Without any key, the one genesis error says so; repeating it per entry would bury it.
  if (!isSigned && hasKey) return 'signature does not verify with this public key: edited, or signed with another key';
  return undefined;
}

function describeShapeProblem(entry: Record<string, unknown>): string | undefined {
  if (entry.v !== 1) return `unknown entry version ${JSON.stringify(entry.v)}`;
  if (typeof entry.hash !== 'string' || !HASH_PATTERN.test(entry.hash)) return 'hash is missing or malformed';
  if (typeof entry.signature !== 'string') return 'signature is missing';
  for (const field of ['time', 'actor', 'command', 'event', 'prev_hash'] as const) {
    if (typeof entry[field] !== 'string') return `${field} is missing or not a string`;
  }
  return undefined;
}

type KeyAfter = (seq: number) => KeyObject | undefined;

function checkHead(given: unknown, keyAfter: KeyAfter, prepared: readonly PreparedEntry[]): AuditVerifyError[] {
  const count = prepared.length;
  const head = readHead(given);
  if (typeof head === 'string') return [{ entry: count, line: count, reason: `the head checkpoint ${head}` }];
  const signatureProblem = describeHeadSignature(head, keyAfter, 'the head checkpoint');
  if (signatureProblem) return [{ entry: head.count, line: count, reason: signatureProblem }];
  // The seq checks already name gaps and moves in the middle; here only the tail matters.
  let maxSeq = 0;
  let newest: { seq: number; time: string } | undefined;
  let atCount: { line: number; hash: unknown } | undefined;
  prepared.forEach(({ record: entry }, index) => {
    if (entry === undefined || typeof entry.seq !== 'number') return;
    maxSeq = Math.max(maxSeq, entry.seq);
    if (typeof entry.time === 'string' && (newest === undefined || entry.time > newest.time)) newest = { seq: entry.seq, time: entry.time };
    if (entry.seq === head.count) atCount = { line: index + 1, hash: entry.hash };
  });
  if (head.count > maxSeq) {
    return [
      {
        entry: maxSeq + 1,
        line: count,
        reason: `truncated tail: the signed head checkpoint (${head.time}) records ${head.count} entries, the log ends at seq ${maxSeq} (${describeRange(maxSeq + 1, head.count)} missing)`,
      },
    ];
  }
  if (head.count < maxSeq) {
    return [{ entry: head.count + 1, line: count, reason: `entries up to seq ${maxSeq} follow the signed head checkpoint, which records ${head.count}` }];
  }
  if (atCount === undefined || atCount.hash !== head.last_hash) {
    return [
      {
        entry: head.count,
        line: atCount?.line ?? count,
        reason: `seq ${head.count} does not have the hash recorded in the signed head checkpoint: the tail was replaced`,
      },
    ];
  }
  // Every append re-signs the head after writing its entry (ISO-8601 UTC times compare as text).
  if (newest !== undefined && head.time < newest.time) {
    return [
      {
        entry: newest.seq,
        line: count,
        reason: `the head checkpoint (${head.time}) is older than the newest entry (seq ${newest.seq}, ${newest.time}): an older head was put back`,
      },
    ];
  }
  return [];
}

/**
 * Checks a head checkpoint lodged elsewhere earlier (email, syslog, another system): the log may have grown since,
 * but the entry at seq `count` must still have the hash the head recorded, and the head must be signed by the key
 * that was in force then.
 */
function checkLodgedHead(given: unknown, keyAfter: KeyAfter, prepared: readonly PreparedEntry[]): AuditVerifyError[] {
  const head = readHead(given);
  if (typeof head === 'string') return [{ entry: 0, line: 0, reason: `the lodged head checkpoint ${head}` }];
  const signatureProblem = describeHeadSignature(head, keyAfter, 'the lodged head checkpoint');
  if (signatureProblem) return [{ entry: head.count, line: 0, reason: signatureProblem }];
  const index = prepared.findIndex((p) => p.record?.seq === head.count);
  const atCount = prepared[index]?.record;
  if (atCount === undefined) {
    return [
      {
        entry: head.count,
        line: prepared.length,
        reason: `truncated: the lodged head (${head.time}) records ${head.count} entries; seq ${head.count} is missing`,
      },
    ];
  }
  if (atCount.hash !== head.last_hash) {
    return [
      {
        entry: head.count,
        line: index + 1,
        reason: `seq ${head.count} does not have the hash recorded by the lodged head (${head.time}): history was rewritten`,
      },
    ];
  }
  return [];
}

function describeHeadSignature(head: AuditHead, keyAfter: KeyAfter, what: string): string | undefined {
  const key = keyAfter(head.count);
  if (key === undefined) return `${what} cannot be checked: no key is in force after a key rotation that does not verify`;
  return hasValidSignature(buildHeadBytes(head), head.signature, key) ? undefined : `${what} signature does not verify with this public key`;
}

/**
 * A head as given, or its export line parsed and checked for canonical bytes (like every entry line); a string
 * result says what is wrong with it.
 */
function readHead(given: unknown): AuditHead | string {
  let head: unknown;
  try {
    head = typeof given === 'string' ? (JSON.parse(given) as unknown) : given;
    if (!isHead(head)) return 'is malformed';
    if (typeof given === 'string' && given !== canonicalJson(head)) return 'is not in canonical form (its line is not exactly the RFC 8785 JSON of its value)';
    buildHeadBytes(head);
  } catch (err) {
    return `cannot be read: ${(err as Error).message}`;
  }
  return head;
}

function isHead(value: unknown): value is AuditHead {
  return (
    isRecord(value) &&
    value.type === 'head' &&
    value.v === 1 &&
    typeof value.count === 'number' &&
    Number.isSafeInteger(value.count) &&
    value.count >= 0 &&
    typeof value.last_hash === 'string' &&
    typeof value.time === 'string' &&
    typeof value.signature === 'string'
  );
}

/** An entry as given, or an export line parsed as JSON; an unreadable line becomes undefined, which verify names. */
function readEntry(entry: unknown): unknown {
  if (typeof entry !== 'string') return entry;
  try {
    return JSON.parse(entry) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeRange(from: number, to: number): string {
  return from === to ? `seq ${from}` : `seq ${from}–${to}`;
}
