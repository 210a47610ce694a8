import { chmodSync, chownSync, linkSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useInitialisedHome } from '../helpers/store.js';

let dir: string;
let home: string;
let env: Record<string, string>;
useInitialisedHome('', (made) => ({ dir, home, env } = made));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('--output', () => {
  it.each([
    ['audit', 'export'],
    ['inventory', '--format', 'csv'],
    ['ledger', '--format', 'csv'],
  ])('%s %s: refuses a symbolic link (exit 2), leaving its target and its mode alone', async (...argv) => {
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'precious\n', { mode: 0o644 });
    chmodSync(target, 0o644);
    const link = join(dir, 'out.txt');
    symlinkSync(target, link);
    const result = await runCli([...argv, '--output', link], { env, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('symbolic link');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(mode(target)).toBe(0o644);
  });

  it.each([
    ['audit', 'export'],
    ['inventory', '--format', 'csv'],
    ['ledger', '--format', 'csv'],
  ])('%s %s: leaves an existing, looser file at 0600 with only the new content', async (...argv) => {
    const out = join(dir, 'out.txt');
    writeFileSync(out, 'x'.repeat(100_000), { mode: 0o644 });
    chmodSync(out, 0o644);
    const result = await runCli([...argv, '--output', out], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(mode(out)).toBe(0o600);
    expect(readFileSync(out, 'utf8')).not.toContain('xxxx');
  });
});

describe('terminal text', () => {
  it('an error naming hostile text shows no escape sequence', async () => {
    writeFileSync(join(home, 'config.yaml'), '"\\e]0;pwned\\a\\e[2Jcolour": 1\n');
    const result = await runCli(['purge', '--dry-run'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('colour: unknown key');
    expect(result.stderr).not.toMatch(/\u001b/);
  });

  it('refuses a file with a second name (hard link), leaving it and its other name as they were (exit 2)', async () => {
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'precious\n', { mode: 0o644 });
    chmodSync(target, 0o644);
    const hard = join(dir, 'hard.jsonl');
    linkSync(target, hard);
    const linked = await runCli(['audit', 'export', '--output', hard], { env, cwd: dir });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('hard links');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(mode(target)).toBe(0o644);
  });

  // Giving a file to another user takes root (CI and this machine run as root).
  it.skipIf(process.geteuid?.() !== 0)('refuses a file that belongs to another user, leaving it as it was (exit 2)', async () => {
    const theirs = join(dir, 'theirs.jsonl');
    writeFileSync(theirs, 'theirs\n', { mode: 0o644 });
    chownSync(theirs, 65534, 65534);
    const owned = await runCli(['audit', 'export', '--output', theirs], { env, cwd: dir });
    expect(owned.code).toBe(2);
    expect(owned.stderr).toContain('another user');
    expect(readFileSync(theirs, 'utf8')).toBe('theirs\n');
  });
});
