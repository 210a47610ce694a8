import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { openStore, type Db } from '../../src/store/db.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { makeTempDir } from './cli.js';
import { describePg, openTestStore, TEST_DATABASE_URL } from '../postgres/pg-test-store.js';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * Where one test's store lives. SQLite: the file in LUXERET_HOME, as always. PostgreSQL: a schema of its own in the
 * machine's server, named in the config (`store_schema:`) and reached through LUXERET_DATABASE_URL.
 */
export interface TestStoreTarget {
  readonly kind: StoreKind;
  /** Extra environment for the CLI run (LUXERET_DATABASE_URL for PostgreSQL). */
  readonly env: Readonly<Record<string, string>>;
  /** Lines to add to the config file (`store_schema:` for PostgreSQL); '' for SQLite. */
  readonly configYaml: string;
  /** The store behind the port, to look at what a command left (LUXERET_HOME for SQLite). */
  openPort(home: string): Promise<StorePort>;
  /** Drops the PostgreSQL schema; nothing for SQLite (the test removes its home). */
  cleanup(): Promise<void>;
}

export function newStoreTarget(kind: StoreKind): TestStoreTarget {
  if (kind === 'sqlite') {
    return {
      kind,
      env: {},
      configYaml: '',
      openPort: (home) =>
        Promise.resolve(createSqliteStorePort(openStore(join(home, 'luxeret.db')), { path: join(home, 'luxeret.db'), lockPath: join(home, 'luxeret.lock') })),
      cleanup: () => Promise.resolve(),
    };
  }
  const schema = `lux_test_${randomBytes(6).toString('hex')}`;
  return {
    kind,
    env: { LUXERET_DATABASE_URL: TEST_DATABASE_URL },
    configYaml: `store_schema: ${schema}\n`,
    openPort: () => Promise.resolve(createPgStorePort(openPgStore(TEST_DATABASE_URL, schema))),
    cleanup: async () => {
      const store = openPgStore(TEST_DATABASE_URL, schema);
      try {
        await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await store.close();
      }
    },
  };
}

/**
 * The same behavioural tests on both stores: `body` runs once per kind, inside describe blocks named after it. The
 * PostgreSQL block fails in CI when the server is unreachable and is skipped with a notice elsewhere (describePg).
 */
export function describeEachStore(title: string, body: (kind: StoreKind) => void): void {
  describe(`${title} [sqlite]`, () => body('sqlite'));
  describePg(`${title} [postgres]`, () => body('postgres'));
}

// --- pull
/** A use case's store of one kind, fresh for one test, with a way to look at rows the port has no method for. */
export interface TestPort {
  readonly port: StorePort;
  /** Runs one read-only SQL query (the same text on both engines); PostgreSQL bigints come back as numbers. */
  rows<T>(sql: string): Promise<T[]>;
  /** Closes the port and removes the store (the PostgreSQL schema; the SQLite file goes with the test's folder). */
  close(): Promise<void>;
}

export async function openTestPort(kind: StoreKind, dir: string): Promise<TestPort> {
  if (kind === 'sqlite') {
    const path = join(dir, 'luxeret.db');
    const db = openStore(path, { create: true });
    const port = createSqliteStorePort(db, { path, lockPath: join(dir, 'luxeret.lock') });
    return { port, rows: <T>(sql: string) => Promise.resolve(db.prepare(sql).all() as T[]), close: () => port.close() };
  }
  const store = await openTestStore();
  const port = createPgStorePort(store);
  return {
    port,
    rows: async <T>(sql: string) => {
      const { rows, fields } = await store.pool.query<Record<string, unknown>>(sql);
      const bigints = fields.filter((f) => f.dataTypeID === 20).map((f) => f.name);
      return rows.map((row) => ({ ...row, ...Object.fromEntries(bigints.map((name) => [name, row[name] === null ? null : Number(row[name])])) })) as T[];
    },
    close: async () => {
      try {
        await store.pool.query(`DROP SCHEMA IF EXISTS ${store.schema} CASCADE`);
      } finally {
        await port.close();
      }
    },
  };
}

/** A port over a SQLite store a test opened itself (tests that pull on SQLite only). */
export function sqlitePortOf(db: Db): StorePort {
  return createSqliteStorePort(db, { path: db.name, lockPath: `${db.name}.lock` });
}

/** What useTargetHome gives each test. */
export interface TargetHome {
  /** The temporary directory (the working directory for runCli); LUXERET_HOME is `home` below it. */
  readonly dir: string;
  readonly home: string;
  readonly target: TestStoreTarget;
  /** LUXERET_HOME and the store's variables. */
  readonly env: Record<string, string>;
}

/**
 * Per test: a temporary directory with a LUXERET_HOME path under it and a store target of `kind`, removed after it
 * (the PostgreSQL schema dropped). With `writeConfig`, the home exists and its config.yaml holds the store's lines.
 */
export function useTargetHome(kind: StoreKind, use: (made: TargetHome) => void, options: { writeConfig?: boolean } = {}): void {
  let made: { target: TestStoreTarget; cleanup: () => void } | undefined;
  beforeEach(() => {
    const temp = makeTempDir();
    const target = newStoreTarget(kind);
    const home = join(temp.dir, 'home');
    if (options.writeConfig === true) {
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(join(home, 'config.yaml'), target.configYaml, { mode: 0o600 });
    }
    made = { target, cleanup: temp.cleanup };
    use({ dir: temp.dir, home, target, env: { LUXERET_HOME: home, ...target.env } });
  });
  afterEach(async () => {
    await made?.target.cleanup();
    made?.cleanup();
    made = undefined;
  });
}
