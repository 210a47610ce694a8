import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator } from '@luxeret/cloudflare-emulator/testing';
import { openStore, type Db } from '../../src/store/db.js';
import { makeTempDir, runCli } from './cli.js';

/** Gives each test of the file a fresh migrated store file (through `use`), closed and removed after the test. */
export function useTempStore(use: (db: Db) => void): void {
  let opened: { db: Db; dir: string } | undefined;
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), 'luxeret-'));
    opened = { db: openStore(join(dir, 'luxeret.db'), { create: true }), dir };
    use(opened.db);
  });
  afterEach(() => {
    opened?.db.close();
    if (opened) rmSync(opened.dir, { recursive: true, force: true });
    opened = undefined;
  });
}

export interface SeedEvent {
  zone: string;
  at: Date;
  ray: string;
  ip: string;
  country: string;
  ruleId?: string;
}

/** Inserts firewall events straight into a store file (the real schema, made by `init`). */
export function insertEvents(storePath: string, events: readonly SeedEvent[]): void {
  const db = new Database(storePath);
  const insert = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host)
     VALUES (?, ?, ?, ?, ?, '64500', 'block', 'firewallCustom', ?, 'shop.luxeret.com')`,
  );
  db.transaction(() => {
    for (const e of events) insert.run(e.zone, Math.floor(e.at.getTime() / 1000), e.ray, e.ip, e.country, e.ruleId ?? 'rule-1');
  })();
  db.close();
}

export function insertAnalytics(storePath: string, rows: readonly { zone: string; hour: Date; ip: string; country: string; requests: number }[]): void {
  const db = new Database(storePath);
  const insert = db.prepare('INSERT INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) insert.run(r.zone, Math.floor(r.hour.getTime() / 1000), r.ip, r.country, r.requests);
  })();
  db.close();
}

export function queryStore<T>(storePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storePath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export const ZONE_ID = '023e105f4ecef8ad9ca31a8372d0c353';

/** Writes a config with the given retention into LUXERET_HOME/config.yaml and returns its path. */
export function writeConfig(home: string, extra: string = ''): string {
  const path = join(home, 'config.yaml');
  writeFileSync(path, `zones:\n  - id: "${ZONE_ID}"\n    name: luxeret.com\n${extra}`);
  return path;
}

/** A LUXERET_HOME set up as an operator would: `init` run, a config written. */
export interface TestHome {
  /** The temporary folder holding `home`, for files a test writes beside it. */
  readonly dir: string;
  readonly home: string;
  readonly env: Record<string, string>;
}

/**
 * Gives each test of the file a fresh TestHome whose config adds `extraConfig` to writeConfig's; removed after it.
 * CLOUDFLARE_BASE_URL points at an emulator (no token): a purge checks its clock against the API's `Date`.
 */
export function useInitialisedHome(extraConfig: string, use: (home: TestHome) => void): void {
  let cleanup: (() => void) | undefined;
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const home = join(temp.dir, 'home');
    const env = { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: emulator!.baseUrl };
    expect((await runCli(['init'], { env })).code).toBe(0);
    writeConfig(home, extraConfig);
    use({ dir: temp.dir, home, env });
  });
  afterEach(() => {
    cleanup?.();
    cleanup = undefined;
  });
}
