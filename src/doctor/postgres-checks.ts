import type { StoreSelection } from '../config/store.js';
import type { PgStoreInspection, PgTarget } from '../store/postgres/inspect.js';
import type { Check, CheckStatus } from './doctor.js';

type PgSelection = Extract<StoreSelection, { kind: 'postgres' }>;
type Reachable = Extract<PgStoreInspection, { isReachable: true }>;

/** Older servers lack what the adapter uses (e.g. wal_keep_size, the partitioning it relies on). */
export const MIN_PG_VERSION_NUM = 130_000;
const ROW_PRIVILEGES = ['select', 'insert', 'update', 'delete'] as const;

const check = (name: string, status: CheckStatus, detail: string, hint?: string): Check => ({ name, status, detail, hint });

/**
 * doctor's checks of a PostgreSQL store: connection, server version, the role's privileges, the schema's version and
 * WAL/archiving. `latestVersion` is this tool's schema version.
 */
export function buildPostgresChecks(selection: PgSelection, inspection: PgStoreInspection, latestVersion: number): Check[] {
  const where = describeTarget(inspection.target);
  const checks = [
    // Which store every command of this run's configuration uses, and what set it.
    check(
      'postgres store',
      'pass',
      `${selection.source === 'config' ? 'store:' : 'LUXERET_DATABASE_URL'} selects PostgreSQL (${where}, schema ${selection.schema}); every command uses it instead of the SQLite store in LUXERET_HOME`,
    ),
  ];
  if (!inspection.isReachable) {
    checks.push(
      check(
        'postgres connection',
        'fail',
        `could not connect to ${where}: ${inspection.error}`,
        'Check that the server is running and that the connection string (store: or LUXERET_DATABASE_URL) names the right host, port and database.',
      ),
    );
    return checks;
  }
  checks.push(check('postgres connection', 'pass', `connected to ${describeTarget({ ...inspection.target, user: '' })} as role ${inspection.role}`));
  const { server } = inspection;
  checks.push(
    server.serverVersionNum >= MIN_PG_VERSION_NUM
      ? check('postgres server', 'pass', `PostgreSQL ${server.serverVersion}`)
      : check(
          'postgres server',
          'fail',
          `PostgreSQL ${server.serverVersion}: luxeret-privacy needs 13 or later`,
          'Upgrade the server, or use the default SQLite store.',
        ),
  );
  checks.push(privilegeCheck(inspection, selection.schema));
  checks.push(schemaCheck(inspection, selection.schema, latestVersion));
  checks.push(walCheck(server));
  return checks;
}

function describeTarget(target: PgTarget): string {
  return `${target.host}:${target.port}/${target.database}${target.user ? ` as ${target.user}` : ''}`;
}

