import { createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildCanonicalBytes, hasValidSignature, type AuditEntry } from '../../src/audit/entry.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { describeEachStore, newStoreTarget, type TestStoreTarget } from '../helpers/store-kinds.js';
import { describePg, TEST_DATABASE_URL, waitForLockWait } from '../postgres/pg-test-store.js';

interface HoldJson {
  id: string;
  ip: string;
  status: string;
  reason: string;
}

/** A LUXERET_HOME of its own (its own keys), with the store's config, made by `init`. */
async function initHost(dir: string, target: TestStoreTarget): Promise<Record<string, string>> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'config.yaml'), target.configYaml, { mode: 0o600 });
  const env = { LUXERET_HOME: home, ...target.env };
  const init = await runCli(['init'], { env });
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  return env;
}

async function listHolds(env: Record<string, string>): Promise<HoldJson[]> {
  const listed = await runCli(['hold', 'list', '--json'], { env });
  expect(listed.stderr).toBe('');
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as HoldJson[];
}

/** The shared PostgreSQL store as another host opens it. */
const openPortOf = (target: TestStoreTarget) => target.openPort('');

/** Runs one statement on the store behind the CLI's back (SQLite file, or the PostgreSQL schema), as a tamperer would. */
async function tamper(target: TestStoreTarget, home: string, sql: string): Promise<void> {
  if (target.kind === 'sqlite') {
    const db = new Database(join(home, 'luxeret.db'));
    try {
      db.prepare(sql).run();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${/store_schema: (\w+)/.exec(target.configYaml)![1]!}`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describeEachStore('hold add, list and release', (kind) => {
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let env: Record<string, string>;
  beforeEach(async () => {
    temp = makeTempDir();
    target = newStoreTarget(kind);
    env = await initHost(temp.dir, target);
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('records the hold and its signed audit entry, lists it, and releases it with another entry', async () => {
    const added = await runCli(['hold', 'add', '--ip', '203.0.113.0/24', '--reason', 'Police request', '--reference', 'KNPA-2026-123'], { env });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(id).toMatch(/^hold_[0-9a-f]{8}$/);
    expect(await listHolds(env)).toEqual([expect.objectContaining({ id, ip: '203.0.113.0/24', status: 'active', reason: 'Police request' })]);

    const released = await runCli(['hold', 'release', id, '--reason', 'Case closed'], { env });
    expect(released.stderr).toBe('');
    expect(released).toMatchObject({ code: 0, stdout: `released ${id}\n` });
    expect(await listHolds(env)).toEqual([expect.objectContaining({ id, status: 'released' })]);

    const again = await runCli(['hold', 'release', id, '--reason', 'Case closed'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Hold ${id} was already released at`);
    const unknown = await runCli(['hold', 'release', 'hold_00000000', '--reason', 'Case closed'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No hold with id hold_00000000');

    const store = await target.openPort(join(temp.dir, 'home'));
    try {
      const entries = (await store.readAuditLines()).map((line) => JSON.parse(line) as { seq: number; event: string; details: { hold_id?: string } });
      expect(entries.map((e) => [e.seq, e.event, e.details.hold_id])).toEqual([
        [1, 'audit.genesis', undefined],
        [2, 'hold.add', id],
        [3, 'hold.release', id],
      ]);
      expect((await store.readAuditHead())?.count).toBe(3);
      const [hold] = await store.readHolds();
      expect(hold).toMatchObject({ id, network: '203.0.113.0/24', reference: 'KNPA-2026-123', releasedAt: expect.any(Date) });
    } finally {
      await store.close();
    }
  });

  it('a hold whose audit entry cannot be written is not recorded either (one transaction)', async () => {
    expect((await runCli(['hold', 'add', '--ip', '203.0.113.7', '--reason', 'Police request'], { env })).code).toBe(0);
    // The log now refuses every append: its genesis record no longer matches the stored genesis entry.
    await tamper(target, join(temp.dir, 'home'), `UPDATE meta SET value = '{"seq":1,"hash":"0000"}' WHERE key = 'audit_genesis'`);
    const refused = await runCli(['hold', 'add', '--ip', '198.51.100.0/24', '--reason', 'Police request'], { env });
    expect(refused.code).toBe(7);
    expect(refused.stderr).toContain('The audit log has lost its genesis entry (seq 1)');
    expect((await listHolds(env)).map((h) => h.ip)).toEqual(['203.0.113.7']);
  });

  it('an invalid hold changes nothing: no row, no audit entry', async () => {
    const store = await target.openPort(join(temp.dir, 'home'));
    try {
      const before = await store.readAuditLines();
      const bad = await runCli(['hold', 'add', '--ip', '203.0.113.7', '--reason', 'seen at 198.51.100.1'], { env });
      expect(bad.code).toBe(2);
      expect(await store.readHolds()).toEqual([]);
      expect(await store.readAuditLines()).toEqual(before);
    } finally {
      await store.close();
    }
  });
});

