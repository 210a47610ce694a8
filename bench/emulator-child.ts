import { fork, type ChildProcess } from 'node:child_process';

/** A bench's emulator in its own process, so serving the API does not share the measured process's CPU and heap. */
export interface EmulatorChild<Ready> {
  readonly child: ChildProcess;
  /** What the child sent once it was seeded and listening. */
  readonly ready: Ready;
  stop(): void;
}

/** Forks `script` with `args` and waits for its first message; rejects if the child exits first. */
export async function startEmulatorChild<Ready>(script: URL, args: readonly string[]): Promise<EmulatorChild<Ready>> {
  const child = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = () => {
    if (child.connected) child.disconnect();
    child.kill();
  };
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (message) => resolve(message as Ready));
      child.once('exit', (code) => reject(new Error(`bench emulator exited with ${code}`)));
    });
    return { child, ready, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** Three decimals, for the figures a bench reports. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
