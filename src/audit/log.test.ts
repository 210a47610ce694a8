import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../store/db.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { canonicalJson } from './canonical-json.js';
import { selectOpenIntents } from './open-intents.js';
import {
  buildAuditEntry,
  buildAuditHead,
  buildCanonicalBytes,
  buildHeadBytes,
  GENESIS_HASH,
  hasValidSignature,
  hashBytes,
  type AuditEntry,
  type AuditSigner,
} from './entry.js';
import { encodePublicKey, keyFingerprint } from './key-entries.js';
import {
  AuditContentError,
  appendAuditEntry,
  appendKeyRotation,
  ensureAuditGenesis,
  readAuditEntries,
  readAuditHead,
  readAuditHeadText,
  readAuditLines,
  readOpenRunEntries,
  readUnreclaimedEntries,
} from './log.js';
import { verifyAuditLog } from './verify.js';
import { useTempStore } from '../../test/helpers/store.js';

const keys = generateKeyPairSync('ed25519');
let clock = new Date('2025-03-01T00:00:00Z');
const signer: AuditSigner = { privateKey: keys.privateKey, actor: 'ops@example-host', now: () => clock };

let db: Db;
useTempStore((opened) => (db = opened));
beforeEach(() => {
  clock = new Date('2025-03-01T00:00:00Z');
});

