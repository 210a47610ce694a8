import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, addAccount, addToken, addZone, startEmulator, type Emulator } from '@luxeret/cloudflare-emulator';
import { childEnv } from '../helpers/child-env.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { sourceCliArgs } from '../helpers/source-cli.js';
import { startStoreHome, type StoreHome } from '../helpers/store-home.js';
import { describePg } from '../postgres/pg-test-store.js';

/**
 * Which packages a CLI run loads. The Cloudflare SDK's index, the S3 client, pkijs, pg and the rest below cost
 * ~0.9 s and ~90 MB together at start; a command loads each only when it first needs it (an `import()` at the edge),
 * so `--version`, `--help` and the local commands load none. The child runs the sources under test with a resolve
 * hook (test/helpers/record-imports.mjs) that writes down every package specifier it resolves.
 */
const HEAVY = ['cloudflare', '@aws-sdk/client-s3', 'pkijs', 'asn1js', 'pg', 'pg-copy-streams', 'prom-client', 'undici', 'date-fns'];
const RECORDER = pathToFileURL(fileURLToPath(new URL('../helpers/record-imports.mjs', import.meta.url))).href;
const TOKEN = 'startup-test-token';

let emulator: Emulator;
let dir: string;
let home: string;
let cleanup: () => void;
let runs = 0;

beforeAll(async () => {
  // The emulator on the real clock: the child runs on it too.
  emulator = await startEmulator();
  addToken(emulator.state, { value: TOKEN, permissions: [...ALL_PERMISSIONS] });
  const accountId = addAccount(emulator.state, { plan: 'enterprise' }).id;
  const zoneId = addZone(emulator.state, { name: 'luxeret.com', accountId, plan: 'business' }).id;
  const temp = makeTempDir();
  ({ dir, cleanup } = temp);
  home = join(dir, 'home');
  expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
  writeFileSync(join(home, 'config.yaml'), `account_id: "${accountId}"\nzones:\n  - id: "${zoneId}"\n    name: luxeret.com\n`);
  // An audit log with more than its genesis entry, for `audit verify`.
  expect((await runCli(['hold', 'add', '--ip', '203.0.113.0/24', '--reason', 'a lawful request'], { env: { LUXERET_HOME: home } })).code).toBe(0);
});
afterAll(async () => {
  await emulator?.close();
  cleanup?.();
});

interface RecordedRun {
  readonly code: number | null;
  readonly stderr: string;
  /** Every package specifier the child resolved. */
  readonly packages: ReadonlySet<string>;
}

function runRecorded(argv: readonly string[], env: Record<string, string> = {}): Promise<RecordedRun> {
  const file = join(dir, `imports-${++runs}.txt`);
  const child = spawn(process.execPath, ['--import', RECORDER, ...sourceCliArgs(argv)], {
    cwd: dir,
    env: childEnv({ LUXERET_HOME: home, ...env, LUXERET_TEST_IMPORTS_FILE: file }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const packages = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
      done({ code, stderr, packages });
    });
  });
}

const heavyIn = (run: RecordedRun) => HEAVY.filter((name) => run.packages.has(name));

describe('start-up: packages a command does not need are never loaded', () => {
  it.each([[['--version']], [['--help']], [['audit', 'verify']], [['hold', 'list']], [['ledger']], [['inventory', '--local-only']], [['purge', '--dry-run']]])(
    '%j loads none of the heavy packages',
    async (argv) => {
      const run = await runRecorded(argv);
      expect(run.stderr).not.toMatch(/this is a bug/);
      expect(run.code).toBe(0);
      // The recorder works: the CLI's own packages are there.
      expect(run.packages).toContain('commander');
      expect(heavyIn(run)).toEqual([]);
    },
  );

  it('a token does not load the Cloudflare SDK for a command that does not talk to Cloudflare', async () => {
    const run = await runRecorded(['audit', 'verify'], { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl });
    expect(run.code).toBe(0);
    expect(heavyIn(run)).toEqual([]);
  });

  it('inventory, which asks Cloudflare, loads the SDK (and nothing for archives or PostgreSQL)', async () => {
    const run = await runRecorded(['inventory', '--format', 'json'], { CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl });
    expect(run.stderr).not.toMatch(/this is a bug/);
    expect(run.code).toBe(0);
    expect(heavyIn(run)).toEqual(['cloudflare']);
  });

  it('an archive in the config loads the S3 client, and only it', async () => {
    const config = join(dir, 'with-archive.yaml');
    writeFileSync(
      config,
      `${readFileSync(join(home, 'config.yaml'), 'utf8')}archives:\n  - name: fw\n    url: s3://logs/firewall/\n    endpoint: http://127.0.0.1:1\n    region: auto\n`,
    );
    // Nothing listens there: the archive is reported unreadable (partial, 4), after the client was opened.
    const run = await runRecorded(['inventory', '--local-only'], { LUXERET_CONFIG: config, AWS_ACCESS_KEY_ID: 'key', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(run.code).toBe(4);
    expect(heavyIn(run)).toEqual(['@aws-sdk/client-s3']);
  });
});

describePg('start-up on a PostgreSQL store', () => {
  let pgHome: StoreHome;
  beforeAll(async () => void (pgHome = await startStoreHome('postgres', { config: '' })));
  afterAll(async () => {
    await pgHome?.close();
  });

  it('hold list loads pg (the adapter: pg-copy-streams too), and nothing for Cloudflare', async () => {
    const run = await runRecorded(['hold', 'list'], { ...pgHome.env });
    expect(run.code).toBe(0);
    expect(heavyIn(run)).toEqual(['pg', 'pg-copy-streams']);
  });
});
