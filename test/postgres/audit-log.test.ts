import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditSigner } from '../../src/audit/entry.js';
import { keyFingerprint } from '../../src/audit/key-entries.js';
import { buildKeyHistory } from '../../src/audit/key-history.js';
import { AuditContentError } from '../../src/audit/log.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { KeyError, StoreError } from '../../src/errors.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { appendPgAuditEntry, ensurePgAuditGenesis, readPgAuditHead, readPgAuditLines } from '../../src/store/postgres/audit-log.js';
import { describePg, dropTestStore, openSecondHost, openTestStore } from './pg-test-store.js';

const keys = generateKeyPairSync('ed25519');
const signerOn = (host: string): AuditSigner => ({ privateKey: keys.privateKey, actor: `ops@${host}`, now: () => new Date() });

describePg('PostgreSQL audit chain', () => {
  let store: PgStore;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => dropTestStore(store));

  const readLog = () => withTransaction(store, async (tx) => ({ lines: await readPgAuditLines(tx), head: await readPgAuditHead(tx) }));
  const hostKey = (): { privateKey: KeyObject; publicKey: KeyObject } => generateKeyPairSync('ed25519');
  const signerWith = (privateKey: KeyObject, host: string): AuditSigner => ({ privateKey, actor: `ops@${host}`, now: () => new Date() });
  const events = (lines: readonly string[]) => lines.map((line) => JSON.parse(line) as AuditEntry);

  it('starts with a genesis entry and chains signed entries that verify, head included', async () => {
    const entry = await withTransaction(store, (tx) =>
      appendPgAuditEntry(tx, signerOn('a'), { event: 'hold.add', command: 'hold add', reason: 'police request' }),
    );
    expect(entry.seq).toBe(2);
    const { lines, head } = await readLog();
    expect(lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(['audit.genesis', 'hold.add']);
    const verification = verifyAuditLog(lines, keys.publicKey, head);
    expect(verification).toMatchObject({ ok: true, entries: 2, head: 'verified', genesis: 'verified' });
  });

  it('two hosts appending at once never fork the chain', async () => {
    const other = openSecondHost(store);
    try {
      const append = (on: PgStore, host: string, i: number) =>
        withTransaction(on, (tx) => appendPgAuditEntry(tx, signerOn(host), { event: 'purge.outcome', command: 'purge', counts: { n: i } }));
      const written = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? append(store, 'a', i) : append(other, 'b', i))));
      expect(written.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
      const { lines, head } = await readLog();
      expect(lines).toHaveLength(41);
      expect(verifyAuditLog(lines, keys.publicKey, head)).toMatchObject({ ok: true, entries: 41, head: 'verified' });
    } finally {
      await other.close();
    }
  });

  it('an entry and the deletion it records commit together or not at all', async () => {
    await withTransaction(store, (tx) => appendPgAuditEntry(tx, signerOn('a'), { event: 'hold.add', command: 'hold add' }));
    await expect(
      withTransaction(store, async (tx) => {
        await appendPgAuditEntry(tx, signerOn('a'), { event: 'purge.outcome', command: 'purge' });
        throw new Error('the delete failed');
      }),
    ).rejects.toThrow('the delete failed');
    expect((await readLog()).lines).toHaveLength(2);
  });

  it('refuses to append after a truncated tail, and refuses a raw IP', async () => {
    await withTransaction(store, (tx) => appendPgAuditEntry(tx, signerOn('a'), { event: 'hold.add', command: 'hold add' }));
    await store.pool.query('DELETE FROM audit_log WHERE seq = 2');
    await expect(withTransaction(store, (tx) => appendPgAuditEntry(tx, signerOn('a'), { event: 'purge.outcome', command: 'purge' }))).rejects.toThrow(
      'does not match its signed head checkpoint',
    );
    await expect(
      withTransaction(store, (tx) => appendPgAuditEntry(tx, signerOn('a'), { event: 'hold.add', command: 'hold add', reason: 'for 198.51.100.7' })),
    ).rejects.toBeInstanceOf(AuditContentError);
  });

  it('two hosts with their own keys appending at once give one chain that verifies with both public keys, and not with one', async () => {
    const a = hostKey();
    const b = hostKey();
    const other = openSecondHost(store);
    try {
      await withTransaction(store, (tx) => ensurePgAuditGenesis(tx, signerWith(a.privateKey, 'a'), 'init'));
      const append = (on: PgStore, key: KeyObject, host: string, i: number) =>
        withTransaction(on, (tx) => appendPgAuditEntry(tx, signerWith(key, host), { event: 'purge.outcome', command: 'purge', counts: { n: i } }));
      const written = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? append(store, a.privateKey, 'a', i) : append(other, b.privateKey, 'b', i))),
      );
      const { lines, head } = await readLog();
      // Genesis, 40 entries and host b's one enrolment, in one unforked chain.
      expect(lines).toHaveLength(42);
      expect(new Set(written.map((e) => e.seq)).size).toBe(40);
      const entries = events(lines);
      expect(entries.filter((e) => e.event === 'keys.enrol')).toEqual([
        expect.objectContaining({
          actor: 'ops@b',
          signed_by: keyFingerprint(b.publicKey),
          details: expect.objectContaining({ key_fingerprint: keyFingerprint(b.publicKey) }),
        }),
      ]);
      // Each entry names the key that signed it: its host's.
      for (const entry of entries) expect(entry.signed_by).toBe(keyFingerprint(entry.actor === 'ops@a' ? a.publicKey : b.publicKey));

      const both = verifyAuditLog(lines, [a.publicKey, b.publicKey], head);
      expect(both).toMatchObject({ ok: true, entries: 42, head: 'verified', genesis: 'verified' });
      expect(both.keys_in_force).toEqual([keyFingerprint(a.publicKey), keyFingerprint(b.publicKey)]);
      // Without named keys, verify follows the log's own key entries (and prints the keys to compare).
      expect(verifyAuditLog(lines, undefined, head)).toMatchObject({
        ok: true,
        keys: [{ fingerprint: keyFingerprint(a.publicKey), from_seq: 1 }, { fingerprint: keyFingerprint(b.publicKey) }],
      });

      const onlyA = verifyAuditLog(lines, a.publicKey, head);
      expect(onlyA.ok).toBe(false);
      expect(onlyA.errors[0]?.reason).toBe(
        `enrols key ${keyFingerprint(b.publicKey)}, which is not among the keys verify was given: its entries do not verify`,
      );
      expect(onlyA.errors.map((e) => e.reason)).toContain(
        `signed by key ${keyFingerprint(b.publicKey)}, which is not in force here and not among the keys verify was given`,
      );
      const onlyB = verifyAuditLog(lines, b.publicKey, head);
      expect(onlyB.ok).toBe(false);
      expect(onlyB.errors[0]?.reason).toContain(`the genesis entry names key ${keyFingerprint(a.publicKey)}, not the key verify was given`);
    } finally {
      await other.close();
    }
  });

  it('fails an entry signed by a key neither the log has in force nor verify was given', async () => {
    const a = hostKey();
    const intruder = hostKey();
    await withTransaction(store, (tx) => appendPgAuditEntry(tx, signerWith(a.privateKey, 'a'), { event: 'hold.add', command: 'hold add' }));
    const { lines } = await readLog();
    const last = events(lines).at(-1)!;
    // Written straight into the table, without the enrolment a host's first append makes.
    const forged = buildAuditEntry(last, signerWith(intruder.privateKey, 'x'), { event: 'hold.release', command: 'hold release' }, { isKeyRecorded: true });
    const forgedHead = buildAuditHead(forged.seq, forged.hash, signerWith(intruder.privateKey, 'x'), { isKeyRecorded: true });
    const withForged = [...lines, canonicalJson(forged)];
    for (const given of [undefined, [a.publicKey]]) {
      const result = verifyAuditLog(withForged, given, canonicalJson(forgedHead));
      expect(result.ok).toBe(false);
      expect(result.errors[0]).toMatchObject({
        entry: 3,
        reason: expect.stringContaining(`signed by key ${keyFingerprint(intruder.publicKey)}, which is not in force here`),
      });
      expect(result.errors.map((e) => e.reason)).toContain(
        `the head checkpoint is signed by key ${keyFingerprint(intruder.publicKey)}, which is not in force at seq 3`,
      );
    }
  });

  it('genesis, key in force and rotation behave as on SQLite, through the store port', async () => {
    const a = hostKey();
    const b = hostKey();
    const hostA = createPgStorePort(store);
    const hostB = createPgStorePort(openSecondHost(store));
    try {
      const genesis = await hostA.ensureAuditGenesis(signerWith(a.privateKey, 'a'), 'init');
      expect(genesis).toMatchObject({ seq: 1, event: 'audit.genesis', details: { key_fingerprint: keyFingerprint(a.publicKey) } });
      expect(await hostA.ensureAuditGenesis(signerWith(a.privateKey, 'a'), 'init')).toBeUndefined();
      expect(await hostA.readKeyInForce()).toBe(keyFingerprint(a.publicKey));
      // `init` on a second host enrols its key; the genesis stays the first host's.
      expect(await hostB.ensureAuditGenesis(signerWith(b.privateKey, 'b'), 'init')).toBeUndefined();
      expect(await hostA.readAuditKeysInForce()).toEqual([keyFingerprint(a.publicKey), keyFingerprint(b.publicKey)]);

      // Host a hands its key over; host b's stays in force.
      const next = hostKey();
      const rotation = await hostA.appendKeyRotation(signerWith(a.privateKey, 'a'), next.privateKey, 'scheduled yearly rotation');
      expect(rotation).toMatchObject({ seq: 3, event: 'keys.rotate', signed_by: keyFingerprint(a.publicKey) });
      expect(await hostB.readAuditKeysInForce()).toEqual([keyFingerprint(b.publicKey), keyFingerprint(next.publicKey)]);
      expect(await hostA.readKeyInForce()).toBe(keyFingerprint(next.publicKey));
      // A retired key never signs again, not even by enrolling anew.
      await expect(hostA.appendAuditEntry(signerWith(a.privateKey, 'a'), { event: 'hold.add', command: 'hold add' })).rejects.toThrow(
        /was retired by the key rotation at seq 3/,
      );
      await expect(hostA.appendAuditEntry(signerWith(a.privateKey, 'a'), { event: 'hold.add', command: 'hold add' })).rejects.toBeInstanceOf(KeyError);
      await hostA.appendAuditEntry(signerWith(next.privateKey, 'a'), { event: 'hold.add', command: 'hold add' });
      await hostB.appendAuditEntry(signerWith(b.privateKey, 'b'), { event: 'hold.release', command: 'hold release' });

      const { entries: lines, head } = await hostB.readAuditExport();
      expect(lines).toHaveLength(5);
      // The operator names each host's first key; the rotation hands a's over.
      const verification = verifyAuditLog(lines, [a.publicKey, b.publicKey], head);
      expect(verification).toMatchObject({ ok: true, head: 'verified' });
      expect(verification.keys_in_force).toEqual([keyFingerprint(b.publicKey), keyFingerprint(next.publicKey)]);
      expect(buildKeyHistory(await hostA.readAuditEntries()).map((k) => [k.how, k.seq, k.retiredAt])).toEqual([
        ['genesis', 1, 3],
        ['enrolment', 2, undefined],
        ['rotation', 3, undefined],
      ]);

      // A wiped genesis is refused, never restarted.
      await store.pool.query('DELETE FROM audit_log WHERE seq = 1');
      await expect(hostA.appendAuditEntry(signerWith(next.privateKey, 'a'), { event: 'hold.add', command: 'hold add' })).rejects.toThrow(
        /lost its genesis entry \(seq 1\)/,
      );
      await store.pool.query('DELETE FROM audit_log');
      await expect(hostA.ensureAuditGenesis(signerWith(next.privateKey, 'a'), 'init')).rejects.toBeInstanceOf(StoreError);
    } finally {
      await hostB.close();
    }
  });

  it('reads entries since a time, the head as written, and keeps time stamp lines in head order', async () => {
    const port = createPgStorePort(store);
    const a = hostKey();
    let now = new Date('2026-11-01T00:00:00Z');
    const signer: AuditSigner = { privateKey: a.privateKey, actor: 'ops@a', now: () => now };
    await port.appendAuditEntry(signer, { event: 'hold.add', command: 'hold add' });
    now = new Date('2026-11-02T00:00:00Z');
    await port.appendAuditEntry(signer, { event: 'hold.release', command: 'hold release' });
    expect((await port.readAuditEntries({ since: new Date('2026-11-02T00:00:00Z') })).map((e) => e.event)).toEqual(['hold.release']);
    expect((await port.readAuditEntries()).map((e) => e.seq)).toEqual([1, 2, 3]);
    const headText = await port.readAuditHeadText();
    expect(JSON.parse(headText!)).toEqual(await port.readAuditHead());
    expect(headText).toBe(canonicalJson(await port.readAuditHead()));
    await port.writeAuditTimestamp(10, '{"type":"timestamp","n":10}');
    await port.writeAuditTimestamp(9, '{"type":"timestamp","n":9}');
    await port.writeAuditTimestamp(10, '{"type":"timestamp","n":"10b"}');
    expect(await port.readAuditTimestampLines()).toEqual(['{"type":"timestamp","n":9}', '{"type":"timestamp","n":"10b"}']);
    expect((await port.readAuditExport()).timestamps).toHaveLength(2);
  });
});
