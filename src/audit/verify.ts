import { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { canonicalJson, canonicalJsonPair } from './canonical-json.js';
import { buildHeadBytes, GENESIS_HASH, hashBytes, hasValidSignature, isSignatureText, type AuditHead } from './entry.js';
import { ENROL_EVENT, GENESIS_EVENT, keyFingerprint, readEnrolKey, readGenesisKey, readRotationKey, ROTATION_EVENT } from './key-entries.js';
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
  /** A host's key that joined a shared log (keys.enrol) rather than took over from another key. */
  enrolled?: true;
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
  /**
   * The keys in force, in order: verify starts from the given (or genesis) key, switches at each valid rotation,
   * and adds each key a shared log enrols (from the enrolment's own seq).
   */
  keys: KeyPeriod[];
  /** On a log several hosts share: every key in force at its end (absent while one key at a time signs). */
  keys_in_force?: string[];
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
const FINGERPRINT_PATTERN = /^SHA256:[0-9a-f]{64}$/;

/** The public keys an operator names: one, several (hosts sharing a log), or none (follow the log's genesis). */
export type GivenKeys = KeyObject | readonly KeyObject[] | undefined;

/**
 * Checks every line's bytes, every signature, every hash link and the sequence of an audit log, and compares the
 * tail with the signed head checkpoint. Trusts nothing but the given keys (or, when none is given, the key the
 * genesis entry names and the keys the log enrols), switching key at each rotation entry whose own signature
 * holds. An entry that names its key (`signed_by`, on a shared log) is checked with that key, which must be in
 * force. `entries` are parsed entries or export lines still as text (splitAuditExport), parsed as each is checked.
 */
export function verifyAuditLog(entries: readonly unknown[], publicKeys: GivenKeys, head?: unknown, options: VerifyOptions = {}): AuditVerification {
  const trust = readTrust(entries, publicKeys);
  const keys = trackKeys(trust);
  const prepared = entries.map((entry) => keys.next(prepareEntry(entry)));
  const signed = prepared.map((p) => p.bytes !== undefined && p.key !== undefined && hasValidSignature(p.bytes, p.signature, p.key));
  return assembleVerification(entries, prepared, signed, trust, head, options);
}

/** What verify trusts before reading the log. */
interface KeyTrust {
  /** The key entries that name no key are checked with first: the given key the genesis names (else the first given), or the genesis key. */
  readonly start: KeyObject | undefined;
  /** The keys verify was given; empty: follow the log's own key entries. */
  readonly named: readonly KeyObject[];
}

function readTrust(entries: readonly unknown[], given: GivenKeys): KeyTrust {
  const named = given === undefined ? [] : given instanceof KeyObject ? [given] : [...given];
  const genesisKey = findGenesisKey(entries);
  if (named.length === 0) return { start: genesisKey, named };
  const genesisFingerprint = genesisKey === undefined ? undefined : keyFingerprint(genesisKey);
  return { start: named.find((key) => keyFingerprint(key) === genesisFingerprint) ?? named[0], named };
}

/** The keys trusted from seq 1: every given key, or the genesis key. */
function readInitialKeys({ start, named }: KeyTrust): Map<string, KeyObject> {
  return new Map((named.length > 0 ? named : start === undefined ? [] : [start]).map((key) => [keyFingerprint(key), key]));
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
  publicKeys: GivenKeys,
  head?: unknown,
  options: VerifyOptions & { workers?: number } = {},
): Promise<AuditVerification> {
  const workers = options.workers ?? (entries.length < POOL_THRESHOLD ? 1 : availableParallelism());
  if (workers <= 1) return verifyAuditLog(entries, publicKeys, head, options);
  const trust = readTrust(entries, publicKeys);
  const start = trust.start;
  if (start === undefined) return verifyAuditLog(entries, undefined, head, options);
  const pool = startSignaturePool(start, workers);
  try {
    const keys = trackKeys(trust);
    const prepared: PreparedEntry[] = [];
    const signed = new Array<boolean>(entries.length).fill(false);
    const checks: Promise<void>[] = [];
    // One open batch per key: hosts sharing a log take turns, and a batch never mixes keys.
    const open = new Map<KeyObject, { messages: Buffer[]; signatures: Buffer[]; indexes: number[] }>();
    const flush = (publicKey: KeyObject): void => {
      const batch = open.get(publicKey);
      open.delete(publicKey);
      if (batch === undefined || batch.messages.length === 0) return;
      const sent: SignatureBatch = { messages: batch.messages, signatures: batch.signatures, publicKey };
      checks.push(pool.check(sent).then((verdicts) => verdicts.forEach((ok, k) => (signed[batch.indexes[k]!] = ok))));
    };
    entries.forEach((candidate, index) => {
      const entry = keys.next(prepareEntry(candidate));
      prepared.push(entry);
      if (entry.bytes === undefined || entry.key === undefined || !isSignatureText(entry.signature)) return;
      let batch = open.get(entry.key);
      if (batch === undefined) open.set(entry.key, (batch = { messages: [], signatures: [], indexes: [] }));
      batch.indexes.push(index);
      batch.messages.push(entry.bytes);
      batch.signatures.push(Buffer.from(entry.signature, 'base64'));
      if (batch.messages.length === BATCH_SIZE) flush(entry.key);
    });
    for (const publicKey of [...open.keys()]) flush(publicKey);
    await Promise.all(checks);
    return assembleVerification(entries, prepared, signed, trust, head, options);
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
  /** Why the entry has no key to be checked with, when it names one that is not in force. */
  keyProblem?: string | undefined;
}

/**
 * Hands each prepared entry the key it must be signed by: the key it names (`signed_by`) among those in force, or,
 * when it names none, the one key in force, switching after each rotation entry that names a new key. An
 * enrolment is checked with the key it enrols (proof that the host holds it), which is in force from there on
 * unless verify was given keys that do not include it. Whether each key entry itself holds is decided in
 * assembleVerification: when a rotation does not, every later entry counts as unsigned whatever these checks found.
 */
function trackKeys(trust: KeyTrust): { next: (entry: PreparedEntry) => PreparedEntry } {
  let current = trust.start;
  const inForce = readInitialKeys(trust);
  const isTrusted = (fingerprint: string): boolean => trust.named.length === 0 || trust.named.some((key) => keyFingerprint(key) === fingerprint);
  return {
    next: (entry) => {
      const record = entry.record;
      entry.key = current;
      if (record === undefined || entry.shapeProblem !== undefined) return entry;
      const signedBy = typeof record.signed_by === 'string' ? record.signed_by : undefined;
      if (record.event === ENROL_EVENT) {
        const enrolled = readEnrolKey(record);
        entry.key = enrolled;
        if (enrolled !== undefined && isTrusted(keyFingerprint(enrolled))) inForce.set(keyFingerprint(enrolled), enrolled);
        return entry;
      }
      if (signedBy !== undefined) {
        entry.key = inForce.get(signedBy);
        if (entry.key === undefined) {
          entry.keyProblem = `signed by key ${signedBy}, which is not in force here${trust.named.length > 0 ? ' and not among the keys verify was given' : ''}`;
        }
      }
      const newKey = record.event === ROTATION_EVENT ? readRotationKey(record) : undefined;
      if (newKey !== undefined) {
        const old = signedBy ?? (current === undefined ? undefined : keyFingerprint(current));
        if (old !== undefined) inForce.delete(old);
        inForce.set(keyFingerprint(newKey), newKey);
        if (current === undefined || keyFingerprint(current) === old) current = newKey;
      }
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
  /** Valid rotations of the key that entries naming no key are signed with: after entry `seq`, `key` signs. */
  readonly rotations: { seq: number; key: KeyObject }[];
  /** Valid key entries in order: from entry `seq` on, `add` is in force and `remove` no longer is. */
  readonly changes: { seq: number; add: KeyObject; remove?: string | undefined }[];
  /** The key that entries naming no key are signed with. */
  current: string | undefined;
  /** Seq of the first rotation that does not hold: no key is in force after it. */
  brokenAt: number | undefined;
}

function assembleVerification(
  entries: readonly unknown[],
  prepared: readonly PreparedEntry[],
  signed: readonly boolean[],
  trust: KeyTrust,
  head: unknown,
  options: VerifyOptions,
): AuditVerification {
  const { start } = trust;
  const errors: AuditVerifyError[] = [];
  const genesis = checkGenesis(prepared, trust, errors);
  const walk: KeyWalk = {
    periods: start ? [{ fingerprint: keyFingerprint(start), from_seq: 1 }] : [],
    rotations: [],
    changes: [],
    current: start === undefined ? undefined : keyFingerprint(start),
    brokenAt: undefined,
  };
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
    const problem = p.shapeProblem ?? describeIntegrityProblem(p.isHashIntact, signed[index] === true, walk.brokenAt, start !== undefined, p.keyProblem);
    if (problem) errors.push({ entry: at, line, reason: problem });
    if (candidate.event === ROTATION_EVENT) checkRotation(candidate, at, line, problem === undefined, walk, errors);
    if (candidate.event === ENROL_EVENT) checkEnrolment(candidate, at, line, problem === undefined, trust, walk, errors);
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

  const keyAfter: KeyAfter = (seq, signedBy) => {
    if (walk.brokenAt !== undefined && walk.brokenAt <= seq) return 'broken';
    if (signedBy === undefined) return [...walk.rotations].reverse().find((r) => r.seq <= seq)?.key ?? start;
    return readKeysAfter(trust, walk, seq).get(signedBy);
  };
  let headStatus: HeadStatus = 'absent';
  if (head !== undefined && head !== null) {
    const headErrors = checkHead(head, keyAfter, prepared);
    errors.push(...headErrors);
    headStatus = headErrors.length === 0 ? 'verified' : 'broken';
  } else if ((options.requireHead ?? true) && entries.length > 0) {
    errors.push({ entry: previousSeq, line: entries.length, reason: 'no signed head checkpoint: a truncated tail cannot be ruled out' });
  }
  const result: AuditVerification = { ok: false, entries: entries.length, errors, head: headStatus, genesis: genesis.status, keys: walk.periods };
  const inForce = [...readKeysAfter(trust, walk, Infinity).keys()];
  if (inForce.length > 1) result.keys_in_force = inForce;
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
  { start, named: given }: KeyTrust,
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
  if (given.length > 0 && !given.some((key) => keyFingerprint(key) === keyFingerprint(named))) {
    const which =
      given.length === 1
        ? `the key verify was given (${keyFingerprint(given[0]!)})`
        : `one of the keys verify was given (${given.map(keyFingerprint).join(', ')})`;
    errors.push({ entry: at, line: index + 1, reason: `the genesis entry names key ${keyFingerprint(named)}, not ${which}: give the log's first key` });
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
  // The retiring key signs its hand-over: the key the entry names, or the one key in force.
  const old = typeof entry.signed_by === 'string' ? entry.signed_by : walk.current;
  const newKey = readRotationKey(entry);
  const details = isRecord(entry.details) ? entry.details : {};
  if (isIntact && newKey !== undefined && old !== undefined && details.old_key_fingerprint === old) {
    walk.changes.push({ seq: at, add: newKey, remove: old });
    walk.periods.push({ fingerprint: keyFingerprint(newKey), from_seq: at + 1 });
    if (walk.current === old) {
      walk.current = keyFingerprint(newKey);
      walk.rotations.push({ seq: at, key: newKey });
    }
    return;
  }
  walk.brokenAt = at;
  if (isIntact) errors.push({ entry: at, line, reason: 'key rotation does not name its old and new keys correctly: every later entry counts as unsigned' });
}

/**
 * A shared log's host key joins with an enrolment signed by itself. It holds when the entry is intact, names a key
 * and its fingerprint rightly, was not retired by a rotation before, and (when verify was given keys) is one of them.
 */
function checkEnrolment(
  entry: Record<string, unknown>,
  at: number,
  line: number,
  isIntact: boolean,
  trust: KeyTrust,
  walk: KeyWalk,
  errors: AuditVerifyError[],
): void {
  // An entry that does not verify already has its error; after a broken rotation nothing is in force.
  if (!isIntact || walk.brokenAt !== undefined) return;
  const key = readEnrolKey(entry);
  if (key === undefined || entry.signed_by !== keyFingerprint(key)) {
    errors.push({ entry: at, line, reason: 'key enrolment does not name the key that signed it and its fingerprint' });
    return;
  }
  const fingerprint = keyFingerprint(key);
  const retiredAt = walk.changes.find((change) => change.remove === fingerprint)?.seq;
  if (retiredAt !== undefined) {
    errors.push({ entry: at, line, reason: `enrols key ${fingerprint} again, which the key rotation at seq ${retiredAt} retired` });
    return;
  }
  if (trust.named.length > 0 && !trust.named.some((named) => keyFingerprint(named) === fingerprint)) {
    errors.push({ entry: at, line, reason: `enrols key ${fingerprint}, which is not among the keys verify was given: its entries do not verify` });
    return;
  }
  walk.changes.push({ seq: at, add: key });
  walk.periods.push({ fingerprint, from_seq: at, enrolled: true });
}

/** The keys in force after entry `seq` (Infinity: at the end), by fingerprint. */
function readKeysAfter(trust: KeyTrust, walk: KeyWalk, seq: number): Map<string, KeyObject> {
  const keys = readInitialKeys(trust);
  for (const change of walk.changes) {
    if (change.seq > seq) break;
    if (change.remove !== undefined) keys.delete(change.remove);
    keys.set(keyFingerprint(change.add), change.add);
  }
  return keys;
}

function describeIntegrityProblem(
  isHashIntact: boolean,
  isSigned: boolean,
  brokenRotationAt: number | undefined,
  hasKey: boolean,
  keyProblem: string | undefined,
): string | undefined {
  if (!isHashIntact && !isSigned) return 'content does not match its hash or its signature: the entry was edited';
  if (!isHashIntact) return 'content does not match its hash: the entry or its hash was edited';
  if (brokenRotationAt !== undefined) return `counts as unsigned: no key is in force after the key rotation at seq ${brokenRotationAt}, which does not verify`;
  if (keyProblem !== undefined) return keyProblem;
  // Without any key, the one genesis error says so; repeating it per entry would bury it.
  if (!isSigned && hasKey) return 'signature does not verify with this public key: edited, or signed with another key';
  return undefined;
}

function describeShapeProblem(entry: Record<string, unknown>): string | undefined {
  if (entry.v !== 1) return `unknown entry version ${JSON.stringify(entry.v)}`;
  if (typeof entry.hash !== 'string' || !HASH_PATTERN.test(entry.hash)) return 'hash is missing or malformed';
  if (typeof entry.signature !== 'string') return 'signature is missing';
  if (entry.signed_by !== undefined && (typeof entry.signed_by !== 'string' || !FINGERPRINT_PATTERN.test(entry.signed_by)))
    return 'signed_by is not a key fingerprint';
  for (const field of ['time', 'actor', 'command', 'event', 'prev_hash'] as const) {
    if (typeof entry[field] !== 'string') return `${field} is missing or not a string`;
  }
  return undefined;
}

/** The key in force after entry `seq` that a head is checked with: the one it names, or the one key in force. */
type KeyAfter = (seq: number, signedBy: string | undefined) => KeyObject | 'broken' | undefined;

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
  const key = keyAfter(head.count, head.signed_by);
  if (key === 'broken' || (key === undefined && head.signed_by === undefined)) {
    return `${what} cannot be checked: no key is in force after a key rotation that does not verify`;
  }
  if (key === undefined) return `${what} is signed by key ${head.signed_by}, which is not in force at seq ${head.count}`;
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
    typeof value.signature === 'string' &&
    (value.signed_by === undefined || typeof value.signed_by === 'string')
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
