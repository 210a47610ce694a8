import type { Duration } from '../config/duration.js';
import { formatTimestamp, type InventoryLocation } from './inventory.js';
import type { LocationNote } from './notes.js';

export const WAL_AND_BACKUPS_ID = 'postgres/wal-and-backups';

/** What the PostgreSQL server says about the copies it keeps (StorePort.readEngineCopies). */
export interface EngineCopiesReading {
  readonly walKeepSizeMb: number;
  readonly maxWalSizeMb: number;
  /** 'off' | 'on' | 'always' */
  readonly archiveMode: string;
}

export interface WalAndBackupsInput {
  readonly reading: EngineCopiesReading;
  /** `backup_retention:` of the config; undefined when not stated. */
  readonly backupRetention: Duration | undefined;
  /** When the last purge ran (meta last_purge_at); undefined before the first. */
  readonly lastPurgeAt: Date | undefined;
}

/**
 * Where rows deleted from a PostgreSQL store may still exist, out of this tool's reach (issue 13): WAL segments
 * until the server recycles them, archived WAL and base backups for as long as the operator keeps them. A base
 * backup taken just before the last purge holds its deleted rows until that purge plus backup_retention.
 */
export function buildWalAndBackupsLocation(input: WalAndBackupsInput): InventoryLocation {
  const { reading, backupRetention, lastPurgeAt } = input;
  const until = backupRetention && lastPurgeAt && new Date(lastPurgeAt.getTime() + backupRetention.ms);
  const notes: LocationNote[] = [{ code: 'engine.wal', walKeepSizeMb: reading.walKeepSizeMb, maxWalSizeMb: reading.maxWalSizeMb }];
  notes.push(reading.archiveMode === 'off' ? { code: 'engine.archive_off' } : { code: 'engine.archive_on', archiveMode: reading.archiveMode });
  if (backupRetention === undefined) notes.push({ code: 'engine.backup_retention_unknown' });
  else if (lastPurgeAt === undefined || until === undefined) notes.push({ code: 'engine.backups_no_purge', retention: backupRetention.text });
  else notes.push({ code: 'engine.backups_until', retention: backupRetention.text, lastPurge: formatTimestamp(lastPurgeAt), until: formatTimestamp(until) });
  return {
    id: WAL_AND_BACKUPS_ID,
    kind: 'engine',
    // Copies, not rows we could count: the numbers are in the notes.
    records: 0,
    distinctIps: 0,
    countries: [],
    oldest: undefined,
    newest: undefined,
    pastRetention: 0,
    held: 0,
    retention: backupRetention?.text,
    controlledBy: 'us',
    expires: until,
    status: 'ok',
    notes,
  };
}
