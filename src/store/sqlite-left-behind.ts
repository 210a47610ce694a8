import { statSync } from 'node:fs';
import type { StoreSelection } from '../config/store.js';

/**
 * An SQLite store left in LUXERET_HOME after the home moved to PostgreSQL: while PostgreSQL is selected, no command
 * reads or purges it, so the IP and country records in it would stay unseen. Said (never acted on: deleting personal
 * data is a purge's job, with its audit trail), or undefined when there is none or SQLite is the store.
 */
export function describeSqliteLeftBehind(selection: StoreSelection, sqlitePath: string): string | undefined {
  if (selection.kind !== 'postgres') return undefined;
  let bytes: number;
  try {
    bytes = statSync(sqlitePath).size;
  } catch {
    return undefined;
  }
  return `${sqlitePath} (${(bytes / 1_000_000).toFixed(1)} MB) is an SQLite store from before this home used PostgreSQL: while PostgreSQL is selected, no command inventories or purges it, and the IP and country records in it stay until the file is deleted`;
}
