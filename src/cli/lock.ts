import type { CliContext } from './context.js';

/**
 * Takes the store's run lock for this run: the LUXERET_HOME lock file on SQLite, an advisory lock shared by every
 * host on PostgreSQL (exit 6 while another run holds it). Released when the run ends, before the store closes.
 */
export async function lockStore(ctx: CliContext, command: string): Promise<void> {
  const lock = await (await ctx.storePort()).acquireRunLock(command, ctx.now());
  ctx.onClose(() => lock.release());
}
