import type { PgTx } from './connection.js';

/**
 * What the server says about where deleted rows may outlive a purge: WAL kept for replicas and crash recovery, and
 * archived WAL when archiving is on (base backups are the operator's, configured as backup_retention). For
 * inventory's `postgres/wal-and-backups` location and for doctor.
 */
export interface WalAndBackupsReading {
  readonly serverVersion: string;
  /** e.g. 150020 for 15.20; doctor requires >= 130000. */
  readonly serverVersionNum: number;
  readonly walLevel: string;
  readonly walKeepSizeMb: number;
  readonly maxWalSizeMb: number;
  /** 'off' | 'on' | 'always' */
  readonly archiveMode: string;
}

export async function readWalAndBackups(tx: PgTx): Promise<WalAndBackupsReading> {
  const { rows } = await tx.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'server_version_num', 'wal_level', 'wal_keep_size', 'max_wal_size', 'archive_mode')`,
  );
  const setting = (name: string) => rows.find((r) => r.name === name)?.setting ?? '';
  // pg_settings gives both sizes in MB (their unit column), whatever unit the configuration file used.
  return {
    serverVersion: setting('server_version'),
    serverVersionNum: Number(setting('server_version_num')),
    walLevel: setting('wal_level'),
    walKeepSizeMb: Number(setting('wal_keep_size')),
    maxWalSizeMb: Number(setting('max_wal_size')),
    archiveMode: setting('archive_mode'),
  };
}
