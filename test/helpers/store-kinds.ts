import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe } from 'vitest';
import { openStore } from '../../src/store/db.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';
import { describePg, TEST_DATABASE_URL } from '../postgres/pg-test-store.js';

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
