import { acquireLock } from '../store/lock.js';
import type { CliContext } from './context.js';

/** Takes the LUXERET_HOME lock for this run (exit 6 if another run holds it); released when the run ends. */
export function lockHome(ctx: CliContext, command: string): void {
  const lock = acquireLock(ctx.paths().lock, command, ctx.now());
  ctx.onClose(() => lock.release());
  if (lock.tookOverFrom) {
    const stale = lock.tookOverFrom;
    ctx.io.stderr(`luxeret-privacy: took over a stale lock from ${stale.command} (pid ${stale.pid}, started ${stale.started_at}), whose process is gone\n`);
  }
}
