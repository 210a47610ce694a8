import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { testClock, type VirtualClock } from './virtual-clock.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with a captured Io; env is exactly what is given (no process.env leaks in). */
export async function runCli(
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; tty?: boolean; clock?: VirtualClock } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isStdoutTty: options.tty === true,
    isStderrTty: options.tty === true,
    env: { HOME: tmpdir(), ...options.env },
    cwd: options.cwd ?? tmpdir(),
    now: (options.clock ?? testClock).now,
    sleep: (options.clock ?? testClock).sleep,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix = 'luxeret-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
