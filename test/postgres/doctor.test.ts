import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { addZone, type Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { describePg, dropTestStore, openTestStore, TEST_DATABASE_URL } from './pg-test-store.js';

const PASSWORD = 'pg-s3cret-in-the-url';
type DoctorJson = { ok: boolean; checks: { name: string; status: string; detail: string; hint?: string }[] };

/** The test server's URL with another user, port or a password (trust auth ignores the password). */
function databaseUrl(change: { user?: string; port?: number; password?: string }): string {
  const url = new URL(TEST_DATABASE_URL);
  if (change.user) url.username = change.user;
  if (change.port) url.port = String(change.port);
  if (change.password) url.password = change.password;
  return url.toString();
}

describePg('doctor on a PostgreSQL store', () => {
  let emulator: Emulator;
  let home: string;
  let cleanup: () => void;
  let store: PgStore | undefined;
  let zoneId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    zoneId = addZone(emulator.state, { name: 'luxeret.com', plan: 'business' }).id;
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    home = join(temp.dir, 'home');
    expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
  });
  afterAll(async () => {
    await emulator.close();
    cleanup();
  });
  afterEach(async () => {
    if (store) await dropTestStore(store);
    store = undefined;
  });

  const doctor = async (url: string, schema: string, format: 'text' | 'json') => {
    writeFileSync(join(home, 'config.yaml'), `zones:\n  - id: "${zoneId}"\nstore_schema: ${schema}\n`);
    const argv = format === 'json' ? ['doctor', '--format', 'json'] : ['doctor'];
    return runCli(argv, { env: { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl, LUXERET_DATABASE_URL: url } });
  };
  const pgChecks = (stdout: string) => (JSON.parse(stdout) as DoctorJson).checks.filter((c) => c.name.startsWith('postgres'));

  it('passes on a fresh migrated schema, says commands not yet on it refuse it, and never shows the password', async () => {
    store = await openTestStore();
    const url = databaseUrl({ password: PASSWORD });
    const json = await doctor(url, store.schema, 'json');
    const checks = pgChecks(json.stdout);
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['postgres store', 'pass'],
      ['postgres connection', 'pass'],
      ['postgres server', 'pass'],
      ['postgres privileges', 'pass'],
      ['postgres schema', 'pass'],
      ['postgres WAL', 'pass'],
    ]);
    expect(checks[0]!.detail).toContain('every command uses it instead of the SQLite store in LUXERET_HOME');
    expect(checks[4]!.detail).toBe(`schema ${store.schema} at version 6`);
    expect(checks[5]!.detail).toMatch(
      /^wal_level \w+, archiving off; WAL keeps copies of deleted rows until its segments are recycled \(wal_keep_size \d+ MB, max_wal_size \d+ MB\)$/,
    );
    expect(json.code).toBe(0);
    const text = await doctor(url, store.schema, 'text');
    expect(text.stdout).toMatch(/PASS {2}postgres connection: connected to 127\.0\.0\.1:5432\/test as role \w+$/m);
    expect(text.stdout).toMatch(/PASS {2}postgres server: PostgreSQL 1[3-9]/);
    expect(text.code).toBe(0);
    for (const output of [json, text]) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
  });

  it('fails on an unreachable port, naming host, port and database but not the password', async () => {
    const url = databaseUrl({ port: 1, password: PASSWORD });
    const text = await doctor(url, 'luxeret', 'text');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL {2}postgres connection: could not connect to 127\.0\.0\.1:1\/test as \w+: .*ECONNREFUSED/);
    const json = await doctor(url, 'luxeret', 'json');
    expect(json.code).toBe(1);
    expect(pgChecks(json.stdout).map((c) => [c.name, c.status])).toEqual([
      ['postgres store', 'pass'],
      ['postgres connection', 'fail'],
    ]);
    for (const output of [json, text]) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
  });

  it('names the privileges a role without any lacks', async () => {
    store = await openTestStore();
    const role = `lux_doctor_${randomBytes(4).toString('hex')}`;
    await store.pool.query(`CREATE ROLE ${role} LOGIN`);
    try {
      const migrated = pgChecks((await doctor(databaseUrl({ user: role }), store.schema, 'json')).stdout);
      expect(migrated.find((c) => c.name === 'postgres privileges')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`role ${role} lacks USAGE on schema ${store.schema}; CREATE on schema`),
      });
      expect(migrated.find((c) => c.name === 'postgres privileges')?.detail).toContain(
        'SELECT, INSERT, UPDATE, DELETE on 12 tables (audit_head, audit_log, cloudflare_object_activity, firewall_events, …); ownership of 12 tables',
      );
      expect(migrated.find((c) => c.name === 'postgres schema')).toMatchObject({
        status: 'fail',
        detail: `schema ${store.schema} exists but its version is not readable by role ${role}`,
      });
      const fresh = await doctor(databaseUrl({ user: role }), `lux_absent_${randomBytes(4).toString('hex')}`, 'text');
      expect(fresh.code).toBe(1);
      expect(fresh.stdout).toContain(`FAIL  postgres privileges: role ${role} lacks CREATE on database test (init creates schema lux_absent_`);
      expect(fresh.stdout).toMatch(/WARN {2}postgres schema: schema lux_absent_\w+ does not exist yet/);
    } finally {
      await store.pool.query(`DROP ROLE ${role}`);
    }
  });
});
