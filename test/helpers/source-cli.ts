import { fileURLToPath } from 'node:url';

/** Node flags that let a spawned child load the TypeScript sources under test (tsx's loader): no test needs dist/. */
export const TSX_IMPORT: readonly string[] = ['--import', import.meta.resolve('tsx')];

const CLI_ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

/** `node` arguments that run the CLI from the sources, as bin/luxeret-privacy.js runs the build. */
export function sourceCliArgs(argv: readonly string[]): string[] {
  return [...TSX_IMPORT, CLI_ENTRY, ...argv];
}
