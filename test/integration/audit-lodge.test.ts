import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { openStore } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startLocalTsa } from '../helpers/tsa.js';
import { childEnv } from '../helpers/child-env.js';

let temp: ReturnType<typeof makeTempDir>;
let home: string;
let env: Record<string, string>;
let lodged: string;

beforeEach(async () => {
  temp = makeTempDir();
  home = join(temp.dir, 'home');
  lodged = join(temp.dir, 'lodged-heads.jsonl');
  env = { LUXERET_HOME: home, PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  expect((await runCli(['init'], { env })).code).toBe(0);
  exampleConfig = undefined;
  setLodgeCommand(`cat >> '${lodged}'`);
});
afterEach(() => temp.cleanup());

let exampleConfig: string | undefined;
function setLodgeCommand(command: string): void {
  exampleConfig ??= readFileSync(join(home, 'config.yaml'), 'utf8');
  writeFileSync(join(home, 'config.yaml'), `${exampleConfig}\naudit:\n  lodge_command: ${JSON.stringify(command)}\n`);
}
const holdAdd = (ip: string) => runCli(['hold', 'add', '--ip', ip, '--reason', 'Police request'], { env });
const lodgedHeads = () => (existsSync(lodged) ? readFileSync(lodged, 'utf8').trimEnd().split('\n') : []);
const storeHead = () => {
  const db = openStore(join(home, 'luxeret.db'));
  try {
    return (db.prepare('SELECT checkpoint FROM audit_head').get() as { checkpoint: string }).checkpoint;
  } finally {
    db.close();
  }
};

describe('audit.lodge_command', () => {
  it('gets the new signed head on stdin after every run that appended, and only then', async () => {
    expect((await holdAdd('203.0.113.0/24')).code).toBe(0);
    expect(lodgedHeads()).toEqual([storeHead()]);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
    expect((await runCli(['hold', 'list'], { env })).code).toBe(0);
    expect(lodgedHeads()).toHaveLength(1);
    expect((await holdAdd('198.51.100.0/24')).code).toBe(0);
    expect(lodgedHeads()).toEqual([expect.stringContaining('"count":2'), storeHead()]);
  });

  it('reports a failure with exit 4; the entry itself stays written', async () => {
    setLodgeCommand('echo "mail server down" >&2; exit 3');
    const result = await holdAdd('203.0.113.0/24');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('could not lodge the new audit head: audit.lodge_command exited with status 3: mail server down');
    expect(JSON.parse(storeHead())).toMatchObject({ count: 2 });
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  it('never hands the command the API token', async () => {
    setLodgeCommand(`printenv CLOUDFLARE_API_TOKEN > '${join(temp.dir, 'seen')}' || true`);
    expect(
      (await runCli(['hold', 'add', '--ip', '203.0.113.0/24', '--reason', 'x'], { env: { ...env, CLOUDFLARE_API_TOKEN: 'secret-token-value' } })).code,
    ).toBe(0);
    expect(readFileSync(join(temp.dir, 'seen'), 'utf8')).toBe('');
  });
});

describe('rollback to an older head', () => {
  it('passes the local check (the tail and its head are consistent), and is caught by a lodged head', async () => {
    expect((await holdAdd('203.0.113.0/24')).code).toBe(0);
    const olderHead = storeHead();
    expect((await holdAdd('198.51.100.0/24')).code).toBe(0);
    expect((await holdAdd('192.0.2.0/24')).code).toBe(0);
    const newest = lodgedHeads()[2]!;
    // Someone with write access to the store takes the two newest entries out and puts the older signed head back.
    const db = openStore(join(home, 'luxeret.db'));
    db.prepare('DELETE FROM audit_log WHERE seq > 2').run();
    db.prepare('UPDATE audit_head SET checkpoint = ?').run(olderHead);
    db.close();

    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
    const headFile = join(temp.dir, 'head.json');
    writeFileSync(headFile, newest + '\n');
    const checked = await runCli(['audit', 'verify', '--head', headFile], { env });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/First broken entry: seq 4 \(line 2\): truncated: the lodged head \(.*\) records 4 entries; seq 4 is missing/);
  });
});

describe('RFC 3161 time stamps of lodged heads', () => {
  it('stamps every lodged head; verify and openssl ts -verify accept the tokens; a token for another head is caught', async () => {
    const tsa = await startLocalTsa();
    try {
      exampleConfig ??= readFileSync(join(home, 'config.yaml'), 'utf8');
      writeFileSync(
        join(home, 'config.yaml'),
        `${exampleConfig}\naudit:\n  lodge_command: ${JSON.stringify(`cat >> '${lodged}'`)}\n  timestamp_url: ${tsa.url}\n  tsa_certificate: ${tsa.certificatePath}\n`,
      );
      // On a failure, the CLI's stderr says which step of lodging or time-stamping went wrong.
      const firstAdd = await holdAdd('203.0.113.0/24');
      expect(firstAdd.code, firstAdd.stderr).toBe(0);
      const secondAdd = await holdAdd('198.51.100.0/24');
      expect(secondAdd.code, secondAdd.stderr).toBe(0);
      // Each lodged head went out with its token.
      expect(lodgedHeads().map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['head', 'timestamp', 'head', 'timestamp']);

      const exportPath = join(temp.dir, 'audit.jsonl');
      expect((await runCli(['audit', 'export', '--output', exportPath], { env })).code).toBe(0);
      const lines = readFileSync(exportPath, 'utf8').trimEnd().split('\n');
      expect(lines.slice(-3).map((line) => (JSON.parse(line) as { type?: string }).type)).toEqual(['head', 'timestamp', 'timestamp']);
      const auditor = { LUXERET_HOME: join(temp.dir, 'auditor') };
      const verify = (file: string) => runCli(['audit', 'verify', '--file', file, '--tsa-certificate', tsa.certificatePath, '--json'], { env: auditor });
      const verified = await verify(exportPath);
      expect(verified.code).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, lodged_head: 'verified', timestamps: { lines: 2, verified: 2, checked: true } });
      expect((await runCli(['audit', 'verify'], { env })).stdout).toContain('Time stamps: 2 of 2 RFC 3161 tokens verify against');

      // docs/audit.md: the newest token checked with openssl alone.
      const stamp = JSON.parse(lines[lines.length - 1]!) as { head: unknown; token: string };
      writeFileSync(join(temp.dir, 'head.bin'), canonicalJson(stamp.head));
      writeFileSync(join(temp.dir, 'token.der'), Buffer.from(stamp.token, 'base64'));
      const openssl = execFileSync(
        'openssl',
        ['ts', '-verify', '-token_in', '-in', join(temp.dir, 'token.der'), '-data', join(temp.dir, 'head.bin'), '-CAfile', tsa.certificatePath],
        { encoding: 'utf8', env: childEnv() },
      );
      expect(openssl).toContain('Verification: OK');

      // The two tokens swapped: each now sits beside a head it does not stamp.
      const swapped = [...lines];
      const [first, second] = [JSON.parse(lines[lines.length - 2]!) as { token: string }, JSON.parse(lines[lines.length - 1]!) as { token: string }];
      swapped[lines.length - 2] = canonicalJson({ ...first, token: second.token });
      swapped[lines.length - 1] = canonicalJson({ ...second, token: first.token });
      const tamperedPath = join(temp.dir, 'tampered.jsonl');
      writeFileSync(tamperedPath, swapped.join('\n') + '\n');
      const broken = await verify(tamperedPath);
      expect(broken.code).toBe(1);
      expect((JSON.parse(broken.stdout) as { errors: { reason: string }[] }).errors.map((e) => e.reason)).toEqual([
        'timestamp of the head of 2 entries: the token stamps other data: it belongs to another head',
        'timestamp of the head of 3 entries: the token stamps other data: it belongs to another head',
        'no RFC 3161 time stamp verifies against the TSA certificate: the tokens may have been removed',
      ]);

      // Every token removed: asked to check third-party time, verify must not call that intact.
      const strippedPath = join(temp.dir, 'stripped.jsonl');
      writeFileSync(strippedPath, lines.filter((line) => (JSON.parse(line) as { type?: string }).type !== 'timestamp').join('\n') + '\n');
      const stripped = await verify(strippedPath);
      expect(stripped.code).toBe(1);
      expect((JSON.parse(stripped.stdout) as { errors: { reason: string }[] }).errors.map((e) => e.reason)).toEqual([
        'no RFC 3161 time stamp verifies against the TSA certificate: the tokens may have been removed',
      ]);
    } finally {
      await tsa.close();
    }
  });
});
