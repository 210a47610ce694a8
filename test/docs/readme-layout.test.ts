import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const LAYOUT = README.slice(README.indexOf('\n## Layout'));

/** Repository paths the Layout section quotes: `src/…`, `test/…`, `bench/…`, `packages/…`, `scripts/…`, `bin/`. */
function quotedPaths(text: string): string[] {
  const paths = [...text.matchAll(/`((?:src|test|bench|packages|scripts|bin|docs)(?:\/[\w.*-]+)*\/?)`/g)].map((m) => m[1]!);
  return [...new Set(paths)].filter((path) => !path.includes('*'));
}

describe("README's Layout section", () => {
  it('exists', () => expect(LAYOUT.length).toBeGreaterThan(500));

  it('names every folder and top-level module of src/', () => {
    const entries = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')))
      .map((entry) => `src/${entry.name}`);
    const missing = entries.filter((entry) => !LAYOUT.includes(`\`${entry}`));
    expect(missing, 'src/ entries the Layout section does not mention').toEqual([]);
  });

  it('quotes only paths that exist', () => {
    const quoted = quotedPaths(LAYOUT);
    expect(quoted.length).toBeGreaterThan(10);
    const absent = quoted.filter((path) => !existsSync(join(ROOT, path)) && !path.startsWith('bench/dist') && path !== 'dist/');
    expect(absent, 'paths the Layout section quotes that are not in the tree').toEqual([]);
  });
});