describePg('holds shared by two hosts on one PostgreSQL schema', () => {
  let temps: { dir: string; cleanup: () => void }[];
  let target: TestStoreTarget;
  beforeEach(() => {
    temps = [makeTempDir(), makeTempDir()];
    target = newStoreTarget('postgres');
  });
  afterEach(async () => {
    await target.cleanup();
    for (const temp of temps) temp.cleanup();
  });

  it('a hold added on host A is listed on host B, released there, and seen released on A; each host signs with its own key', async () => {
    const hostA = await initHost(temps[0]!.dir, target);
    const hostB = await initHost(temps[1]!.dir, target);
    const added = await runCli(['hold', 'add', '--ip', '2001:db8::/48', '--reason', 'Prosecutor order'], { env: hostA });
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    expect(await listHolds(hostB)).toEqual([expect.objectContaining({ id, ip: '2001:db8::/48', status: 'active' })]);
    const released = await runCli(['hold', 'release', id, '--reason', 'Case closed'], { env: hostB });
    expect(released.code).toBe(0);
    expect(await listHolds(hostA)).toEqual([expect.objectContaining({ id, status: 'released' })]);

    const store = await openPortOf(target);
    try {
      const entries = (await store.readAuditLines()).map((line) => JSON.parse(line) as AuditEntry);
      // B's first entry is preceded by the enrolment of its key, signed by that key (docs/audit.md).
      expect(entries.map((e) => e.event)).toEqual(['audit.genesis', 'hold.add', 'keys.enrol', 'hold.release']);
      // One chain: each entry links to the one before, whichever host wrote it.
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.prev_hash).toBe(entries[i - 1]!.hash);
      const publicKey = (env: Record<string, string>) => createPublicKey(readFileSync(join(env['LUXERET_HOME']!, 'keys', 'audit-public-key.pem')));
      const signedBy = (entry: AuditEntry) => [hostA, hostB].map((env) => hasValidSignature(buildCanonicalBytes(entry), entry.signature, publicKey(env)));
      expect(entries.slice(1).map(signedBy)).toEqual([
        [true, false],
        [false, true],
        [false, true],
      ]);
    } finally {
      await store.close();
    }
  });
  it('a hold added while another host’s purge holds the audit head waits for it, then commits with its entry', async () => {
    const hostA = await initHost(temps[0]!.dir, target);
    const hostB = await openPortOf(target);
    try {
      // What a purge on host B does first inside its transaction: lock the audit head and read the holds.
      let headLocked!: () => void;
      const locked = new Promise<void>((resolve) => (headLocked = resolve));
      let finishPurge!: () => void;
      const purgeMayCommit = new Promise<void>((resolve) => (finishPurge = resolve));
      const purge = hostB.transaction(async (tx) => {
        const holds = await tx.readHolds();
        headLocked();
        await purgeMayCommit;
        return holds.length;
      });
      await locked;
      let addDone = false;
      const add = runCli(['hold', 'add', '--ip', '192.0.2.0/24', '--reason', 'Police request'], { env: hostA }).then((result) => ((addDone = true), result));
      // The add is seen waiting on the audit head that host B's transaction holds, not guessed from a pause.
      const watcher = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
      try {
        await waitForLockWait(watcher, /store_schema: (\w+)/.exec(target.configYaml)![1]!);
      } finally {
        await watcher.end();
      }
      expect(addDone).toBe(false);
      expect(await listHolds(hostA)).toEqual([]);
      finishPurge();
      expect(await purge).toBe(0);
      const added = await add;
      expect(added.code).toBe(0);
      expect(await listHolds(hostA)).toEqual([expect.objectContaining({ id: added.stdout.trim(), status: 'active' })]);
      expect((await hostB.readAuditLines()).map((line) => (JSON.parse(line) as AuditEntry).event)).toEqual(['audit.genesis', 'hold.add']);
    } finally {
      await hostB.close();
    }
  });
});
