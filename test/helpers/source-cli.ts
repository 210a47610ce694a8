import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The sources under test as JavaScript, rebuilt for every test run by test/setup/source-build.ts: what spawned
 * children run, instead of dist/. One level under the root like dist/, so `../../package.json` and the project's
 * packages resolve the same.
 */
export const SOURCE_BUILD = join(ROOT, '.test-build');

/** `node` arguments that run bin/luxeret-privacy.js on the sources under test. */
export function sourceCliArgs(argv: readonly string[]): string[] {
  return [join(SOURCE_BUILD, 'bin.js'), ...argv];
}

/** The file URL of a module of the sources under test, e.g. `store/lock` (for a child's import()). */
export function sourceModuleUrl(name: string): string {
  return pathToFileURL(join(SOURCE_BUILD, `${name}.js`)).href;
}
