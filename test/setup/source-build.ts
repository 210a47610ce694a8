import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformWithOxc } from 'vite';
import { ROOT, SOURCE_BUILD } from '../helpers/source-cli.js';

/**
 * Vitest global setup: the sources under test, stripped of their types file by file (vitest's own transformer; no
 * type check, `npm run typecheck` does that) into SOURCE_BUILD, with bin/luxeret-privacy.js beside them, for the
 * tests that spawn the CLI or load a module in a child process. Rebuilt on every run, so never stale, and no test
 * needs dist/. Children could run the TypeScript under tsx instead, but its loader hooks every module a child
 * loads, the cloudflare SDK's 1,500 among them, and each child then took seconds longer to start.
 */
export default async function buildSources(): Promise<void> {
  const staging = `${SOURCE_BUILD}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const src = join(ROOT, 'src');
  await Promise.all(
    filesUnder(src)
      .filter((file) => !file.endsWith('.test.ts'))
      .map(async (file) => {
        const target = join(staging, relative(src, file));
        mkdirSync(dirname(target), { recursive: true });
        if (!file.endsWith('.ts')) return cpSync(file, target);
        const { code } = await transformWithOxc(readFileSync(file, 'utf8'), file, { lang: 'ts', sourcemap: false });
        writeFileSync(target.replace(/\.ts$/, '.js'), code);
      }),
  );
  const bin = readFileSync(join(ROOT, 'bin', 'luxeret-privacy.js'), 'utf8');
  writeFileSync(join(staging, 'bin.js'), bin.replace("'../dist/cli/main.js'", "'./cli/main.js'"));
  rmSync(SOURCE_BUILD, { recursive: true, force: true });
  renameSync(staging, SOURCE_BUILD);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}
