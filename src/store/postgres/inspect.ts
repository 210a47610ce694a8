import pg from 'pg';
import { describePgError, quoteIdent } from './connection.js';
import { readWalAndBackups, type WalAndBackupsReading } from './wal.js';

/** Where doctor tried to connect: what pg made of the connection string and the PG* defaults, never the password. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** One table of the store's schema (partitions included) and what the connected role may do with it. */
export interface PgTableAccess {
  readonly name: string;
  readonly isPartitioned: boolean;
  readonly owner: string;
  /** The role is the owner or a member of it: it may DROP, VACUUM and attach partitions. */
  readonly isOwned: boolean;
  readonly select: boolean;
  readonly insert: boolean;
  readonly update: boolean;
  readonly delete: boolean;
  readonly truncate: boolean;
}

/** What doctor checks on a PostgreSQL store: facts only, read in one session; doctor judges them. */
export type PgStoreInspection =
  | { readonly isReachable: false; readonly target: PgTarget; readonly error: string }
  | {
      readonly isReachable: true;
      readonly target: PgTarget;
      readonly role: string;
      readonly server: WalAndBackupsReading & { readonly archiveCommand: string; readonly archiveLibrary: string };
      readonly database: { readonly create: boolean; readonly temp: boolean };
      /** Undefined when the schema does not exist. */
      readonly schema: { readonly owner: string; readonly usage: boolean; readonly create: boolean } | undefined;
      readonly tables: readonly PgTableAccess[];
      /** 0: no schema_version table; undefined: not readable with this role's privileges. */
      readonly schemaVersion: number | undefined;
    };

/** Connects once, read-only, and reads what `doctor` checks; a failed connection is a result, not a throw. */
export async function inspectPgStore(url: string, schema: string, options: { connectTimeoutMs?: number } = {}): Promise<PgStoreInspection> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'luxeret-privacy doctor',
  });
  const target: PgTarget = { host: client.host, port: client.port, database: client.database ?? '', user: client.user ?? '' };
  // A server going away mid-inspection fails the pending query; without a listener it would also crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    return { isReachable: false, target, error: describePgError(err) };
  }
  try {
    // readWalAndBackups takes a pool client; a plain client answers the same queries.
    const wal = await readWalAndBackups(client as pg.PoolClient);
    const archive = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('archive_command', 'archive_library')`,
    );
    const archiveSetting = (name: string) => archive.rows.find((r) => r.name === name)?.setting ?? '';
    const facts = await client.query<{ role: string; db_create: boolean; db_temp: boolean }>(
      `SELECT current_user AS role, has_database_privilege(current_database(), 'CREATE') AS db_create, has_database_privilege(current_database(), 'TEMP') AS db_temp`,
    );
    const { role, db_create, db_temp } = facts.rows[0]!;
    const schemaRow = await client.query<{ owner: string; usage: boolean; create: boolean }>(
      `SELECT pg_get_userbyid(nspowner) AS owner, has_schema_privilege(oid, 'USAGE') AS usage, has_schema_privilege(oid, 'CREATE') AS create
         FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    const tables = await readTableAccess(client, schema);
    const versionTable = tables.find((t) => t.name === 'schema_version');
    const usable = schemaRow.rows[0]?.usage === true;
    let schemaVersion: number | undefined = 0;
    if (versionTable) {
      schemaVersion =
        usable && versionTable.select
          ? ((await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${quoteIdent(schema)}.schema_version`)).rows[0]?.version ?? 0)
          : undefined;
    }
    return {
      isReachable: true,
      target,
      role,
      server: { ...wal, archiveCommand: archiveSetting('archive_command'), archiveLibrary: archiveSetting('archive_library') },
      database: { create: db_create, temp: db_temp },
      schema: schemaRow.rows[0],
      tables,
      schemaVersion,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The catalogs are readable by every role, so this works even where the role may not use the schema.
async function readTableAccess(client: pg.Client, schema: string): Promise<PgTableAccess[]> {
  const { rows } = await client.query<PgTableAccess>(
    `SELECT c.relname AS name, c.relkind = 'p' AS "isPartitioned", pg_get_userbyid(c.relowner) AS owner,
            pg_has_role(c.relowner, 'USAGE') AS "isOwned",
            has_table_privilege(c.oid, 'SELECT') AS select, has_table_privilege(c.oid, 'INSERT') AS insert,
            has_table_privilege(c.oid, 'UPDATE') AS update, has_table_privilege(c.oid, 'DELETE') AS delete,
            has_table_privilege(c.oid, 'TRUNCATE') AS truncate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    [schema],
  );
  return rows;
}
