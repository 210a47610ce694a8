import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator } from '@luxeret/cloudflare-emulator/testing';
import type { StorePort } from '../../src/store/port.js';
import { TEST_DATABASE_URL } from '../postgres/pg-test-store.js';
import { makeTempDir, runCli } from './cli.js';
import { newStoreTarget, type StoreKind, type TestStoreTarget } from './store-kinds.js';
import { queryStore, writeConfig } from './store.js';

/** (purge tests) A LUXERET_HOME (keys made by `init`) whose config selects a store of the given kind, and that store's port. */
export interface StoreHome {
  readonly home: string;
  /** For runCli: LUXERET_HOME, the emulator's base URL (for the clock check) and the store's variables. */
  readonly env: Record<string, string>;
  readonly target: TestStoreTarget;
  /** The store, to seed it and look at what a command left. */
  readonly port: StorePort;
  /** Rewrites the config with other extra lines; the store lines stay. */
  writeConfig(extraConfig: string): void;
  /** A read straight from the store (SQL without parameters, the same on both). */
  query<T>(sql: string): Promise<T[]>;
}

/** Gives each test a fresh StoreHome of `kind` made by `init`, removed after it (the PostgreSQL schema dropped). */
export function useStoreHome(kind: StoreKind, extraConfig: string, use: (home: StoreHome) => void): void {
  let emulator: Emulator | undefined;
  let opened: { port: StorePort; target: TestStoreTarget; cleanup: () => void } | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    const temp = makeTempDir();
    const home = join(temp.dir, 'home');
    const base = { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: emulator!.baseUrl };
    const target = newStoreTarget(kind);
    mkdirSync(home, { recursive: true });
    writeConfig(home, extraConfig + target.configYaml);
    // `init` makes the keys, and the store the config selects (the PostgreSQL schema, migrated).
    const init = await runCli(['init'], { env: { ...base, ...target.env } });
    expect(init.code, init.stderr).toBe(0);
    const port = await target.openPort(home);
    opened = { port, target, cleanup: temp.cleanup };
    use({
      home,
      env: { ...base, ...target.env },
      target,
      port,
      writeConfig: (extra) => void writeConfig(home, extra + target.configYaml),
      query: (sql) => queryEither(target, home, sql),
    });
  });
  afterEach(async () => {
    await opened?.port.close();
    await opened?.target.cleanup();
    opened?.cleanup();
    opened = undefined;
  });
}

/** The schema named in a PostgreSQL target's config lines. */
export function schemaOf(target: TestStoreTarget): string {
  return /store_schema: (\S+)/.exec(target.configYaml)![1]!;
}

async function queryEither<T>(target: TestStoreTarget, home: string, sql: string): Promise<T[]> {
  if (target.kind === 'sqlite') return queryStore<T>(join(home, 'luxeret.db'), sql);
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schemaOf(target)}` });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}
