import type { EnvVars } from '../config/environment.js';

/** Everything the CLI touches of the outside process, so tests can run it in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly isStdoutTty: boolean;
  readonly isStderrTty: boolean;
  readonly env: EnvVars;
  readonly cwd: string;
  /**
   * The clock, in ms since the epoch, and a wait on it. Pacing, budgets, retries and polling wait through `sleep`,
   * so tests hand in a virtual clock and nothing waits in real time.
   */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export function nodeIo(): Io {
  // The AWS SDK (Logpush archives) warns on stderr that its releases after January 2027 need Node 22: a line of no
  // use to an operator that would break `--log-format json`. The lockfile pins the version this tool was tested with.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isStdoutTty: process.stdout.isTTY === true,
    isStderrTty: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
