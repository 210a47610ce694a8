import { ConfigError } from '../errors.js';
import type { EnvVars } from './environment.js';

/** The config file's store keys: `store:` (a PostgreSQL connection string) and `store_schema:`. */
export interface StoreConfig {
  readonly url: string | undefined;
  readonly schema: string;
}

/** Which store a run uses: SQLite in LUXERET_HOME unless a PostgreSQL connection string is given. */
export type StoreSelection =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      /** With any password: only the driver sees this. */
      readonly url: string;
      /** Without the password: what messages, doctor and inventory show. */
      readonly displayUrl: string;
      readonly schema: string;
      readonly source: 'config' | 'LUXERET_DATABASE_URL';
    };

export const DEFAULT_STORE_SCHEMA = 'luxeret';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads and checks `store:` and `store_schema:`; every problem names its key and never shows a password. */
export function readStoreConfig(doc: Record<string, unknown>, problems: string[]): StoreConfig {
  const rawUrl = doc['store'];
  let url: string | undefined;
  if (rawUrl !== undefined && rawUrl !== null) {
    const problem = typeof rawUrl === 'string' ? checkDatabaseUrl(rawUrl) : 'must be a string';
    if (problem) problems.push(`store: ${problem}`);
    else url = rawUrl as string;
  }
  const rawSchema = doc['store_schema'] ?? DEFAULT_STORE_SCHEMA;
  const schema = typeof rawSchema === 'string' ? rawSchema : '';
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_') || schema === 'information_schema') {
    problems.push(`store_schema: ${JSON.stringify(rawSchema)} is not a usable schema name (lower-case letters, digits and _, at most 63, not pg_…)`);
  }
  return { url, schema };
}

/** LUXERET_DATABASE_URL, when set, wins over `store:` (as the environment wins over the file everywhere else). */
export function selectStore(config: StoreConfig, env: EnvVars): StoreSelection {
  const fromEnv = env['LUXERET_DATABASE_URL']?.trim();
  if (fromEnv) {
    const problem = checkDatabaseUrl(fromEnv);
    if (problem) {
      throw new ConfigError(`LUXERET_DATABASE_URL ${problem}`, [], {
        hint: 'Use postgres://user@host:5432/database (the password in PGPASSWORD or ~/.pgpass), or unset it to use SQLite.',
      });
    }
    return { kind: 'postgres', url: fromEnv, displayUrl: redactDatabaseUrl(fromEnv), schema: config.schema, source: 'LUXERET_DATABASE_URL' };
  }
  if (config.url === undefined) return { kind: 'sqlite' };
  return { kind: 'postgres', url: config.url, displayUrl: redactDatabaseUrl(config.url), schema: config.schema, source: 'config' };
}

/** The connection string with its password replaced by ***. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** What is wrong with a connection string, in words that never repeat its password; undefined when it is usable. */
function checkDatabaseUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a postgres:// URL';
  }
  const shown = redactDatabaseUrl(text);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return `"${shown}" is not a postgres:// URL (only PostgreSQL is supported besides the default SQLite)`;
  if (url.hostname === '') return `"${shown}" names no host`;
  if (url.pathname.replace(/^\//, '') === '') return `"${shown}" names no database (postgres://user@host:5432/database)`;
  return undefined;
}