describe('appendAuditEntry', () => {
  it('chains signed entries and keeps the signed head in step', () => {
    const first = appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', reason: 'police request 2025-17' });
    clock = new Date('2025-03-01T00:00:01.500Z');
    const second = appendAuditEntry(db, signer, {
      event: 'purge.outcome',
      command: 'purge',
      run_id: 'r1',
      location: 'local/firewall-events',
      counts: { planned: 3, deleted: 3 },
    });
    // The first append to a log writes its genesis entry first.
    const [genesis] = readAuditEntries(db);
    expect(genesis).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH, event: 'audit.genesis', command: 'hold add' });
    expect(genesis!.details).toEqual({
      public_key: encodePublicKey(keys.publicKey),
      key_fingerprint: keyFingerprint(keys.publicKey),
      store_created_at: '2025-03-01T00:00:00.000Z',
    });
    expect(first).toMatchObject({ v: 1, seq: 2, prev_hash: genesis!.hash, actor: 'ops@example-host', time: '2025-03-01T00:00:00.000Z', details: null });
    expect(second).toMatchObject({ seq: 3, prev_hash: first.hash, time: '2025-03-01T00:00:01.500Z' });
    for (const entry of [first, second]) {
      const bytes = buildCanonicalBytes(entry);
      expect(entry.hash).toBe(hashBytes(bytes));
      expect(hasValidSignature(bytes, entry.signature, keys.publicKey)).toBe(true);
    }
    expect(readAuditEntries(db)).toEqual([genesis, first, second]);
    expect(readAuditEntries(db, { since: new Date('2025-03-01T00:00:01Z') })).toEqual([second]);
    expect(readAuditHead(db)).toMatchObject({ type: 'head', count: 3, last_hash: second.hash, time: '2025-03-01T00:00:01.500Z' });
  });

  it('stores each entry as canonical JSON', () => {
    const entry = appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', details: { b: 1, a: 'ü' } });
    const row = db.prepare('SELECT entry, hash FROM audit_log WHERE seq = ?').get(entry.seq) as { entry: string; hash: string };
    expect(row.entry).toBe(canonicalJson(entry));
    expect(row.hash).toBe(entry.hash);
  });

  it('is atomic with the caller’s transaction: a rollback leaves neither the entry nor the head', () => {
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    const headBefore = readAuditHead(db);
    expect(() =>
      db.transaction(() => {
        appendAuditEntry(db, signer, { event: 'purge.outcome', command: 'purge' });
        throw new Error('deletion failed');
      })(),
    ).toThrow('deletion failed');
    expect(readAuditEntries(db)).toHaveLength(2);
    expect(readAuditHead(db)).toEqual(headBefore);
  });

  it.each([
    ['reason', { reason: 'blocked 203.0.113.5 twice' }],
    ['reason with port', { reason: 'from 203.0.113.5:443.' }],
    ['IPv6 subject', { subjects: ['2001:db8::1'] }],
    ['IPv6 in brackets', { details: { url: 'http://[2001:DB8::1]:8080/' } }],
    ['CIDR in details', { details: { network: '198.51.100.0/24' } }],
    ['nested array', { details: { hits: [{ ip: '::ffff:192.0.2.1' }] } }],
    ['location', { location: 'local/10.0.0.1' }],
    ['detail key', { details: { '192.0.2.1': 1 } }],
    ['zone id', { reason: 'fe80::1%eth0' }],
    ['leading zeros', { reason: 'blocked 203.0.113.005' }],
    ['leading zeros in every part', { reason: '010.000.000.001/8' }],
    ['hex parts', { reason: 'from 0xcb.0.113.5' }],
    ['mapped IPv6 with leading zeros', { reason: '::ffff:203.000.113.005' }],
    ['IPv6 with leading zeros in groups', { reason: '2001:0DB8:0000:0000::0001' }],
  ])('refuses a raw IP in %s', (_name, extra) => {
    expect(() => appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', ...extra })).toThrow(AuditContentError);
    expect(readAuditEntries(db)).toEqual([]);
  });

  it('refuses a raw IP in the actor', () => {
    expect(() => appendAuditEntry(db, { ...signer, actor: 'root@192.0.2.7' }, { event: 'hold.add', command: 'hold add' })).toThrow(/raw IP/);
  });

  it.each([
    ['a fraction jq prints differently', { details: { ratio: 1e-7 } }],
    ['an unsafe integer', { counts: { deleted: 2 ** 53 } }],
    ['a non-ASCII key', { details: { schlüssel: 1 } }],
    ['U+007F', { reason: 'a\u007fb' }],
    ['a lone surrogate', { reason: 'a\ud800b' }],
    ['a Date object', { details: { at: new Date(0) } }],
  ])('refuses non-portable JSON: %s', (_name, extra) => {
    expect(() => appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', ...extra })).toThrow(AuditContentError);
  });

  it('accepts hashes, UUIDs, ISO times, versions of words that only look hexadecimal', () => {
    const entry = appendAuditEntry(db, signer, {
      event: 'purge.intent',
      command: 'purge',
      run_id: '550e8400-e29b-41d4-a716-446655440000',
      policy_hash: 'sha256:' + 'ab'.repeat(32),
      subjects: ['hmac-sha256:' + 'cd'.repeat(32)],
      reason: 'Retention ended; café 한국어 😀 "quotes" \\ and a new\nline',
      details: { oldest: '2025-01-01T00:00:00Z', count: 12, share: 0.25, ids: ['deadbeef', 'cafe'], mac: 'aa:bb:cc:dd:ee:ff' },
    });
    expect(entry.seq).toBe(2);
  });

  it('refuses to extend a log whose tail no longer matches the signed head', () => {
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    appendAuditEntry(db, signer, { event: 'hold.release', command: 'hold release' });
    db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
    expect(() => appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' })).toThrow(/does not match its signed head/);
  });
});

describe('open intents (selectOpenIntents over readOpenRunEntries)', () => {
  const findOpenIntents = (store: Db) => selectOpenIntents(readOpenRunEntries(store));

  it('returns intents whose run has no later entry', () => {
    appendAuditEntry(db, signer, { event: 'purge.intent', command: 'purge', run_id: 'done' });
    appendAuditEntry(db, signer, { event: 'purge.intent', command: 'purge', run_id: 'crashed' });
    appendAuditEntry(db, signer, { event: 'purge.outcome', command: 'purge', run_id: 'done' });
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    appendAuditEntry(db, signer, { event: 'cloudflare.delete.intent', command: 'purge', run_id: 'later' });
    expect(findOpenIntents(db).map((e) => [e.seq, e.run_id])).toEqual([
      [3, 'crashed'],
      [6, 'later'],
    ]);
  });

  it('a progress entry keeps its run open; an outcome or a reconciliation after it closes it', () => {
    appendAuditEntry(db, signer, { event: 'archive.delete.intent', command: 'purge', run_id: 'killed' });
    appendAuditEntry(db, signer, { event: 'archive.delete.progress', command: 'purge', run_id: 'killed', counts: { deleted: 2000 } });
    appendAuditEntry(db, signer, { event: 'archive.delete.intent', command: 'purge', run_id: 'finished' });
    appendAuditEntry(db, signer, { event: 'archive.delete.progress', command: 'purge', run_id: 'finished', counts: { deleted: 2000 } });
    appendAuditEntry(db, signer, { event: 'archive.delete.outcome', command: 'purge', run_id: 'finished', counts: { deleted: 2100 } });
    expect(findOpenIntents(db).map((e) => [e.seq, e.run_id])).toEqual([[2, 'killed']]);
    appendAuditEntry(db, signer, { event: 'archive.delete.reconciled', command: 'purge', run_id: 'killed', counts: { deleted: 2000 } });
    expect(findOpenIntents(db)).toEqual([]);
  });

  it('is empty for an empty log', () => {
    expect(findOpenIntents(db)).toEqual([]);
  });

  it('a store from before the run/event columns migrates, even with an entry that is not JSON, and finds its open runs', () => {
    const path = join(dirname(db.name), 'old.db');
    const old = new Database(path);
    for (const migration of MIGRATIONS.filter((m) => m.version < 6)) old.exec(migration.sql);
    old.pragma('user_version = 5');
    const insert = old.prepare('INSERT INTO audit_log (seq, entry, hash) VALUES (?, ?, ?)');
    let previous: AuditEntry | undefined;
    for (const [event, runId] of [
      ['purge.intent', 'done'],
      ['purge.outcome', 'done'],
      ['archive.delete.intent', 'killed'],
      ['archive.delete.progress', 'killed'],
    ] as const) {
      previous = buildAuditEntry(previous, signer, { event, command: 'purge', run_id: runId });
      insert.run(previous.seq, canonicalJson(previous), previous.hash);
    }
    insert.run(5, '{"event":"purge.outcome","run_id":"killed"', 'sha256:tampered'); // cut short: not JSON
    old.close();
    const migrated = openStore(path);
    try {
      expect(readOpenRunEntries(migrated).map((e) => [e.seq, e.event])).toEqual([
        [3, 'archive.delete.intent'],
        [4, 'archive.delete.progress'],
      ]);
      expect(readUnreclaimedEntries(migrated)).toEqual([]);
      expect(() => readAuditEntries(migrated)).toThrow('Audit entry 5 in the store is not valid JSON');
    } finally {
      migrated.close();
    }
  });
});

describe('appendAuditEntry across connections', () => {
  it('serialises two writers on the same store file', () => {
    const other = openStore(db.name);
    try {
      for (let i = 0; i < 10; i++) {
        appendAuditEntry(i % 2 === 0 ? db : other, signer, { event: 'hold.add', command: 'hold add' });
      }
      expect(readAuditEntries(other).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      other.close();
    }
  });
});

describe('genesis in the store', () => {
  const verifyStore = () => verifyAuditLog(readAuditLines(db), keys.publicKey, readAuditHeadText(db));

  it('is written once, by init or the first append, and verify requires it', () => {
    expect(ensureAuditGenesis(db, signer, 'init')).toMatchObject({ seq: 1, event: 'audit.genesis', command: 'init' });
    expect(ensureAuditGenesis(db, signer, 'init')).toBeUndefined();
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    expect(verifyStore()).toMatchObject({ ok: true, genesis: 'verified', entries: 2 });
  });

  it('refuses to append to a wiped log, and verify calls it broken', () => {
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    db.exec('DELETE FROM audit_log; DELETE FROM audit_head;');
    expect(() => appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' })).toThrow(/lost its genesis entry \(seq 1\): it may have been wiped/);
    expect(() => ensureAuditGenesis(db, signer, 'init')).toThrow(/lost its genesis entry/);
    expect(readAuditEntries(db)).toEqual([]);
    expect(verifyStore().errors).toEqual([{ entry: 0, line: 0, reason: 'no genesis: the log is empty; it may have been wiped' }]);
  });

  it('adopts a log written before genesis entries existed, once', () => {
    // A store of the old tool: entries from seq 1 and no genesis, nor any record of one.
    const old = [buildAuditEntry(undefined, signer, { event: 'hold.add', command: 'hold add' })];
    old.push(buildAuditEntry(old[0], signer, { event: 'hold.release', command: 'hold release' }));
    for (const entry of old) db.prepare('INSERT INTO audit_log (seq, entry, hash) VALUES (?, ?, ?)').run(entry.seq, canonicalJson(entry), entry.hash);
    db.prepare('INSERT INTO audit_head (id, checkpoint) VALUES (1, ?)').run(canonicalJson(buildAuditHead(2, old[1]!.hash, signer)));
    expect(verifyStore().errors[0]!.reason).toMatch(/^no genesis: its first entry is a "hold.add" entry/);

    const genesis = ensureAuditGenesis(db, signer, 'init');
    expect(genesis).toMatchObject({ seq: 3, details: { adopted_entries: 2, store_created_at: old[0]!.time } });
    expect(verifyStore()).toMatchObject({ ok: true, genesis: 'adopted' });
  });

  it('signs the head of a key rotation with the new key, which alone can extend the log', () => {
    const next = generateKeyPairSync('ed25519');
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    const rotation = appendKeyRotation(db, signer, next.privateKey, 'scheduled');
    expect(rotation).toMatchObject({ seq: 3, event: 'keys.rotate', reason: 'scheduled', details: { new_key_fingerprint: keyFingerprint(next.publicKey) } });
    const head = readAuditHead(db)!;
    expect(hasValidSignature(buildHeadBytes(head), head.signature, next.publicKey)).toBe(true);
    appendAuditEntry(db, { ...signer, privateKey: next.privateKey }, { event: 'hold.add', command: 'hold add' });
    expect(verifyStore()).toMatchObject({ ok: true, keys: [{ from_seq: 1 }, { from_seq: 4, fingerprint: keyFingerprint(next.publicKey) }] });
  });
});
