import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, addAccount, addToken, addZone, type Emulator } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';

let emulator: Emulator;
let home: string;
let cleanup: () => void;
let accountId: string;
let zoneId: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  accountId = addAccount(emulator.state, { plan: 'enterprise' }).id;
  zoneId = addZone(emulator.state, { name: 'luxeret.com', accountId, plan: 'business' }).id;
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  home = join(temp.dir, 'home');
  expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
  writeFileSync(join(home, 'config.yaml'), `account_id: "${accountId}"\nzones:\n  - id: "${zoneId}"\n    name: luxeret.com\n`);
});
afterAll(async () => {
  await emulator.close();
  cleanup();
});

const env = (token: string) => ({ LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: token, CLOUDFLARE_BASE_URL: emulator.baseUrl });
type DoctorJson = { ok: boolean; checks: { name: string; status: string; detail: string; hint?: string }[] };

describe('doctor', () => {
  it('passes with a token that has every permission, and reports the zone windows', async () => {
    const result = await runCli(['doctor', '--json'], { env: env(TEST_TOKEN) });
    const report = JSON.parse(result.stdout) as DoctorJson;
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.checks.find((c) => c.name === 'token')?.detail).toBe('valid and active (/user/tokens/verify)');
    expect(report.checks.find((c) => c.name === 'analytics luxeret.com')?.detail).toContain('security events kept 3 day(s)');
    expect(report.checks.find((c) => c.name === 'clock')?.status).toBe('pass');
    expect(report.checks.find((c) => c.name === 'signature checks')).toMatchObject({ status: 'pass', detail: expect.stringContaining('libsodium') });
    expect(report.checks.find((c) => c.name === 'last purge')?.status).toBe('warn');
  });

  it('fails clearly, naming the permission the token lacks', async () => {
    addToken(emulator.state, {
      value: 'no-lists-token',
      kind: 'account',
      accountId,
      permissions: ALL_PERMISSIONS.filter((p) => !p.startsWith('Account Filter Lists')),
    });
    const result = await runCli(['doctor'], { env: env('no-lists-token') });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL {2}read list-items \(account [0-9a-f]{8}…\): not readable with this token: needs Account Filter Lists Read/);
    expect(result.stdout).toContain(`PASS  token: valid and active (/accounts/${accountId}/tokens/verify)`);
    expect(result.stdout).not.toContain('no-lists-token');
  });

  it('fails on an invalid token and a private key readable by others, without printing the token', async () => {
    chmodSync(join(home, 'keys', 'audit-signing-key.pem'), 0o644);
    try {
      const result = await runCli(['doctor'], { env: env('wrong-token-value') });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('FAIL  token: not valid');
      expect(result.stdout).toContain('FAIL  signing key');
      expect(result.stdout + result.stderr).not.toContain('wrong-token-value');
    } finally {
      chmodSync(join(home, 'keys', 'audit-signing-key.pem'), 0o600);
    }
  });

  it('fails on an invalid config, naming the key', async () => {
    const result = await runCli(['--config', join(home, 'bad.yaml'), 'doctor'], { env: env(TEST_TOKEN) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  config: No config file');
    writeFileSync(join(home, 'bad.yaml'), 'retention:\n  firewall_events: 30x\n');
    const bad = await runCli(['--config', join(home, 'bad.yaml'), 'doctor'], { env: env(TEST_TOKEN) });
    expect(bad.stdout).toContain('retention.firewall_events: "30x" is not a duration');
  });
});
