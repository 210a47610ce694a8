import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccount, addZone, type Emulator } from '@luxeret/cloudflare-emulator';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { insertEvents } from '../helpers/store.js';
import { virtualClock } from '../helpers/virtual-clock.js';

const DAY = 86_400_000;
const SUBJECT = '203.0.113.5';
const AS_OF = '2030-01-01T00:00:00Z';

let emulator: Emulator;
let env: Record<string, string>;
let cleanup: () => void;

// One home for the file: the commands below only read (dry runs, a fixed --as-of), except hold add and pull.
beforeAll(async () => {
  emulator = await startTestEmulator();
  const accountId = addAccount(emulator.state, { plan: 'enterprise' }).id;
  const zoneId = addZone(emulator.state, { name: 'luxeret.com', accountId, plan: 'enterprise' }).id;
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  const home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  expect((await runCli(['init'], { env })).code).toBe(0);
  writeFileSync(join(home, 'config.yaml'), `account_id: "${accountId}"\nzones:\n  - id: "${zoneId}"\n`);
  const now = Date.now();
  insertEvents(
    join(home, 'luxeret.db'),
    [1, 2, 40].map((days) => ({ zone: zoneId, at: new Date(now - days * DAY), ray: `ray${days}`, ip: SUBJECT, country: 'KR' })),
  );
});
afterAll(async () => {
  await emulator.close();
  cleanup();
});

/** Every command with a json form, as run here; the second member is a --format other than json. */
const READING: readonly (readonly [string[], string])[] = [
  [['inventory'], 'csv'],
  [['ledger'], 'md'],
  [['stats'], 'table'],
  [['audit', 'show'], 'table'],
  [['audit', 'verify'], 'table'],
  [['hold', 'list'], 'table'],
  [['purge', '--dry-run', '--as-of', AS_OF], 'table'],
  [['subject', 'show', '--ip', SUBJECT], 'table'],
  [['subject', 'erase', '--ip', SUBJECT, '--dry-run'], 'table'],
];
/** Commands whose JSON differs from run to run. */
const VARYING: readonly (readonly [string[], string])[] = [
  [['hold', 'add', '--ip', '198.51.100.0/24', '--reason', 'Police request'], 'table'],
  [['pull', '--since', '1h'], 'table'],
  [['doctor'], 'table'],
];

describe('--json is short for --format json', () => {
  it.each(READING.map(([argv]) => [argv.join(' '), argv] as const))('%s: --format json prints the same bytes as --json', async (_, argv) => {
    // Both runs at the same instant: reports state when they were made (generated_at).
    const start = Date.now();
    const alias = await runCli([...argv, '--json'], { env, clock: virtualClock(start) });
    const format = await runCli([...argv, '--format', 'json'], { env, clock: virtualClock(start) });
    expect(format.code).toBe(alias.code);
    expect(format.stdout).toBe(alias.stdout);
    expect(() => JSON.parse(format.stdout) as unknown).not.toThrow();
  });

  it.each(VARYING.map(([argv]) => [argv.join(' '), argv] as const))('%s: --format json prints the JSON --json prints', async (_, argv) => {
    // A new hold id, a later pull window, the emulator's timing in doctor's observations: the same keys, not the same values.
    const alias = await runCli([...argv, '--json'], { env });
    const format = await runCli([...argv, '--format', 'json'], { env });
    expect([alias.code, format.code]).toEqual([0, 0]);
    expect(Object.keys(JSON.parse(format.stdout) as object)).toEqual(Object.keys(JSON.parse(alias.stdout) as object));
  });

  it.each([...READING, ...VARYING].map(([argv, other]) => [argv.join(' '), argv, other] as const))(
    '%s: --json with --format %s is a usage error naming both',
    async (_, argv, other) => {
      const result = await runCli([...argv, '--json', '--format', other], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--json and --format ${other} conflict`);
      expect(result.stdout).toBe('');
    },
  );

  it('--json with --format json agrees', async () => {
    const start = Date.now();
    const result = await runCli(['stats', '--format', 'json', '--json'], { env, clock: virtualClock(start) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe((await runCli(['stats', '--json'], { env, clock: virtualClock(start) })).stdout);
  });

  it('help names the forms', async () => {
    const result = await runCli(['inventory', '--help']);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain(
      '--format <format> output format (choices: "table", "json", "csv", "html", "md", default: "table") --json same as --format json',
    );
  });
});
