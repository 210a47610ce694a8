import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/entry.js';
import { ensureKeys, keyFingerprint, loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { openPgStore } from '../../src/store/postgres/connection.js';
import { migratePgStore } from '../../src/store/postgres/schema.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { describeEachStore, newStoreTarget, type StoreKind, type TestStoreTarget } from '../helpers/store-kinds.js';
import { describePg, TEST_DATABASE_URL } from '../postgres/pg-test-store.js';

/**
 * A home on the given store, as `init` leaves it. On PostgreSQL, `init` is not on the store port yet: the keys and
 * config are made as init makes them, the schema migrated, and the genesis written through the port.
 */
async function prepareHome(kind: StoreKind, home: string, target: TestStoreTarget, options: { genesis: boolean }): Promise<Record<string, string>> {
  const env = { LUXERET_HOME: home, ...target.env };
  if (kind === 'sqlite') {
    expect((await runCli(['init'], { env })).code).toBe(0);
    return env;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  ensureKeys(homePaths(home));
  writeFileSync(join(home, 'config.yaml'), EXAMPLE_CONFIG + target.configYaml, { mode: 0o600 });
  const schema = /store_schema: (\S+)/.exec(target.configYaml)![1]!;
  const store = openPgStore(TEST_DATABASE_URL, schema);
  try {
    await migratePgStore(store);
  } finally {
    await store.close();
  }
  if (options.genesis) {
    const port = await target.openPort(home);
    try {
      const paths = homePaths(home);
      await port.ensureAuditGenesis({ privateKey: loadSigningKey(paths.signingKey), actor: 'ops@host', now: () => new Date() }, 'init');
    } finally {
      await port.close();
    }
  }
  return env;
}

describeEachStore('audit and keys commands', (kind) => {
  let temp: ReturnType<typeof makeTempDir>;
  let target: TestStoreTarget;
  let env: Record<string, string>;
  beforeEach(async () => {
    temp = makeTempDir();
    target = newStoreTarget(kind);
    env = await prepareHome(kind, join(temp.dir, 'home'), target, { genesis: true });
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('rotate, show, export, verify (store and file) and the key history read and write the selected store', async () => {
    const first = join(temp.dir, 'first.pem');
    expect((await runCli(['keys', 'public', '--output', first], { env })).code).toBe(0);
    const rotated = await runCli(['keys', 'rotate', '--reason', 'scheduled yearly rotation'], { env });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('Rotated the audit signing key (entry seq 2)');

    const shown = await runCli(['audit', 'show', '--json'], { env });
    expect(shown.code).toBe(0);
    const entries = JSON.parse(shown.stdout) as AuditEntry[];
    expect(entries.map((e) => e.event)).toEqual(['audit.genesis', 'keys.rotate']);
    // Only a store several hosts share names the signing key in each entry.
    expect(entries.map((e) => e.signed_by)).toEqual(
      kind === 'postgres' ? [expect.stringMatching(/^SHA256:/), expect.stringMatching(/^SHA256:/)] : [undefined, undefined],
    );

    const exportPath = join(temp.dir, 'audit.jsonl');
    expect((await runCli(['audit', 'export', '--output', exportPath], { env })).code).toBe(0);
    expect(readFileSync(exportPath, 'utf8').trimEnd().split('\n')).toHaveLength(3);

    const fromStore = await runCli(['audit', 'verify', '--json'], { env });
    expect(fromStore.code).toBe(0);
    expect(JSON.parse(fromStore.stdout)).toMatchObject({ ok: true, entries: 2, head: 'verified', genesis: 'verified' });
    const auditor = { LUXERET_HOME: join(temp.dir, 'auditor') };
    const fromFile = await runCli(['audit', 'verify', '--file', exportPath, '--public-key', first, '--json'], { env: auditor });
    expect(fromFile.code).toBe(0);
    expect((JSON.parse(fromFile.stdout) as { keys: unknown[] }).keys).toHaveLength(2);

    const history = await runCli(['keys', 'public', '--all'], { env });
    expect(history.stdout).toContain('rotation at seq 2: scheduled yearly rotation; in force');
  });
});

describePg('two hosts, each with its own key, sharing one PostgreSQL audit log', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let target: TestStoreTarget;
  beforeEach(() => {
    temp = makeTempDir();
    target = newStoreTarget('postgres');
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('verifies with both hosts public keys named, fails with one, and each host finds its own key in force', async () => {
    const envA = await prepareHome('postgres', join(temp.dir, 'a'), target, { genesis: true });
    const envB = await prepareHome('postgres', join(temp.dir, 'b'), target, { genesis: false });
    const keyA = join(temp.dir, 'a.pem');
    const keyB = join(temp.dir, 'b.pem');
    expect((await runCli(['keys', 'public', '--output', keyA], { env: envA })).code).toBe(0);
    expect((await runCli(['keys', 'public', '--output', keyB], { env: envB })).code).toBe(0);
    const fingerprintB = keyFingerprint(loadSigningKey(homePaths(join(temp.dir, 'b')).signingKey));

    // Host b has not signed yet: its plain verify is fine, its key is simply not in the log.
    expect((await runCli(['audit', 'verify'], { env: envB })).code).toBe(0);
    // Its first act enrols its key, then hands it over to a fresh one.
    expect((await runCli(['keys', 'rotate', '--reason', 'scheduled yearly rotation'], { env: envB })).code).toBe(0);
    const shown = JSON.parse((await runCli(['audit', 'show', '--json'], { env: envA })).stdout) as AuditEntry[];
    expect(shown.map((e) => e.event)).toEqual(['audit.genesis', 'keys.enrol', 'keys.rotate']);
    expect(shown[1]?.signed_by).toBe(fingerprintB);

    const both = await runCli(['audit', 'verify', '--public-key', keyA, '--public-key', keyB, '--json'], { env: envA });
    expect(both.code).toBe(0);
    expect(JSON.parse(both.stdout)).toMatchObject({ ok: true, entries: 3 });
    const onlyA = await runCli(['audit', 'verify', '--public-key', keyA], { env: envA });
    expect(onlyA.code).toBe(1);
    expect(onlyA.stdout).toContain(`enrols key ${fingerprintB}, which is not among the keys verify was given`);
    // Without named keys each host checks the log from its genesis and finds its own key in force.
    expect((await runCli(['audit', 'verify'], { env: envA })).code).toBe(0);
    expect((await runCli(['audit', 'verify'], { env: envB })).code).toBe(0);
    expect((await runCli(['keys', 'public', '--all'], { env: envB })).stdout).toContain('enrolled by its host at seq 2; retired at seq 3');
  });
});
