import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queryStore, useInitialisedHome } from '../helpers/store.js';

let home = '';
let env: Record<string, string> = {};
useInitialisedHome('', (made) => ({ home, env } = made));

const counts = () => ({
  holds: queryStore<{ n: number }>(join(home, 'luxeret.db'), 'SELECT COUNT(*) AS n FROM holds')[0]!.n,
  released: queryStore<{ n: number }>(join(home, 'luxeret.db'), 'SELECT COUNT(*) AS n FROM holds WHERE released_at IS NOT NULL')[0]!.n,
  audit: queryStore<{ n: number }>(join(home, 'luxeret.db'), 'SELECT COUNT(*) AS n FROM audit_log')[0]!.n,
});

describe('a typo in hold add / hold release is a usage error: exit 2, a message naming it, nothing changed', () => {
  it.each([
    ['a misspelled --reason flag', ['hold', 'add', '--ip', '203.0.113.7', '--reasn', 'Police request'], /--reasn/],
    ['no --reason', ['hold', 'add', '--ip', '203.0.113.7'], /--reason/],
    ['--reason without its value', ['hold', 'add', '--ip', '203.0.113.7', '--reason'], /--reason/],
    ['an empty reason', ['hold', 'add', '--ip', '203.0.113.7', '--reason', '   '], /--reason: must not be empty/],
    ['an IP in the reason', ['hold', 'add', '--ip', '203.0.113.7', '--reason', 'Police request for 203.0.113.7'], /--reason: must not contain an IP/],
    [
      'an IPv6 address in the reference',
      ['hold', 'add', '--ip', '2001:db8::1', '--reason', 'Police request', '--reference', 'case 2001:db8::1'],
      /--reference: must not contain an IP/,
    ],
    ['a prefix that cannot be', ['hold', 'add', '--ip', '198.18.0.0/33', '--reason', 'Police request'], /--ip/],
    ['a three-letter country', ['hold', 'add', '--ip', '203.0.113.7', '--country', 'KOR', '--reason', 'Police request'], /--country/],
    ['a misspelled subcommand', ['hold', 'ad', '--ip', '203.0.113.7', '--reason', 'Police request'], /ad/],
    ['release without --reason', ['hold', 'release', 'HOLD'], /--reason/],
    ['release with an IP in the reason', ['hold', 'release', 'HOLD', '--reason', 'closed, 203.0.113.7 cleared'], /--reason: must not contain an IP/],
    ['release of a misspelled id', ['hold', 'release', 'hold_0000000x', '--reason', 'Case closed'], /No hold with id hold_0000000x/],
    ['a misspelled release flag', ['hold', 'release', 'HOLD', '--reson', 'Case closed'], /--reson/],
  ])('%s', async (_name, argv, message) => {
    const added = await runCli(['hold', 'add', '--ip', '198.51.100.0/24', '--reason', 'Police request'], { env });
    expect(added.code).toBe(0);
    const holdId = added.stdout.trim();
    const before = counts();
    const result = await runCli(
      argv.map((arg) => (arg === 'HOLD' ? holdId : arg)),
      { env },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('203.0.113.7');
    expect(counts()).toEqual(before);
  });
});
