import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const COMMANDS = [
  ['init'],
  ['pull'],
  ['inventory'],
  ['purge'],
  ['hold', 'add'],
  ['hold', 'list'],
  ['hold', 'release'],
  ['keys', 'public'],
  ['audit', 'export'],
  ['audit', 'verify'],
  ['audit', 'show'],
  ['stats'],
  ['ledger'],
  ['subject', 'show'],
  ['subject', 'erase'],
  ['doctor'],
  ['demo'],
  ['completion'],
];

describe('every command', () => {
  it.each(COMMANDS.map((argv) => [argv.join(' '), argv] as const))('%s --help exits 0 with an example', async (_, argv) => {
    const result = await runCli([...argv, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples?:\n {2}luxeret-privacy /);
  });

  it('a usage error in a nested command exits 2 and names the missing option', async () => {
    const result = await runCli(['hold', 'add', '--ip', '203.0.113.5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--reason <text>' not specified");
  });

  it('--version prints the version and the store schema version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^luxeret-privacy \d+\.\d+\.\d+\S* \(store schema \d+\)\n$/);
  });

  it('an unknown command exits 2', async () => {
    expect((await runCli(['destroy-everything'])).code).toBe(2);
  });
});
