import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditSigner } from '../../src/audit/entry.js';
import { AuditContentError } from '../../src/audit/log.js';
import { verifyAuditLog } from '../../src/audit/verify.js';
import { withTransaction, type PgStore } from '../../src/store/postgres/connection.js';
import { appendPgAuditEntry, readPgAuditHead, readPgAuditLines } from '../../src/store/postgres/audit-log.js';
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
});
