import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../store/db.js';
import { canonicalJson } from './canonical-json.js';
import { buildCanonicalBytes, GENESIS_HASH, hasValidSignature, hashBytes, type AuditSigner } from './entry.js';
import { AuditContentError, appendAuditEntry, findOpenIntents, readAuditEntries, readAuditHead } from './log.js';
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
    expect(first).toMatchObject({ v: 1, seq: 1, prev_hash: GENESIS_HASH, actor: 'ops@example-host', time: '2025-03-01T00:00:00.000Z', details: null });
    expect(second).toMatchObject({ seq: 2, prev_hash: first.hash, time: '2025-03-01T00:00:01.500Z' });
    for (const entry of [first, second]) {
      const bytes = buildCanonicalBytes(entry);
      expect(entry.hash).toBe(hashBytes(bytes));
      expect(hasValidSignature(bytes, entry.signature, keys.publicKey)).toBe(true);
    }
    expect(readAuditEntries(db)).toEqual([first, second]);
    expect(readAuditEntries(db, { since: new Date('2025-03-01T00:00:01Z') })).toEqual([second]);
    expect(readAuditHead(db)).toMatchObject({ type: 'head', count: 2, last_hash: second.hash, time: '2025-03-01T00:00:01.500Z' });
  });

  it('stores each entry as canonical JSON', () => {
    const entry = appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add', details: { b: 1, a: 'ü' } });
    const row = db.prepare('SELECT entry, hash FROM audit_log').get() as { entry: string; hash: string };
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
    expect(readAuditEntries(db)).toHaveLength(1);
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
    ['a non-ASCII key', { details: { 'schlüssel': 1 } }],
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
    expect(entry.seq).toBe(1);
  });

  it('refuses to extend a log whose tail no longer matches the signed head', () => {
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    appendAuditEntry(db, signer, { event: 'hold.release', command: 'hold release' });
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(() => appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' })).toThrow(/does not match its signed head/);
  });
});

describe('findOpenIntents', () => {
  it('returns intents whose run has no later entry', () => {
    appendAuditEntry(db, signer, { event: 'purge.intent', command: 'purge', run_id: 'done' });
    appendAuditEntry(db, signer, { event: 'purge.intent', command: 'purge', run_id: 'crashed' });
    appendAuditEntry(db, signer, { event: 'purge.outcome', command: 'purge', run_id: 'done' });
    appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
    appendAuditEntry(db, signer, { event: 'cloudflare.delete.intent', command: 'purge', run_id: 'later' });
    expect(findOpenIntents(db).map((e) => [e.seq, e.run_id])).toEqual([
      [2, 'crashed'],
      [5, 'later'],
    ]);
  });

  it('is empty for an empty log', () => {
    expect(findOpenIntents(db)).toEqual([]);
  });
});

describe('appendAuditEntry across connections', () => {
  it('serialises two writers on the same store file', () => {
    const other = openStore(db.name);
    try {
      for (let i = 0; i < 10; i++) {
        appendAuditEntry(i % 2 === 0 ? db : other, signer, { event: 'hold.add', command: 'hold add' });
      }
      expect(readAuditEntries(other).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      other.close();
    }
  });
});
