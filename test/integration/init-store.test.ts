import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { describeEachStore, newStoreTarget, useTargetHome, type TestStoreTarget } from '../helpers/store-kinds.js';
import { describePg, TEST_DATABASE_URL } from '../postgres/pg-test-store.js';

describeEachStore('init', (kind) => {
  let target: TestStoreTarget;
  let home: string;
  let env: Record<string, string>;
  // The store's config (store_schema: for PostgreSQL) is there before init, which must honour it and keep it.
  useTargetHome(kind, (made) => ({ target, home, env } = made), { writeConfig: true });

  it('creates the store, the keys and the genesis entry; a second init changes nothing', async () => {
    const first = await runCli(['init'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(kind === 'sqlite' ? /created {2}.*luxeret\.db\n/ : /created {2}postgres:\/\/.*\(schema lux_test_[0-9a-f]+\)\n/);
    expect(first.stdout).toContain(`created  ${join(home, 'keys', 'audit-signing-key.pem')}`);
    expect(first.stdout).toContain(`exists   ${join(home, 'config.yaml')}`);
    expect(readFileSync(join(home, 'config.yaml'), 'utf8')).toBe(target.configYaml);
    expect(existsSync(join(home, 'luxeret.db'))).toBe(kind === 'sqlite');

    const store = await target.openPort(home);
    try {
      const createdAt = await store.readMeta('store_created_at');
      expect(createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      const lines = await store.readAuditLines();
      expect(first.stdout).toContain('created  audit log genesis entry (seq 1');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, event: 'audit.genesis', command: 'init' });

      const second = await runCli(['init'], { env });
      expect(second.code).toBe(0);
      expect(second.stderr).toBe('');
      expect(second.stdout).not.toContain('created');
      expect(second.stdout).toMatch(kind === 'sqlite' ? /exists {3}.*luxeret\.db\n/ : /exists {3}postgres:\/\/.*\(schema lux_test_[0-9a-f]+\)\n/);
      expect(await store.readAuditLines()).toEqual(lines);
      expect(await store.readMeta('store_created_at')).toBe(createdAt);
    } finally {
      await store.close();
    }
  });
});

describePg('init on a PostgreSQL schema that is not ours', () => {
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let schema: string;
  beforeEach(() => {
    temp = makeTempDir();
    target = newStoreTarget('postgres');
    schema = /store_schema: (\w+)/.exec(target.configYaml)![1]!;
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('refuses a schema holding another tool’s tables: exit 7, nothing created there or in LUXERET_HOME’s keys', async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`CREATE TABLE ${schema}.customers (id integer PRIMARY KEY, email text)`);
      const home = join(temp.dir, 'home');
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(join(home, 'config.yaml'), target.configYaml, { mode: 0o600 });
      const result = await runCli(['init'], { env: { LUXERET_HOME: home, ...target.env } });
      expect(result.code).toBe(7);
      expect(result.stderr).toContain(`The PostgreSQL schema "${schema}" holds tables that are not luxeret-privacy's (customers); refusing to use it`);
      expect(result.stderr).toContain('Nothing was changed');
      const { rows } = await client.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
        [schema],
      );
      expect(rows.map((r) => r.relname)).toEqual(['customers']);
      expect(existsSync(join(home, 'keys'))).toBe(false);
      expect(existsSync(join(home, 'luxeret.db'))).toBe(false);
      // Once given a schema of its own, init goes ahead in the same home.
      writeFileSync(join(home, 'config.yaml'), `store_schema: ${schema}_own\n`);
      try {
        expect((await runCli(['init'], { env: { LUXERET_HOME: home, ...target.env } })).code).toBe(0);
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${schema}_own CASCADE`);
      }
    } finally {
      await client.end();
    }
  });
});

describePg('a home set up for PostgreSQL', () => {
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let home: string;
  beforeEach(() => {
    temp = makeTempDir();
    target = newStoreTarget('postgres');
    home = join(temp.dir, 'home');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(join(home, 'config.yaml'), `${target.configYaml}zones:\n  - id: "023e105f4ecef8ad9ca31a8372d0c353"\n`, { mode: 0o600 });
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('run without LUXERET_DATABASE_URL (a cron line that does not see the shell’s export) is refused by every command, init included: exit 2, nothing done, no SQLite store of its own', async () => {
    expect((await runCli(['init'], { env: { LUXERET_HOME: home, ...target.env } })).code).toBe(0);
    const schema = /store_schema: (\w+)/.exec(target.configYaml)![1]!;
    for (const argv of [['purge', '--dry-run'], ['pull'], ['init'], ['hold', 'list'], ['inventory', '--local-only']]) {
      const result = await runCli(argv, { env: { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: 'test-token', CLOUDFLARE_BASE_URL: 'http://127.0.0.1:9' } });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain(`LUXERET_HOME ${home} was set up for the PostgreSQL store postgres://`);
      expect(result.stderr).toContain(`(schema ${schema}), but this run selects SQLite`);
      expect(result.stderr).toContain('Nothing was done');
      expect(result.stderr).toContain('EnvironmentFile');
    }
    expect(existsSync(join(home, 'luxeret.db'))).toBe(false);
    // With the store named again, the same home works.
    expect((await runCli(['hold', 'list'], { env: { LUXERET_HOME: home, ...target.env } })).code).toBe(0);
  });

  it('after SQLite: inventory, purge and doctor say that the SQLite store left behind is neither inventoried nor purged', async () => {
    expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
    expect(existsSync(join(home, 'luxeret.db'))).toBe(true);
    const env = { LUXERET_HOME: home, ...target.env };
    expect((await runCli(['init'], { env })).code).toBe(0);
    for (const argv of [
      ['inventory', '--local-only'],
      ['purge', '--dry-run'],
    ]) {
      const result = await runCli(argv, { env });
      expect(result.code, argv.join(' ')).toBe(0);
      expect(result.stderr).toContain(`note: ${join(home, 'luxeret.db')} (`);
      expect(result.stderr).toContain(
        'is an SQLite store from before this home used PostgreSQL: while PostgreSQL is selected, no command inventories or purges it',
      );
    }
    const doctor = await runCli(['doctor'], { env });
    expect(doctor.stdout).toMatch(/WARN {2}sqlite store left behind: .*luxeret\.db \(\d+\.\d MB\) is an SQLite store/);
  });
});
