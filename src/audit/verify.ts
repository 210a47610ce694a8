import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { canonicalJson, canonicalJsonPair } from './canonical-json.js';
import { buildHeadBytes, GENESIS_HASH, hashBytes, hasValidSignature, isSignatureText, type AuditHead } from './entry.js';
import { startSignaturePool } from './signature-pool.js';

/** One problem found: `entry` is the seq the entry claims (or its line when it has none), `line` its 1-based position. */
export interface AuditVerifyError {
  entry: number;
  line: number;
  reason: string;
}

export type HeadStatus = 'verified' | 'absent' | 'broken';

export interface AuditVerification {
  ok: boolean;
  /** How many entries were checked. */
  entries: number;
  /** In log order; the first is the first broken entry. */
  errors: AuditVerifyError[];
  /** Whether a signed head checkpoint was checked against the tail. */
  head: HeadStatus;
}

export interface VerifyOptions {
  /** A non-empty log without a head checkpoint cannot rule out a truncated tail: count that as an error. Default true. */
  requireHead?: boolean;
}

const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Checks every signature, every hash link and the sequence of an audit log, trusting nothing but `publicKey`,
 * and compares the tail with the signed head checkpoint (count and last hash) when one is given. `entries` are
 * parsed entries or export lines still as text (splitAuditExport), parsed here as each is checked.
 */
export function verifyAuditLog(
  entries: readonly unknown[],
  publicKey: KeyObject,
  head?: unknown,
  options: VerifyOptions = {},
): AuditVerification {
  const prepared = entries.map(prepareEntry);
  const signed = prepared.map((p) => p.bytes !== undefined && hasValidSignature(p.bytes, p.signature, publicKey));
  return assembleVerification(entries, prepared, signed, publicKey, head, options);
}

/** Below this many entries, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 2_000;
/** Entries per batch handed to a worker. */
const BATCH_SIZE = 512;

/**
 * The same verdict as verifyAuditLog, with the signature checks spread over worker threads (one per core by
 * default), so a long log verifies on every core: this thread prepares each batch (canonical bytes, hash) and
 * hands it on while the workers check the ones before.
 */
export async function verifyAuditLogAsync(
  entries: readonly unknown[],
  publicKey: KeyObject,
  head?: unknown,
  options: VerifyOptions & { workers?: number } = {},
): Promise<AuditVerification> {
  const workers = options.workers ?? (entries.length < POOL_THRESHOLD ? 1 : availableParallelism());
  if (workers <= 1) return verifyAuditLog(entries, publicKey, head, options);
  const pool = startSignaturePool(publicKey, workers);
  try {
    const prepared: PreparedEntry[] = [];
    const signed = new Array<boolean>(entries.length).fill(false);
    const checks: Promise<void>[] = [];
    for (let start = 0; start < entries.length; start += BATCH_SIZE) {
      const indexes: number[] = [];
      const batch = { messages: [] as Buffer[], signatures: [] as Buffer[] };
      entries.slice(start, start + BATCH_SIZE).forEach((candidate, offset) => {
        const entry = prepareEntry(candidate);
        prepared.push(entry);
        if (entry.bytes === undefined || !isSignatureText(entry.signature)) return;
        indexes.push(start + offset);
        batch.messages.push(entry.bytes);
        batch.signatures.push(Buffer.from(entry.signature, 'base64'));
      });
      checks.push(pool.check(batch).then((verdicts) => verdicts.forEach((ok, k) => (signed[indexes[k]!] = ok))));
    }
    await Promise.all(checks);
    return assembleVerification(entries, prepared, signed, publicKey, head, options);
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
  if (typeof entry === 'string' && entry !== texts.whole) return { record: candidate, shapeProblem: NOT_CANONICAL, bytes: undefined, isHashIntact: false, signature: '' };
  const bytes = Buffer.from(texts.without, 'utf8');
  return { record: candidate, shapeProblem, bytes, isHashIntact: hashBytes(bytes) === candidate.hash, signature: candidate.signature as string };
}

function assembleVerification(
  entries: readonly unknown[],
  prepared: readonly PreparedEntry[],
  signed: readonly boolean[],
  publicKey: KeyObject,
  head: unknown,
  options: VerifyOptions,
): AuditVerification {
  const errors: AuditVerifyError[] = [];
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
    const problem = p.shapeProblem ?? describeIntegrityProblem(p.isHashIntact, signed[index] === true);
    if (problem) errors.push({ entry: at, line, reason: problem });

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

  let headStatus: HeadStatus = 'absent';
  if (head !== undefined && head !== null) {
    const headErrors = checkHead(head, publicKey, prepared);
    errors.push(...headErrors);
    headStatus = headErrors.length === 0 ? 'verified' : 'broken';
  } else if ((options.requireHead ?? true) && entries.length > 0) {
    errors.push({
      entry: previousSeq,
      line: entries.length,
      reason: 'no signed head checkpoint: a truncated tail cannot be ruled out',
    });
  }
  return { ok: errors.length === 0, entries: entries.length, errors, head: headStatus };
}

/**
 * Checks a head checkpoint lodged elsewhere earlier (email, print, another system): the log may have grown since,
 * but the entry at seq `count` must still have the hash the head recorded.
 */
export function verifyLodgedHead(entries: readonly unknown[], publicKey: KeyObject, given: unknown): AuditVerifyError[] {
  const head = readHead(given);
  if (typeof head === 'string') return [{ entry: 0, line: 0, reason: `the lodged head checkpoint ${head}` }];
  if (!hasValidSignature(buildHeadBytes(head), head.signature, publicKey)) {
    return [{ entry: head.count, line: 0, reason: 'the lodged head checkpoint signature does not verify with this public key' }];
  }
  // Lines are parsed only up to the one at the lodged count.
  const index = entries.findIndex((entry) => {
    const record = readEntry(entry);
    return isRecord(record) && record.seq === head.count;
  });
  const atCount = index >= 0 ? (readEntry(entries[index]) as Record<string, unknown>) : undefined;
  if (atCount === undefined) {
    return [{ entry: head.count, line: entries.length, reason: `truncated: the lodged head (${head.time}) records ${head.count} entries; seq ${head.count} is missing` }];
  }
  if (atCount.hash !== head.last_hash) {
    return [{ entry: head.count, line: index + 1, reason: `seq ${head.count} does not have the hash recorded by the lodged head (${head.time}): history was rewritten` }];
  }
  return [];
}

function describeIntegrityProblem(isHashIntact: boolean, isSigned: boolean): string | undefined {
  if (!isHashIntact && !isSigned) return 'content does not match its hash or its signature: the entry was edited';
  if (!isHashIntact) return 'content does not match its hash: the entry or its hash was edited';
  if (!isSigned) return 'signature does not verify with this public key: edited, or signed with another key';
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

function checkHead(given: unknown, publicKey: KeyObject, prepared: readonly PreparedEntry[]): AuditVerifyError[] {
  const count = prepared.length;
  const head = readHead(given);
  if (typeof head === 'string') return [{ entry: count, line: count, reason: `the head checkpoint ${head}` }];
  if (!hasValidSignature(buildHeadBytes(head), head.signature, publicKey)) {
    return [{ entry: head.count, line: count, reason: 'the head checkpoint signature does not verify with this public key' }];
  }
  // The seq checks already name gaps and moves in the middle; here only the tail matters.
  let maxSeq = 0;
  let atCount: { line: number; hash: unknown } | undefined;
  prepared.forEach(({ record: entry }, index) => {
    if (entry === undefined || typeof entry.seq !== 'number') return;
    maxSeq = Math.max(maxSeq, entry.seq);
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
  return [];
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
