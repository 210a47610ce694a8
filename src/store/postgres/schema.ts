import { StoreError } from '../../errors.js';
import { MIGRATIONS } from '../migrations/index.js';
import { deriveLockKey } from './lock-key.js';
import { withTransaction, type PgStore, type PgTx } from './connection.js';
import { PG_MIGRATIONS } from './migrations.js';
import { DATASET_TABLES } from './partitions.js';

const LATEST_PG_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Tables a luxeret-privacy schema holds (besides the day partitions of the two partitioned tables). */
const OWN_TABLES = new Set([
  'schema_version',
  'firewall_events',
  'http_analytics',
  'pull_state',
  'holds',
  'audit_log',
  'audit_head',
  'meta',
  'stats_daily',
  'stats_rollups',
  'cloudflare_object_activity',
  'row_counts',
]);
const PARTITION_NAME = new RegExp(`^(${Object.values(DATASET_TABLES).join('|')})_p\\d{8}$`);

/**
 * Creates the store's schema (`init`) or migrates it to this version. Refuses a schema that holds tables of another
 * tool (or a newer luxeret-privacy), touching nothing. Two hosts migrating at once queue on a transaction-level
 * advisory lock, so each migration runs once.
 */
export async function migratePgStore(store: PgStore): Promise<{ from: number; to: number }> {
  if (LATEST_PG_VERSION !== LATEST_SCHEMA_VERSION) {
    throw new StoreError(`PostgreSQL migrations end at version ${LATEST_PG_VERSION}, SQLite's at ${LATEST_SCHEMA_VERSION}: they must move together`);
  }
  return withTransaction(store, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [deriveLockKey(`migrate:${store.schema}`)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${store.schema}`);
    await assertOwnSchema(tx, store.schema);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${store.schema}.schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const from = await readVersion(tx, store.schema);
    if (from > LATEST_PG_VERSION) throw newerSchema(store, from);
    for (const migration of PG_MIGRATIONS.filter((m) => m.version > from)) {
      await tx.query(migration.sql);
      await tx.query(`INSERT INTO ${store.schema}.schema_version (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    return { from, to: LATEST_PG_VERSION };
  });
}

/** For every command but `init`: the schema must exist at exactly this tool's version. */
export async function assertPgStoreMigrated(store: PgStore): Promise<void> {
  const version = await withTransaction(store, (tx) => readVersion(tx, store.schema));
  if (version === LATEST_PG_VERSION) return;
  if (version > LATEST_PG_VERSION) throw newerSchema(store, version);
  throw new StoreError(`The PostgreSQL store (schema ${store.schema}) is at schema version ${version}, expected ${LATEST_PG_VERSION}`, {
    hint: 'Run `luxeret-privacy init` to create or migrate it.',
  });
}

export async function readPgSchemaVersion(store: PgStore): Promise<number> {
  return withTransaction(store, (tx) => readVersion(tx, store.schema));
}

async function readVersion(tx: PgTx, schema: string): Promise<number> {
  const exists = await tx.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${schema}.schema_version`]);
  if (!exists.rows[0]?.present) return 0;
  const row = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${schema}.schema_version`);
  return row.rows[0]?.version ?? 0;
}

async function assertOwnSchema(tx: PgTx, schema: string): Promise<void> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`,
    [schema],
  );
  const foreign = rows.map((r) => r.name).filter((name) => !OWN_TABLES.has(name) && !PARTITION_NAME.test(name));
  if (foreign.length > 0) {
    throw new StoreError(
      `The PostgreSQL schema "${schema}" holds tables that are not luxeret-privacy's (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); refusing to use it`,
      {
        hint: 'Nothing was changed. Give luxeret-privacy a schema of its own with `store_schema:` in the config.',
      },
    );
  }
}

function newerSchema(store: PgStore, version: number): StoreError {
  return new StoreError(`The PostgreSQL store (schema ${store.schema}) has schema version ${version}, newer than this tool knows (${LATEST_PG_VERSION})`, {
    hint: 'Upgrade luxeret-privacy.',
  });
}
