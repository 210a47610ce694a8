import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';

let temp: { dir: string; cleanup: () => void };
let home: string;
let keys: string;
beforeEach(() => {
  temp = makeTempDir();
  home = join(temp.dir, 'home');
  keys = join(home, 'keys');
});
afterEach(() => temp.cleanup());

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('init refuses a keys/ folder it did not make', () => {
  it.each([
    [
      'a signing key planted before the store exists',
      'audit-signing-key.pem',
      () => writeFileSync(join(keys, 'audit-signing-key.pem'), pem(), { mode: 0o600 }),
    ],
    ['a file with no business there', 'extra-key.pem', () => writeFileSync(join(keys, 'extra-key.pem'), pem(), { mode: 0o600 })],
    [
      'a subject secret readable by others',
      'subject-hmac.key',
      () => {
        writeFileSync(join(keys, 'subject-hmac.key'), 'c2VjcmV0c2VjcmV0c2VjcmV0Cg==\n');
        chmodSync(join(keys, 'subject-hmac.key'), 0o644);
      },
    ],
    ['a symbolic link in place of the subject secret', 'subject-hmac.key', () => symlinkSync(join(temp.dir, 'elsewhere'), join(keys, 'subject-hmac.key'))],
    [
      'a signing key that is no key (crashed init before)',
      'audit-signing-key.pem',
      () => writeFileSync(join(keys, 'audit-signing-key.pem'), 'garbage', { mode: 0o600 }),
    ],
  ])('%s: exit 2 naming %s, nothing created', async (_name, file, plant) => {
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    plant();
    const result = await runCli(['init'], { env: { LUXERET_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(keys, file));
    expect(existsSync(join(home, 'luxeret.db'))).toBe(false);
  });

  it('a second init over its own keys is fine, and a key made unreadable to others stays required', async () => {
    expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
    expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
    chmodSync(join(keys, 'audit-signing-key.pem'), 0o640);
    const loose = await runCli(['init'], { env: { LUXERET_HOME: home } });
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain('audit-signing-key.pem can be read or written by others (mode 0640)');
  });
});
