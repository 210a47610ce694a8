import { describeSqliteLeftBehind } from '../store/sqlite-left-behind.js';
import type { CliContext } from './context.js';

/** Inventory and purge say when an SQLite store was left in LUXERET_HOME after a move to PostgreSQL (they skip it). */
export function noteSqliteLeftBehind(ctx: CliContext): void {
  const leftBehind = describeSqliteLeftBehind(ctx.storeSelection(), ctx.paths().store);
  if (leftBehind !== undefined) ctx.note(`note: ${leftBehind}`);
}
