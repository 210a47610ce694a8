import { describe, expect, it } from 'vitest';
import type { PgStoreInspection } from '../store/postgres/inspect.js';
import { buildPostgresChecks } from './postgres-checks.js';

const selection = {
  kind: 'postgres',
  url: 'postgres://lux:pw@db:5432/privacy',
  displayUrl: 'postgres://lux:***@db:5432/privacy',
  schema: 'luxeret',
  source: 'config',
} as const;
const target = { host: 'db', port: 5432, database: 'privacy', user: 'lux' };
const table = (name: string) => ({
  name,
  isPartitioned: false,
  owner: 'lux',
  isOwned: true,
  select: true,
  insert: true,
  update: true,
  delete: true,
  truncate: true,
});

function reachable(server: Partial<Extract<PgStoreInspection, { isReachable: true }>['server']> = {}): PgStoreInspection {
  return {
    isReachable: true,
    target,
    role: 'lux',
    server: {
      serverVersion: '15.20',
      serverVersionNum: 150_020,
      walLevel: 'replica',
      walKeepSizeMb: 0,
      maxWalSizeMb: 1024,
      archiveMode: 'off',
      archiveCommand: '',
      archiveLibrary: '',
      ...server,
    },
    database: { create: false, temp: true },
    schema: { owner: 'lux', usage: true, create: true },
    tables: [table('schema_version'), table('holds')],
    schemaVersion: 5,
  };
}
const byName = (inspection: PgStoreInspection, name: string) => buildPostgresChecks(selection, inspection, 5).find((c) => c.name === name);

describe('buildPostgresChecks', () => {
  it.each([
    ['12.22', 120_022, 'fail'],
    ['13.0 (one below)', 129_999, 'fail'],
    ['13.0', 130_000, 'pass'],
    ['17.2', 170_002, 'pass'],
  ])('server %s is %s', (serverVersion, serverVersionNum, status) => {
    expect(byName(reachable({ serverVersion, serverVersionNum }), 'postgres server')?.status).toBe(status);
  });

  it('notes that archived WAL and base backups keep deleted rows when archiving is on', () => {
    expect(byName(reachable({ archiveMode: 'on', archiveCommand: 'cp %p /archive/%f', walKeepSizeMb: 512 }), 'postgres WAL')).toEqual({
      name: 'postgres WAL',
      status: 'warn',
      detail:
        'wal_level replica, archiving on (archive_mode on, archive_command set): archived WAL and base backups keep copies of deleted rows until their retention; WAL keeps copies of deleted rows until its segments are recycled (wal_keep_size 512 MB, max_wal_size 1024 MB)',
      hint: 'Keep the archive and backup retention within the privacy policy; the tool cannot delete from them.',
    });
    expect(byName(reachable({ archiveMode: 'always', archiveLibrary: 'basic_archive' }), 'postgres WAL')?.detail).toContain(
      '(archive_mode always, archive_library basic_archive)',
    );
  });

  it('names a table the role does not own, and the owner', () => {
    const inspection = reachable();
    const notOwned = { ...inspection, tables: [table('holds'), { ...table('firewall_events_p20250301'), owner: 'dba', isOwned: false }] } as PgStoreInspection;
    expect(byName(notOwned, 'postgres privileges')?.detail).toBe(
      'role lux lacks ownership of table(s) firewall_events_p20250301 (owned by dba; purge drops and truncates day partitions and runs VACUUM)',
    );
  });

  it('stops at a failed connection, naming where but not the password', () => {
    const checks = buildPostgresChecks(selection, { isReachable: false, target, error: 'connect ETIMEDOUT' }, 5);
    expect(checks.map((c) => `${c.status} ${c.name}: ${c.detail}`)).toEqual([
      'pass postgres store: store: selects PostgreSQL (db:5432/privacy as lux, schema luxeret); every command uses it instead of the SQLite store in LUXERET_HOME',
      'fail postgres connection: could not connect to db:5432/privacy as lux: connect ETIMEDOUT',
    ]);
  });

  it.each([
    [6, 'fail', 'schema luxeret is at version 6, newer than this tool knows (5)'],
    [4, 'warn', 'schema luxeret is at version 4, expected 5'],
    [0, 'warn', 'schema luxeret holds no luxeret-privacy tables yet'],
  ])('schema version %i is %s', (schemaVersion, status, detail) => {
    expect(byName({ ...reachable(), schemaVersion } as PgStoreInspection, 'postgres schema')).toMatchObject({ status, detail });
  });
});
