import { afterEach, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../src/store/db.js';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { readPgAuditEntries, readPgOpenRunEntries, readPgUnreclaimedEntries } from '../../src/store/postgres/audit-log.js';
import { withTransaction } from '../../src/store/postgres/connection.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { assertPgStoreMigrated, migratePgStore, readPgSchemaVersion } from '../../src/store/postgres/schema.js';
import { describePg, dropTestStore, openSecondHost, openTestStore } from './pg-test-store.js';

describePg('PostgreSQL schema (init and migrations)', () => {
  let store: PgStore;
  afterEach(async () => dropTestStore(store));

  it('creates the schema at the same version as SQLite, and a second init changes nothing', async () => {
    store = await openTestStore({ migrate: false });
    await expect(assertPgStoreMigrated(store)).rejects.toThrow(`schema version 0, expected ${LATEST_SCHEMA_VERSION}`);
    expect(await migratePgStore(store)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(await migratePgStore(store)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
    expect(await readPgSchemaVersion(store)).toBe(LATEST_SCHEMA_VERSION);
    await assertPgStoreMigrated(store);
    const { rows } = await store.pool.query<{ relname: string; relkind: string }>(
      `SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE nspname = $1 AND relname IN ('firewall_events', 'http_analytics', 'audit_log') ORDER BY 1`,
      [store.schema],
    );
    // 'p': declaratively partitioned.
    expect(rows).toEqual([
      { relname: 'audit_log', relkind: 'r' },
      { relname: 'firewall_events', relkind: 'p' },
      { relname: 'http_analytics', relkind: 'p' },
    ]);
  });

  it('two hosts running init at once migrate once', async () => {
    store = await openTestStore({ migrate: false });
    const other = openSecondHost(store);
    try {
      const results = await Promise.all([migratePgStore(store), migratePgStore(other)]);
      expect(results.map((r) => r.from).sort()).toEqual([0, LATEST_SCHEMA_VERSION]);
    } finally {
      await other.close();
    }
  });

  it("refuses a schema holding another tool's tables, and changes nothing", async () => {
    store = await openTestStore({ migrate: false });
    await store.pool.query(`CREATE SCHEMA ${store.schema}; CREATE TABLE ${store.schema}.customers (id int)`);
    await expect(migratePgStore(store)).rejects.toThrow(`The PostgreSQL schema "${store.schema}" holds tables that are not luxeret-privacy's (customers)`);
    const { rows } = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`, [store.schema]);
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses a schema from a newer version of the tool', async () => {
    store = await openTestStore();
    await store.pool.query(`INSERT INTO ${store.schema}.schema_version (version, name) VALUES (99, 'future')`);
    await expect(migratePgStore(store)).rejects.toThrow(`has schema version 99, newer than this tool knows (${LATEST_SCHEMA_VERSION})`);
    await expect(assertPgStoreMigrated(store)).rejects.toThrow('newer than this tool knows');
  });

  it('a store from before the run/event columns migrates, even with an audit row that is not JSON (verify must still run)', async () => {
    store = await openTestStore({ migrate: false });
    await store.pool.query(`CREATE SCHEMA ${store.schema}`);
    await store.pool.query(`CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const migration of PG_MIGRATIONS.filter((m) => m.version < 6)) {
      await store.pool.query(migration.sql);
      await store.pool.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    const insert = 'INSERT INTO audit_log (seq, entry, hash) VALUES ($1, $2, $3)';
    await store.pool.query(insert, [1, JSON.stringify({ seq: 1, event: 'purge.intent', command: 'purge', run_id: 'killed' }), 'sha256:1']);
    await store.pool.query(insert, [2, '{"event":"purge.outcome","run_id":"killed"', 'sha256:tampered']); // cut short: not JSON
    await store.pool.query(insert, [
      3,
      JSON.stringify({ seq: 3, event: 'purge.reclaimed', command: 'purge', run_id: 'r2', details: { earlier_runs: ['x'] } }),
      'sha256:3',
    ]);
    expect(await migratePgStore(store)).toEqual({ from: 5, to: LATEST_SCHEMA_VERSION });
    const { rows } = await store.pool.query<{ seq: number; run_id: string | null; event: string | null }>(
      'SELECT seq::int, run_id, event FROM audit_log ORDER BY seq',
    );
    expect(rows).toEqual([
      { seq: 1, run_id: 'killed', event: 'purge.intent' },
      { seq: 2, run_id: null, event: null },
      { seq: 3, run_id: 'r2', event: 'purge.reclaimed' },
    ]);
    // The narrowed reads go on past the damaged row; reading the whole log names it (what verify reports).
    expect((await withTransaction(store, (tx) => readPgOpenRunEntries(tx))).map((e) => e.seq)).toEqual([1]);
    expect(await withTransaction(store, (tx) => readPgUnreclaimedEntries(tx))).toEqual([]);
    await expect(withTransaction(store, (tx) => readPgAuditEntries(tx))).rejects.toThrow('Audit entry 2 in the store is not valid JSON');
  });
});
