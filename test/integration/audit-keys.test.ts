import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextKeyPath, stageNextKey } from '../../src/audit/key-rotation.js';
import { keyFingerprint, loadSigningKey } from '../../src/audit/keys.js';
import { appendKeyRotation } from '../../src/audit/log.js';
import { openStore } from '../../src/store/db.js';
import { homePaths } from '../../src/cli/paths.js';
import { makeTempDir, runCli } from '../helpers/cli.js';

let temp: ReturnType<typeof makeTempDir>;
let home: string;
let env: Record<string, string>;
const paths = () => homePaths(home);
const fingerprintOfSigningKey = () => keyFingerprint(loadSigningKey(paths().signingKey));

beforeEach(async () => {
  temp = makeTempDir();
  home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home };
  expect((await runCli(['init'], { env })).code).toBe(0);
  expect((await runCli(['keys', 'public', '--output', join(temp.dir, 'first.pem')], { env })).code).toBe(0);
});
afterEach(() => temp.cleanup());

const holdAdd = (ip: string) => runCli(['hold', 'add', '--ip', ip, '--reason', 'Police request'], { env });

describe('keys rotate', () => {
  it('hands over twice; the export verifies from the first public key alone, and show, the ledger and keys public --all mark it', async () => {
    const first = fingerprintOfSigningKey();
    expect((await holdAdd('203.0.113.0/24')).code).toBe(0);
    const rotated = await runCli(['keys', 'rotate', '--reason', 'scheduled yearly rotation'], { env });
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const second = fingerprintOfSigningKey();
    expect(second).not.toBe(first);
    expect(rotated.stdout).toContain(`old: ${first} (private key destroyed)`);
    expect(rotated.stdout).toContain(`new: ${second}`);
    expect(existsSync(nextKeyPath(paths()))).toBe(false);
    expect((await holdAdd('198.51.100.0/24')).code).toBe(0);
    expect((await runCli(['keys', 'rotate', '--reason', 'administrator left'], { env })).code).toBe(0);
    const third = fingerprintOfSigningKey();
    expect((await holdAdd('192.0.2.0/24')).code).toBe(0);
    // The public copy follows the signing key.
    expect(readFileSync(paths().publicKey, 'utf8')).toContain('BEGIN PUBLIC KEY');

    const exportPath = join(temp.dir, 'audit.jsonl');
    expect((await runCli(['audit', 'export', '--output', exportPath], { env })).code).toBe(0);
    const auditor = { LUXERET_HOME: join(temp.dir, 'auditor') };
    const verified = await runCli(['audit', 'verify', '--file', exportPath, '--public-key', join(temp.dir, 'first.pem'), '--json'], { env: auditor });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      keys: [
        { fingerprint: first, from_seq: 1 },
        { fingerprint: second, from_seq: 4 },
        { fingerprint: third, from_seq: 6 },
      ],
    });

    const all = await runCli(['keys', 'public', '--all'], { env });
    expect(all.stdout.match(/^Key \d: SHA256:[0-9a-f]{64}/gm)).toEqual([`Key 1: ${first}`, `Key 2: ${second}`, `Key 3: ${third}`]);
    expect(all.stdout).toContain('rotation at seq 3: scheduled yearly rotation; retired at seq 5');
    expect((all.stdout.match(/BEGIN PUBLIC KEY/g) ?? []).length).toBe(3);
    expect((await runCli(['audit', 'show'], { env })).stdout).toContain(`KEY ROTATED to ${second}`);
    const ledger = JSON.parse((await runCli(['ledger', '--format', 'json'], { env })).stdout) as { key_rotations: unknown[] };
    expect(ledger.key_rotations).toEqual([
      expect.objectContaining({ audit_seq: 3, fingerprint: second, reason: 'scheduled yearly rotation' }),
      expect.objectContaining({ audit_seq: 5, fingerprint: third, reason: 'administrator left' }),
    ]);
  });

  it('recovers from a crash between the log commit and the key swap by finishing the swap', async () => {
    const db = openStore(paths().store);
    const old = loadSigningKey(paths().signingKey);
    // The first two steps of a rotation, then the process dies before swapping keys.
    const staged = stageNextKey(paths());
    appendKeyRotation(db, { privateKey: old, actor: 'ops@host', now: () => new Date() }, staged, 'scheduled');
    db.close();
    expect(fingerprintOfSigningKey()).toBe(keyFingerprint(old));

    const added = await holdAdd('203.0.113.0/24');
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('Finished a key rotation that a crash interrupted');
    expect(fingerprintOfSigningKey()).toBe(keyFingerprint(staged));
    expect(existsSync(nextKeyPath(paths()))).toBe(false);
    expect((await runCli(['audit', 'verify', '--public-key', join(temp.dir, 'first.pem')], { env })).code).toBe(0);
  });

  it('recovers from a crash before the log commit by discarding the staged key', async () => {
    const old = fingerprintOfSigningKey();
    stageNextKey(paths());
    const added = await holdAdd('203.0.113.0/24');
    expect(added.code).toBe(0);
    expect(added.stderr).toContain('Discarded a staged signing key');
    expect(fingerprintOfSigningKey()).toBe(old);
    expect(existsSync(nextKeyPath(paths()))).toBe(false);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  it('refuses to sign with a key the log does not have in force', async () => {
    writeFileSync(paths().signingKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const added = await holdAdd('203.0.113.0/24');
    expect(added.code).toBe(7);
    expect(added.stderr).toMatch(/is not the key the audit log has in force/);
    const verified = await runCli(['audit', 'verify'], { env });
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/the log's key in force \(SHA256:[0-9a-f]{64}\) is not this home's signing key/);
  });

  it.each([
    [['keys', 'rotate'], /required option '--reason <text>'/],
    [['keys', 'rotate', '--reason', ' '], /--reason must not be empty/],
    [['keys', 'rotate', '--reason', 'leaked from 203.0.113.5'], /contains a raw IP address/],
  ])('refuses %j with exit 2 and changes nothing', async (argv, message) => {
    const before = fingerprintOfSigningKey();
    const result = await runCli(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(fingerprintOfSigningKey()).toBe(before);
  });
});
