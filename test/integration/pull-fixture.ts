import { writeFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { startEmulator, addToken, type Emulator, type EmulatorOptions, type FirewallEvent, type HttpRequestSample } from '@luxeret/cloudflare-emulator';
import { openStore, type Db } from '../../src/store/db.js';
import type { StorePort } from '../../src/store/port.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { newStoreTarget, openTestPort, type StoreKind, type TestPort } from '../helpers/store-kinds.js';

export const TOKEN = 'cfut_pulltest_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/**
 * An emulator with one valid token, a fresh initialised LUXERET_HOME, a config naming the given zones, and the store
 * of the given kind (SQLite in LUXERET_HOME, or a PostgreSQL schema of its own, dropped by close()).
 */
export async function startPullFixture(options: EmulatorOptions = {}, kind: StoreKind = 'sqlite') {
  const emulator = await startEmulator(options);
  addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
  const home = makeTempDir('luxeret-pull-');
  const target = newStoreTarget(kind);
  const configPath = join(home.dir, 'config.yaml');
  const env = (token = TOKEN) => ({
    LUXERET_HOME: home.dir,
    CLOUDFLARE_API_TOKEN: token,
    CLOUDFLARE_BASE_URL: emulator.baseUrl,
    LUXERET_CONFIG: configPath,
    ...target.env,
  });
  const writeConfig = (zones: readonly { id: string; name?: string }[], extra = '') => {
    const lines = ['zones:', ...zones.map((z) => `  - id: "${z.id}"${z.name ? `\n    name: "${z.name}"` : ''}`), extra];
    writeFileSync(configPath, target.configYaml + lines.join('\n') + '\n');
  };
  // On PostgreSQL init creates the schema the config names; the config is written before it for that.
  if (kind === 'postgres') writeFileSync(configPath, target.configYaml);
  const init = await runCli(['init'], { env: env(), cwd: home.dir });
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  return {
    emulator,
    home: home.dir,
    configPath,
    env,
    target,
    writeConfig,
    pull: (args: string[] = [], token?: string) => runCli(['pull', ...args], { env: env(token), cwd: home.dir }),
    /** The SQLite store file itself (SQLite-only tests). */
    openDb: (): Db => openStore(join(home.dir, 'luxeret.db')),
    /** The store behind the port, to read what the pull left; close it after. */
    openPort: (): Promise<StorePort> => target.openPort(home.dir),
    async close(this: void) {
      await emulator.close();
      home.cleanup();
      await target.cleanup();
    },
  };
}

/** Reads through the port and closes it, whatever `read` does. */
export async function withPort<T>(open: () => Promise<StorePort>, read: (port: StorePort) => Promise<T>): Promise<T> {
  const port = await open();
  try {
    return await read(port);
  } finally {
    await port.close();
  }
}

export type PullFixture = Awaited<ReturnType<typeof startPullFixture>>;
export type { Emulator };

export const eventKey = (e: Pick<FirewallEvent, 'datetime' | 'rayName' | 'ruleId' | 'source' | 'action'>) =>
  `${Date.parse(e.datetime) / 1000}|${e.rayName}|${e.ruleId ?? ''}|${e.source}|${e.action}`;

/** Ground truth of hourly groups: requests per (hour, clientIP, country) or per (hour, country). */
export function groupRequests(samples: readonly HttpRequestSample[], byIp: boolean, fromS: number, toS: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const s of samples) {
    const t = Date.parse(s.datetime) / 1000;
    if (t < fromS || t >= toS) continue;
    const key = `${Math.floor(t / 3600) * 3600}|${byIp ? s.clientIP : ''}|${s.clientCountryName}`;
    groups.set(key, (groups.get(key) ?? 0) + (s.count ?? 1));
  }
  return groups;
}

/**
 * For use-case tests: `setup(options)` starts an emulator with one analytics token and opens a fresh store of `kind`
 * behind the port; both are closed and removed after each test.
 */
export function usePullStore(
  token: string,
  tempPrefix: string,
  kind: StoreKind = 'sqlite',
): (options?: EmulatorOptions) => Promise<{ emulator: Emulator; store: TestPort }> {
  let emulator: Emulator | undefined;
  let store: TestPort | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await store?.close();
    await emulator?.close();
    cleanup?.();
    emulator = store = cleanup = undefined;
  });
  return async (options = {}) => {
    emulator = await startEmulator(options);
    addToken(emulator.state, { value: token, permissions: ['Analytics Read'] });
    const temp = makeTempDir(tempPrefix);
    cleanup = temp.cleanup;
    store = await openTestPort(kind, temp.dir);
    return { emulator, store };
  };
}