/** What init, pull and purge need; each missing privilege is named with what needs it. */
function privilegeCheck(inspection: Reachable, schema: string): Check {
  const missing: string[] = [];
  const { target, database } = inspection;
  if (!inspection.schema) {
    if (!database.create) missing.push(`CREATE on database ${target.database} (init creates schema ${schema})`);
  } else {
    if (!inspection.schema.usage) missing.push(`USAGE on schema ${schema}`);
    // Pulls create the day partitions ahead of their window; init creates the tables.
    if (!inspection.schema.create) missing.push(`CREATE on schema ${schema} (init and pull create tables and day partitions)`);
  }
  if (!database.temp) missing.push(`TEMP on database ${target.database} (pull stages rows in a temporary table)`);
  // Tables lacking the same privileges are named together: one line for a role granted nothing, not four.
  const tablesByLack = new Map<string, string[]>();
  for (const table of inspection.tables) {
    const lack = ROW_PRIVILEGES.filter((privilege) => !table[privilege])
      .map((privilege) => privilege.toUpperCase())
      .join(', ');
    if (lack !== '') tablesByLack.set(lack, [...(tablesByLack.get(lack) ?? []), table.name]);
  }
  for (const [lack, tables] of tablesByLack) missing.push(`${lack} on ${listTables(tables)}`);
  // DROP of a partition and VACUUM are the owner's: no GRANT gives them.
  const notOwned = inspection.tables.filter((t) => !t.isOwned);
  if (notOwned.length > 0)
    missing.push(
      `ownership of ${listTables(notOwned.map((t) => t.name))} (owned by ${[...new Set(notOwned.map((t) => t.owner))].join(', ')}; purge drops and truncates day partitions and runs VACUUM)`,
    );
  const truncate = inspection.tables.filter((t) => t.isOwned && !t.truncate).map((t) => t.name);
  if (truncate.length > 0) missing.push(`TRUNCATE on ${listTables(truncate)}`);
  if (missing.length > 0) {
    return check(
      'postgres privileges',
      'fail',
      `role ${inspection.role} lacks ${missing.join('; ')}`,
      'Grant these to the role, or let it own the schema and its tables (docs/postgres.md: The role and the schema).',
    );
  }
  const scope = inspection.schema ? `USAGE and CREATE on schema ${schema}` : `CREATE on database ${target.database}`;
  const tables = inspection.tables.length > 0 ? `; owns its ${inspection.tables.length} table(s) with SELECT, INSERT, UPDATE, DELETE, TRUNCATE` : '';
  return check('postgres privileges', 'pass', `role ${inspection.role} has ${scope}, TEMP${tables}`);
}

function listTables(names: readonly string[]): string {
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${names.length} tables (${shown}, …)` : `table(s) ${shown}`;
}

function schemaCheck(inspection: Reachable, schema: string, latestVersion: number): Check {
  const version = inspection.schemaVersion;
  // init does not create PostgreSQL schemas yet (wiring pending): a missing or older schema is a note, not a problem.
  if (!inspection.schema || version === 0)
    return check(
      'postgres schema',
      'warn',
      `schema ${schema} ${inspection.schema ? 'holds no luxeret-privacy tables' : 'does not exist'} yet`,
      'init will create it once the commands use PostgreSQL.',
    );
  if (version === undefined)
    return check(
      'postgres schema',
      'fail',
      `schema ${schema} exists but its version is not readable by role ${inspection.role}`,
      'Grant the role USAGE on the schema and SELECT on its tables.',
    );
  if (version > latestVersion)
    return check(
      'postgres schema',
      'fail',
      `schema ${schema} is at version ${version}, newer than this tool knows (${latestVersion})`,
      'Upgrade luxeret-privacy.',
    );
  if (version < latestVersion)
    return check(
      'postgres schema',
      'warn',
      `schema ${schema} is at version ${version}, expected ${latestVersion}`,
      'init will migrate it once the commands use PostgreSQL.',
    );
  return check('postgres schema', 'pass', `schema ${schema} at version ${version}`);
}

/** Deleted rows outlive a purge in WAL until segments recycle, and in archived WAL and base backups until their retention. */
function walCheck(server: Reachable['server']): Check {
  const kept = `WAL keeps copies of deleted rows until its segments are recycled (wal_keep_size ${server.walKeepSizeMb} MB, max_wal_size ${server.maxWalSizeMb} MB)`;
  const isArchiving = server.archiveMode !== 'off';
  if (!isArchiving) return check('postgres WAL', 'pass', `wal_level ${server.walLevel}, archiving off; ${kept}`);
  const archiver = server.archiveLibrary
    ? `archive_library ${server.archiveLibrary}`
    : server.archiveCommand
      ? 'archive_command set'
      : 'no archive_command yet';
  return check(
    'postgres WAL',
    'warn',
    `wal_level ${server.walLevel}, archiving on (archive_mode ${server.archiveMode}, ${archiver}): archived WAL and base backups keep copies of deleted rows until their retention; ${kept}`,
    'Keep the archive and backup retention within the privacy policy; the tool cannot delete from them.',
  );
}
