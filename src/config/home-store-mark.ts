import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { StoreSelection } from './store.js';

/**
 * In LUXERET_HOME, the mark that init made this home for a PostgreSQL store (there is no store file to tell): it
 * names the store, never its password.
 */
export const POSTGRES_HOME_MARKER = 'postgres-store.json';

export interface PostgresHomeMark {
  /** The connection string without its password, as init showed it. */
  readonly store: string;
  readonly schema: string;
}

/** What init wrote in `home` for a PostgreSQL store, or undefined when it did not (an unreadable mark still counts). */
export function readPostgresHomeMark(home: string): PostgresHomeMark | undefined {
  const path = join(home, POSTGRES_HOME_MARKER);
  if (!existsSync(path)) return undefined;
  try {
    const mark = JSON.parse(readFileSync(path, 'utf8')) as Partial<PostgresHomeMark>;
    return { store: typeof mark.store === 'string' ? mark.store : '(unreadable)', schema: typeof mark.schema === 'string' ? mark.schema : '(unreadable)' };
  } catch {
    return { store: '(unreadable)', schema: '(unreadable)' };
  }
}

/**
 * A home that init made for PostgreSQL, run with nothing selecting PostgreSQL — typically a cron line or a systemd
 * unit that does not see the shell's LUXERET_DATABASE_URL — is refused before anything opens: otherwise its commands
 * would say "no store" and a well-meant `init` would give this host an SQLite store of its own, which it would then
 * pull into and purge while the shared store is never purged from here.
 */
export function assertStoreMatchesHome(selection: StoreSelection, home: string, mark: PostgresHomeMark | undefined): void {
  if (selection.kind !== 'sqlite' || mark === undefined) return;
  throw new ConfigError(
    `LUXERET_HOME ${home} was set up for the PostgreSQL store ${mark.store} (schema ${mark.schema}), but this run selects SQLite: LUXERET_DATABASE_URL is not set and the config has no store:. Nothing was done.`,
    [],
    {
      hint: 'Set LUXERET_DATABASE_URL in this run’s environment (cron lines and systemd units do not see your shell’s exports; use the EnvironmentFile), or write store: in the config file.',
    },
  );
}
