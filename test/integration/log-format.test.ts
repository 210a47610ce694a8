import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runCli, type CliResult } from '../helpers/cli.js';
import { ZONE_ID } from '../helpers/store.js';
import { describeEachStore, newStoreTarget, type TestStoreTarget } from '../helpers/store-kinds.js';

const TOKEN = 'log-test-token-8f3a9c2e71d04b6a';
// Written percent-encoded in the URL; either form would be a leak.
const PASSWORD = 'pw%40log-secret-5521';
const PASSWORD_DECODED = 'pw@log-secret-5521';
// Nothing listens there: a pull fails on the network, and the verbose line names this address.
const DEAD_BASE_URL = 'http://127.0.0.1:9/client/v4';
const LEVELS = ['debug', 'info', 'warn', 'error'];

interface LogLine {
  time: string;
  level: string;
  command: string | null;
  event: string;
  [field: string]: unknown;
}

/** Every stderr line as JSON with the required keys, and none holding the token, the password or an address. */
function readLogLines(result: CliResult): LogLine[] {
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    expect(() => JSON.parse(line) as unknown, `not JSON: ${line}`).not.toThrow();
    const parsed = JSON.parse(line) as LogLine;
    expect(Object.keys(parsed).slice(0, 4)).toEqual(['time', 'level', 'command', 'event']);
    expect(new Date(parsed.time).toISOString()).toBe(parsed.time);
    expect(LEVELS).toContain(parsed.level);
    expect(parsed.command === null || typeof parsed.command === 'string').toBe(true);
    expect(parsed.event).toMatch(/^[a-z_]+$/);
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain(PASSWORD_DECODED);
    expect(addressesIn(line), line).toEqual([]);
    return parsed;
  });
}

/** IPv4 and IPv6 addresses anywhere in the text (a JSON escape or a URL around them included). */
function addressesIn(text: string): string[] {
  const candidates = text.match(/[0-9A-Fa-f:.]{3,}/g) ?? [];
  return candidates.flatMap((candidate) => {
    const trimmed = candidate.replace(/^[:.]+|[:.]+$/g, '');
    const found = [candidate, trimmed].find((c) => isIP(c) !== 0);
    return found === undefined ? [] : [found];
  });
}

describeEachStore('--log-format json: stderr is one JSON object per line, with no secret or address', (kind) => {
  let temp: { dir: string; cleanup: () => void };
  let target: TestStoreTarget;
  let env: Record<string, string>;
  beforeEach(async () => {
    temp = makeTempDir();
    target = newStoreTarget(kind);
    const home = join(temp.dir, 'home');
    const url = target.env['LUXERET_DATABASE_URL'];
    // Trust authentication: the server ignores the password, so it only tests that no message shows it.
    const withPassword: Record<string, string> = url === undefined ? {} : { LUXERET_DATABASE_URL: url.replace(/:\/\/([^@:/]+)@/, `://$1:${PASSWORD}@`) };
    env = { LUXERET_HOME: home, CLOUDFLARE_BASE_URL: DEAD_BASE_URL, CLOUDFLARE_API_TOKEN: TOKEN, ...target.env, ...withPassword };
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(join(home, 'config.yaml'), `zones:\n  - id: "${ZONE_ID}"\n    name: luxeret.com\n${target.configYaml}`, { mode: 0o600 });
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterEach(async () => {
    await target.cleanup();
    temp.cleanup();
  });

  it('the URL in the environment carries the password (the test is about something)', () => {
    if (kind === 'postgres') expect(env['LUXERET_DATABASE_URL']).toContain(`:${PASSWORD}@`);
  });

  it('init', async () => {
    const result = await runCli(['--log-format', 'json', 'init'], { env });
    expect(result.code).toBe(0);
    readLogLines(result);
  });

  it('hold add with a bad flag: a usage_error naming the command and exit code 2', async () => {
    const result = await runCli(['--log-format', 'json', 'hold', 'add', '--ip', '203.0.113.5', '--reason', 'x', '--bogus'], { env });
    expect(result.code).toBe(2);
    const lines = readLogLines(result);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', command: 'hold add', event: 'usage_error', exit_code: 2 })]);
    expect(lines[0]?.['message']).toContain('--bogus');
  });

  it('LUXERET_LOG_FORMAT=json does the same as the option, and the option may follow the command', async () => {
    const fromEnv = await runCli(['hold', 'add', '--bogus'], { env: { ...env, LUXERET_LOG_FORMAT: 'json' } });
    expect(fromEnv.code).toBe(2);
    expect(readLogLines(fromEnv)).toEqual([expect.objectContaining({ event: 'usage_error', command: 'hold add' })]);
    const after = await runCli(['hold', 'add', '--log-format', 'json', '--bogus'], { env });
    expect(readLogLines(after)).toEqual([expect.objectContaining({ event: 'usage_error', command: 'hold add' })]);
  });

  it('inventory against the empty store, with --verbose: the line naming the API base URL shows no address', async () => {
    const result = await runCli(['--log-format', 'json', '--verbose', 'inventory', '--local-only'], { env });
    if (kind === 'sqlite') expect(result.code).toBe(0);
    const lines = readLogLines(result);
    const verbose = lines.find((line) => line.event === 'verbose');
    expect(verbose).toMatchObject({ level: 'debug', command: 'inventory' });
    expect(verbose?.['message']).toContain('API http://[ip]:9/client/v4');
  });

  it('doctor without a token', async () => {
    const { CLOUDFLARE_API_TOKEN: _token, ...withoutToken } = env;
    const result = await runCli(['--log-format', 'json', 'doctor'], { env: withoutToken });
    expect(result.code).toBe(1);
    readLogLines(result);
  });

  it('a pull that fails on the network: an error event with its exit code', async () => {
    const result = await runCli(['--log-format', 'json', 'pull', '--since', '1h'], { env });
    expect(result.code).toBeGreaterThan(0);
    const lines = readLogLines(result);
    expect(lines.some((line) => line.level === 'error' || line.level === 'warn')).toBe(true);
    expect(lines.every((line) => line.command === 'pull')).toBe(true);
  });

  it('an error with --debug: the cause chain is a field of the one error line', async () => {
    const result = await runCli(['--log-format', 'json', '--debug', 'audit', 'verify', '--file', join(temp.dir, 'missing.jsonl')], { env });
    expect(result.code).toBe(7);
    const lines = readLogLines(result);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', event: 'error', command: 'audit verify', error: 'StoreError', exit_code: 7 })]);
    expect(lines[0]?.['stack']).toContain('StoreError');
  });
});

describe('--log-format', () => {
  it('refuses an unknown value (exit 2), naming the option', async () => {
    const result = await runCli(['--log-format', 'xml', 'init']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--log-format <format>' argument 'xml' is invalid");
  });

  it('refuses an unknown LUXERET_LOG_FORMAT (exit 2), naming the variable', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const result = await runCli(['init'], { env: { LUXERET_HOME: join(dir, 'home'), LUXERET_LOG_FORMAT: 'xml' } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('LUXERET_LOG_FORMAT must be one of text, json, not "xml"');
    } finally {
      cleanup();
    }
  });

  it('text stays the default', async () => {
    const result = await runCli(['hold', 'add', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown option '--bogus'\n");
  });
});
