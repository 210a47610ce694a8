import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadPublicKey } from '../../src/audit/keys.js';
import { verifyAuditLog, type AuditVerification } from '../../src/audit/verify.js';
import { homePaths } from '../../src/cli/paths.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import type { StorePort } from '../../src/store/port.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { TEST_DATABASE_URL } from '../postgres/pg-test-store.js';
import { makeTempDir, runCli } from './cli.js';
import { newStoreTarget, type StoreKind, type TestStoreTarget } from './store-kinds.js';
import { queryStore, type SeedEvent } from './store.js';

/**
 * A LUXERET_HOME whose store is of the given kind, made by `init` (keys, and the store: the SQLite file or the
 * PostgreSQL schema of newStoreTarget), the config written with the store's lines, and the port open on the same
 * store for seeding rows and looking at what a command left.
 */
export interface StoreHome {
  readonly kind: StoreKind;
  /** The store the config selects (its config lines, environment, and cleanup). */
  readonly target: TestStoreTarget;
  readonly dir: string;
  readonly home: string;
  readonly env: Record<string, string>;
  readonly port: StorePort;
  /** Another port on the same store: another connection (PostgreSQL: as another host would); the caller closes it. */
  openPort(): Promise<StorePort>;
  /** Writes config.yaml: `config` and the store's own lines. */
  writeConfig(config: string): void;
  /** A read query on the store, `?` placeholders; bigint columns come back as numbers on both stores. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** Verifies the audit chain with the home's public key and the signed head, as `audit verify` does. */
  verifyAudit(): Promise<AuditVerification>;
  close(): Promise<void>;
}

export async function startStoreHome(kind: StoreKind, options: { env?: Record<string, string>; config: string }): Promise<StoreHome> {
  const temp = makeTempDir();
  const home = join(temp.dir, 'home');
  const target = newStoreTarget(kind);
  const writeConfig = (config: string) => writeFileSync(join(home, 'config.yaml'), `${config}${config.endsWith('\n') ? '' : '\n'}${target.configYaml}`);
  // `init` with the store's lines in the config: it creates the keys and the store (the PostgreSQL schema) there.
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeConfig('');
  const env = { LUXERET_HOME: home, ...options.env, ...target.env };
  const init = await runCli(['init'], { env });
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  writeConfig(options.config);
  const pgStore = kind === 'postgres' ? openPgStore(TEST_DATABASE_URL, /store_schema: (\S+)/.exec(target.configYaml)![1]!) : undefined;
  const port = await target.openPort(home);
  const asNumbers = {
    getTypeParser: (oid: number): ((text: string) => unknown) => (oid === 20 ? Number : (pg.types.getTypeParser(oid, 'text') as (text: string) => unknown)),
  };
  return {
    kind,
    target,
    dir: temp.dir,
    home,
    env,
    port,
    openPort: () => target.openPort(home),
    writeConfig,
    rows: async <T>(sql: string, ...params: unknown[]) => {
      if (!pgStore) return queryStore<T>(join(home, 'luxeret.db'), sql, ...params);
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await pgStore.pool.query({ text, values: params, types: asNumbers })).rows as T[];
    },
    verifyAudit: async () => {
      const entries = (await port.readAuditLines()).map((line) => JSON.parse(line) as unknown);
      return verifyAuditLog(entries, loadPublicKey(homePaths(home).publicKey), await port.readAuditHead());
    },
    close: async () => {
      await port.close();
      await pgStore?.close();
      await target.cleanup();
      temp.cleanup();
    },
  };
}

/** Events as insertEvents (test/helpers/store.ts) writes them, through the port (either store). */
export async function seedEvents(port: StorePort, events: readonly SeedEvent[]): Promise<void> {
  await port.insertFirewallEvents(events.map(toFirewallRecord));
}

/** A seed event as the stored record insertEvents would make of it. */
export function toFirewallRecord(e: SeedEvent): FirewallEventRecord {
  return {
    zoneId: e.zone,
    datetime: Math.floor(e.at.getTime() / 1000),
    rayName: e.ray,
    clientIp: e.ip,
    clientCountry: e.country,
    clientAsn: '64500',
    action: 'block',
    source: 'firewallCustom',
    ruleId: e.ruleId ?? 'rule-1',
    host: 'shop.luxeret.com',
    sampleInterval: 1,
    extra: null,
  };
}

export async function seedAnalytics(
  port: StorePort,
  rows: readonly { zone: string; hour: Date; ip: string; country: string; requests: number }[],
): Promise<void> {
  await port.upsertHttpAnalytics(
    rows.map((r) => ({ zoneId: r.zone, hour: Math.floor(r.hour.getTime() / 1000), clientIp: r.ip, clientCountry: r.country, requests: r.requests })),
  );
}
