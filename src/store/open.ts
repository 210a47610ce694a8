import type { StoreSelection } from '../config/store.js';
import type { Db } from './db.js';
import type { StorePort } from './port.js';
import { createSqliteStorePort, type SqliteStoreOptions } from './sqlite/adapter.js';

export interface OpenStoreOptions extends Omit<SqliteStoreOptions, 'path'> {
  /** The SQLite file in LUXERET_HOME (used when the selection is SQLite). */
  readonly sqlitePath: string;
  /** Opens (and migrates) the SQLite file: the run's one connection, shared with code not yet on the port. */
  readonly openSqlite: () => Db;
  /** `init`: create the PostgreSQL schema; every other command needs it to exist, migrated. */
  readonly create?: boolean;
  /** Shown to the PostgreSQL server (pg_stat_activity), e.g. the command. */
  readonly applicationName?: string;
}

/** Opens the selected store behind the port: PostgreSQL migrated when created (init), else checked to be at this tool's version. */
export async function openStorePort(selection: StoreSelection, options: OpenStoreOptions): Promise<StorePort> {
  if (selection.kind === 'sqlite') {
    return createSqliteStorePort(options.openSqlite(), { path: options.sqlitePath, lockPath: options.lockPath, onTakeOver: options.onTakeOver });
  }
  // The PostgreSQL adapter, and pg with it, load only for a PostgreSQL store: a SQLite run never pays for them.
  const [{ openPgStore }, { createPgStorePort }, { assertPgStoreMigrated, migratePgStore }] = await Promise.all([
    import('./postgres/connection.js'),
    import('./postgres/adapter.js'),
    import('./postgres/schema.js'),
  ]);
  const store = openPgStore(selection.url, selection.schema, { applicationName: options.applicationName ?? 'luxeret-privacy' });
  try {
    if (options.create === true) await migratePgStore(store);
    else await assertPgStoreMigrated(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return createPgStorePort(store);
}
