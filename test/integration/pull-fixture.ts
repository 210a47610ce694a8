import { writeFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import { join } from 'node:path';
import { startEmulator, addToken, type Emulator, type EmulatorOptions, type FirewallEvent, type HttpRequestSample } from '@luxeret/cloudflare-emulator';
import { openStore, type Db } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';

export const TOKEN = 'cfut_pulltest_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** An emulator with one valid token, a fresh initialised LUXERET_HOME, and a config naming the given zones. */
export async function startPullFixture(options: EmulatorOptions = {}) {
  const emulator = await startEmulator(options);
  addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
  const home = makeTempDir('luxeret-pull-');
  const configPath = join(home.dir, 'config.yaml');
  const env = (token = TOKEN) => ({
    LUXERET_HOME: home.dir,
    CLOUDFLARE_API_TOKEN: token,
    CLOUDFLARE_BASE_URL: emulator.baseUrl,
    LUXERET_CONFIG: configPath,
  });
  const init = await runCli(['init'], { env: env(), cwd: home.dir });
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  return {
    emulator,
    home: home.dir,
    configPath,
    env,
    writeConfig(zones: readonly { id: string; name?: string }[], extra = '') {
      const lines = ['zones:', ...zones.map((z) => `  - id: "${z.id}"${z.name ? `\n    name: "${z.name}"` : ''}`), extra];
      writeFileSync(configPath, lines.join('\n') + '\n');
    },
    pull: (args: string[] = [], token?: string) => runCli(['pull', ...args], { env: env(token), cwd: home.dir }),
    openDb: (): Db => openStore(join(home.dir, 'luxeret.db')),
    async close(this: void) {
      await emulator.close();
      home.cleanup();
    },
  };
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
 * For use-case tests: `setup(options)` starts an emulator with one analytics token and opens a fresh store file; both
 * are closed and removed after each test.
 */
export function usePullStore(token: string, tempPrefix: string): (options?: EmulatorOptions) => Promise<{ emulator: Emulator; db: Db }> {
  let emulator: Emulator | undefined;
  let db: Db | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    db?.close();
    await emulator?.close();
    cleanup?.();
    emulator = db = cleanup = undefined;
  });
  return async (options = {}) => {
    emulator = await startEmulator(options);
    addToken(emulator.state, { value: token, permissions: ['Analytics Read'] });
    const temp = makeTempDir(tempPrefix);
    cleanup = temp.cleanup;
    db = openStore(`${temp.dir}/luxeret.db`, { create: true });
    return { emulator, db };
  };
}
