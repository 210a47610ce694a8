import pg from 'pg';
import { redactDatabaseUrl } from '../../config/store.js';
import { StoreError } from '../../errors.js';

/** An open PostgreSQL store: a connection pool whose every session works in `schema`. */
export interface PgStore {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** The connection string without its password, for messages. */
  readonly displayUrl: string;
  /** A connection outside the pool, for a session that must outlive any one query (the run lock). */
  newSession(applicationName: string): pg.Client;
  close(): Promise<void>;
}

/** One connection inside an open transaction (see withTransaction). */
export type PgTx = pg.PoolClient;

/** Schema names are interpolated into DDL, so only plain lower-case identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isValidSchemaName(name: string): boolean {
  return SCHEMA_NAME.test(name);
}

/** Opens a pool on `url`; every session's search_path is `schema`, so the SQL names tables without a prefix. */
export function openPgStore(url: string, schema: string, options: { maxConnections?: number; applicationName?: string } = {}): PgStore {
  if (!isValidSchemaName(schema)) throw new StoreError(`"${schema}" is not a usable PostgreSQL schema name (lower-case letters, digits and _, at most 63)`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 4,
    application_name: options.applicationName ?? 'luxeret-privacy',
    options: `-c search_path=${schema}`,
  });
  // An idle client losing its server (restart, pg_terminate_backend) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const newSession = (applicationName: string) =>
    new pg.Client({ connectionString: url, application_name: applicationName, options: `-c search_path=${schema}` });
  return { pool, schema, displayUrl: redactDatabaseUrl(url), newSession, close: () => pool.end() };
}

/**
 * Runs `body` in one transaction on one connection: committed when it resolves, rolled back when it throws. A
 * deadlock or serialization failure (two hosts writing the same rows) is retried from the start, a few times.
 */
export async function withTransaction<T>(store: PgStore, body: (tx: PgTx) => Promise<T>, options: { retries?: number } = {}): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const client = await connect(store);
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < retries && isRetryable(err)) continue;
      throw err;
    } finally {
      client.release();
    }
  }
}

/** A pooled connection, with connection failures as StoreError (exit 7) naming the server but never the password. */
export async function connect(store: PgStore): Promise<pg.PoolClient> {
  try {
    return await store.pool.connect();
  } catch (err) {
    throw new StoreError(`Could not connect to the PostgreSQL store at ${store.displayUrl}: ${describePgError(err)}`, {
      cause: err,
      hint: 'Check that the server is running and that the connection string (store: or LUXERET_DATABASE_URL) is right.',
    });
  }
}

// 40001 serialization_failure, 40P01 deadlock_detected: the transaction did nothing; running it again is safe.
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40001' || code === '40P01';
}

/** The server's or the socket's message, without the connection string (which may carry a password). */
export function describePgError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/postgres(ql)?:\/\/\S+/g, (url) => redactDatabaseUrl(url));
}

/** A double-quoted identifier for a name built here (partition names); schema names are validated above. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
