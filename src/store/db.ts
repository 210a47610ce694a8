import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

/** How long a write waits for another run's write transaction before giving up (SQLITE_BUSY). */
export const BUSY_TIMEOUT_MS = 30_000;

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Opens (creating if asked) the SQLite store in WAL mode with secure_delete on, and migrates it. */
export function openStore(path: string, options: { create?: boolean; readonly?: boolean } = {}): Db {
  const isNew = !existsSync(path);
  if (isNew && !options.create) {
    throw new StoreError(`No store at ${path}`, { hint: 'Run `luxeret-privacy init` first.' });
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly === true });
    // A purge's delete and page reclaim on a large store hold the write lock for seconds: a `hold add` meanwhile
    // waits its turn (then the purge's next batch sees the hold) instead of failing; never for minutes.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Freed pages go back to the file system on `incremental_vacuum`; must be set before the first table exists.
    if (isNew) db.pragma('auto_vacuum = INCREMENTAL');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // Deleted personal data is overwritten with zeros, not merely unlinked from the b-tree.
      db.pragma('secure_delete = ON');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new StoreError(`Could not open the store at ${path}`, { cause: err, hint: 'Check that the file is a luxeret-privacy store and is readable.' });
  }
  if (isNew) chmodSync(path, 0o600);
  if (!options.readonly) migrate(db, path);
  else assertMigrated(db, path);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, path: string): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new StoreError(`The store at ${path} has schema version ${current}, newer than this tool knows (${LATEST_SCHEMA_VERSION})`, {
      hint: 'Upgrade luxeret-privacy.',
    });
  }
  for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function assertMigrated(db: Db, path: string): void {
  const current = schemaVersion(db);
  if (current !== LATEST_SCHEMA_VERSION) {
    throw new StoreError(`The store at ${path} is at schema version ${current}, expected ${LATEST_SCHEMA_VERSION}`, {
      hint: 'Run any command that writes (for example `luxeret-privacy init`) to migrate it.',
    });
  }
}

/**
 * Makes deleted data unrecoverable from every file: secure_delete has zeroed the cells; this returns the freed pages
 * to the file system and empties the WAL, whose old frames may still hold page images from before the delete.
 * When most of the file is free, VACUUM (cost: the live pages) beats moving pages one by one (cost: the freed ones).
 */
export function reclaimDeletedSpace(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const total = db.pragma('page_count', { simple: true }) as number;
  if (free * 2 > total) db.exec('VACUUM');
  else db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
