/**
 * How each kind of record is destroyed: the text the audit log records (English, part of the signed entry). The
 * Korean destruction ledger (파기 관리대장) words each method in the report catalogue. PIPA Enforcement Decree
 * Art. 16 asks that electronic files be deleted permanently, in a way that cannot be restored.
 */
export const DESTRUCTION_METHODS = {
  localSecure: 'SQLite DELETE with secure_delete, then WAL checkpoint(TRUNCATE) and page reclaim (VACUUM when most pages are free, else incremental vacuum)',
  localPlain: 'SQLite DELETE',
  accessRules: 'DELETE /{zones|accounts}/{id}/firewall/access_rules/rules/{rule_id}, one request per rule',
  listItems: 'DELETE /accounts/{id}/rules/lists/{list_id}/items (asynchronous bulk operation), polled to completion',
  cloudflareVerified: 'Cloudflare API DELETE, re-query verified',
  // PostgreSQL (issue 13): a dropped day partition's files are unlinked; deleted rows stay in their pages until
  // VACUUM, and in WAL and base backups until those are recycled (inventory reports postgres/wal-and-backups).
  pgPartitionDropped: 'PostgreSQL: partition dropped (whole UTC days past retention, DROP TABLE unlinks their files)',
  pgRowsVacuumed: 'PostgreSQL: rows deleted + vacuumed (DELETE in the day partition, then VACUUM of it)',
  pgDroppedAndVacuumed:
    'PostgreSQL: partition dropped (whole UTC days past retention, DROP TABLE unlinks their files); rows deleted + vacuumed (DELETE in the boundary day partition, then VACUUM of it)',
  // --- archives (issue 14)
  archiveDeleteObjects: 'S3 DeleteObjects (batches of up to 1,000) of whole Logpush archive objects past retention, then re-listed to confirm they are gone',
} as const;
export type DestructionMethod = keyof typeof DESTRUCTION_METHODS;

/** Texts earlier versions recorded, still found in older audit logs. */
const EARLIER_TEXTS: Record<string, DestructionMethod> = {
  'SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum': 'localSecure',
};

/** Which method a recorded text names, earlier wordings included; undefined for a text we do not know. */
export function selectDestructionMethod(recorded: string): DestructionMethod | undefined {
  const known = (Object.keys(DESTRUCTION_METHODS) as DestructionMethod[]).find((method) => DESTRUCTION_METHODS[method] === recorded);
  return known ?? EARLIER_TEXTS[recorded];
}

/**
 * The method a local purge records for one location: on SQLite whether secure_delete is on; on PostgreSQL what
 * happened to the location's day partitions (dropped whole, or rows deleted and the partition VACUUMed after).
 */
export function selectLocalPurgeMethod(
  store: 'sqlite' | 'postgres',
  secureDelete: boolean,
  partitionMethods: readonly ('partition-dropped' | 'rows-deleted')[],
): DestructionMethod {
  if (store === 'sqlite') return secureDelete ? 'localSecure' : 'localPlain';
  const dropped = partitionMethods.includes('partition-dropped');
  const vacuumed = partitionMethods.includes('rows-deleted');
  if (dropped && vacuumed) return 'pgDroppedAndVacuumed';
  return dropped ? 'pgPartitionDropped' : 'pgRowsVacuumed';
}
