import { HOURLY_ROW_SPAN_MS } from '../../policy/holds.js';
import { buildAddressTextFilter, type Network } from '../../policy/network.js';
import type { LocalLocation } from '../../policy/retention.js';
import type { HoldPredicate } from '../expiry.js';
import { connect, quoteIdent, type PgStore, type PgTx } from './connection.js';
import { DAY_SECONDS, listDayPartitions, TIME_COLUMNS, type DayPartition, type PgDataset } from './partitions.js';
import { candidateCondition } from './address-filter.js';

/** Which dataset each local location is, and how long one of its rows stands for (holds match the whole span). */
export const LOCATION_DATASETS: Record<LocalLocation['id'], { dataset: PgDataset; spanMs: number }> = {
  'local/firewall-events': { dataset: 'firewall_events', spanMs: 0 },
  'local/http-analytics': { dataset: 'http_analytics', spanMs: HOURLY_ROW_SPAN_MS },
};

/**
 * How the rows of one partition went. A dropped partition's files are unlinked at commit. Deleted rows stay in
 * their pages until VACUUM (vacuumPurgedPartitions), and in WAL and base backups until those are recycled.
 */
export interface PartitionPurge {
  readonly partition: string;
  readonly method: 'partition-dropped' | 'rows-deleted';
  readonly deleted: number;
  /** Past retention but kept by a hold. */
  readonly held: number;
}

export interface LocationPurge {
  readonly location: LocalLocation['id'];
  readonly deleted: number;
  readonly held: number;
  readonly partitions: readonly PartitionPurge[];
}

/** Rows fetched per round when holds are checked row by row. */
const HOLD_CHECK_BATCH = 10_000;

/**
 * Deletes the location's rows older than the cut-off that no hold covers, inside the caller's transaction (which
 * also appends the audit entry, so both commit or neither does): every partition wholly past the cut-off is
 * dropped, and only the one partition the cut-off falls in has rows deleted. With active holds, each row past the
 * cut-off is checked; a partition holding a held row keeps it and loses the rest instead of being dropped.
 */
export async function deleteExpiredRows(tx: PgTx, location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate): Promise<LocationPurge> {
  const { dataset, spanMs } = LOCATION_DATASETS[location];
  const cutoffSeconds = Math.ceil(cutoff.getTime() / 1000);
  const partitions: PartitionPurge[] = [];
  const expired = (await listDayPartitions(tx, dataset)).filter((p) => p.day * DAY_SECONDS < cutoffSeconds);
  const whole = expired.filter((p) => (p.day + 1) * DAY_SECONDS <= cutoffSeconds);
  const boundary = expired.filter((p) => (p.day + 1) * DAY_SECONDS > cutoffSeconds);
  // Waits for inserts into these days to commit; from here their row_counts are exact and nothing new arrives.
  if (whole.length > 0) await tx.query(`LOCK TABLE ${whole.map((p) => quoteIdent(p.name)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  const toDrop: DayPartition[] = [];
  for (const partition of [...whole, ...boundary]) {
    const check = isHeld && (await checkHolds(tx, dataset, partition, cutoffSeconds, isHeld, spanMs));
    if (whole.includes(partition) && (check === undefined || check.held === 0)) {
      toDrop.push(partition);
      continue;
    }
    const deleted = await deleteRows(tx, dataset, partition, cutoffSeconds, check ? check.heldCtids : []);
    if (deleted > 0 || (check?.held ?? 0) > 0) partitions.push({ partition: partition.name, method: 'rows-deleted', deleted, held: check?.held ?? 0 });
  }
  partitions.push(...(await dropPartitions(tx, dataset, toDrop)));
  partitions.sort((a, b) => a.partition.localeCompare(b.partition)); // oldest day first (the name carries the date)
  const sum = (key: 'deleted' | 'held') => partitions.reduce((total, p) => total + p[key], 0);
  return { location, deleted: sum('deleted'), held: sum('held'), partitions };
}

/** A partition VACUUMed after a purge; rows an older transaction could still see are left until it ends. */
export interface VacuumedPartition {
  readonly partition: string;
  /** Dead rows VACUUM could not remove yet (still visible to an older snapshot somewhere on the server). */
  readonly notYetRemovable: number;
}

/**
 * VACUUMs every partition the purge deleted rows from, after its commit (VACUUM cannot run in a transaction), so
 * the deleted rows' space is reclaimed rather than left readable in the pages. VACUUM cannot remove a row that an
 * older transaction may still see; then it is retried a few times, and what remains is reported, not hidden.
 */
export async function vacuumPurgedPartitions(
  store: PgStore,
  purges: readonly LocationPurge[],
  options: { attempts?: number; waitMs?: number } = {},
): Promise<VacuumedPartition[]> {
  const named = new Set(purges.flatMap((purge) => purge.partitions.filter((p) => p.method === 'rows-deleted' && p.deleted > 0).map((p) => p.partition)));
  if (named.size === 0) return [];
  const client = await connect(store);
  const notices: string[] = [];
  const onNotice = (notice: { message?: string }) => void notices.push(notice.message ?? '');
  client.on('notice', onNotice);
  try {
    // An earlier run's partition (see src/purge/reclaim.ts) may have been dropped since: nothing left to VACUUM there.
    const { rows: existing } = await client.query<{ name: string }>(
      'SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[])',
      [store.schema, [...named]],
    );
    const present = new Set(existing.map((row) => row.name));
    const touched = [...named].filter((name) => present.has(name));
    const result: VacuumedPartition[] = [];
    for (const partition of touched) {
      let notYetRemovable = 0;
      for (let attempt = 0; attempt < (options.attempts ?? 5); attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? 200));
        notices.length = 0;
        await client.query(`VACUUM (VERBOSE) ${quoteIdent(store.schema)}.${quoteIdent(partition)}`);
        // PostgreSQL 13-17 say "… N are dead but not yet removable" in VACUUM VERBOSE's report.
        notYetRemovable = Math.max(0, ...notices.map((text) => Number(/(\d+) are dead but not yet removable/.exec(text)?.[1] ?? 0)));
        if (notYetRemovable === 0) break;
      }
      result.push({ partition, notYetRemovable });
    }
    return result;
  } finally {
    client.off('notice', onNotice);
    client.release();
  }
}

/** The method to record per location in the audit outcome and the ledger. */
export function describePurgeMethod(purge: LocationPurge): string[] {
  const methods = new Set(purge.partitions.map((p) => (p.method === 'partition-dropped' ? 'partition dropped' : 'rows deleted + vacuumed')));
  return [...methods];
}

/** Drops whole partitions in one statement (one catalog pass, not one per day) and their row_counts. */
async function dropPartitions(tx: PgTx, dataset: PgDataset, drop: readonly DayPartition[]): Promise<PartitionPurge[]> {
  if (drop.length === 0) return [];
  const { rows } = await tx.query<{ day: string; n: string }>(
    'WITH gone AS (DELETE FROM row_counts WHERE dataset = $1 AND day = ANY($2::bigint[]) RETURNING day, rows) SELECT day::text AS day, sum(rows)::text AS n FROM gone GROUP BY gone.day',
    [dataset, drop.map((p) => p.day)],
  );
  await tx.query(`DROP TABLE ${drop.map((p) => quoteIdent(p.name)).join(', ')}`);
  const counts = new Map(rows.map((r) => [Number(r.day), Number(r.n)]));
  return drop.map((p) => ({ partition: p.name, method: 'partition-dropped' as const, deleted: counts.get(p.day) ?? 0, held: 0 }));
}

/** Deletes rows of one partition (by time, or the exact rows a hold check chose) and takes them off row_counts. */
async function deleteRows(tx: PgTx, dataset: PgDataset, partition: DayPartition, before: number, keep: readonly string[]): Promise<number> {
  const time = TIME_COLUMNS[dataset];
  const where = keep.length === 0 ? `${time} < $3` : `${time} < $3 AND ctid <> ALL($4::tid[])`;
  const { rows } = await tx.query<{ n: string }>(
    `WITH gone AS (DELETE FROM ${quoteIdent(partition.name)} WHERE ${where} RETURNING zone_id, client_country),
          per_cell AS (SELECT zone_id, client_country, count(*) AS n FROM gone GROUP BY 1, 2),
          counted AS (
            UPDATE row_counts c SET rows = c.rows - per_cell.n FROM per_cell
             WHERE c.dataset = $1 AND c.day = $2 AND c.zone_id = per_cell.zone_id AND c.client_country = per_cell.client_country)
     SELECT coalesce(sum(n), 0)::text AS n FROM per_cell`,
    keep.length === 0 ? [dataset, partition.day, before] : [dataset, partition.day, before, keep],
  );
  await tx.query('DELETE FROM row_counts WHERE dataset = $1 AND day = $2 AND rows <= 0', [dataset, partition.day]);
  return Number(rows[0]!.n);
}

/**
 * Finds the partition's rows before the cut-off that an active hold covers. The predicate needs CIDR logic (in JS),
 * so only rows whose address text could be in a held network (candidateCondition, when the matcher names its
 * networks) are read, through a cursor in batches so memory stays flat, and locked until the transaction ends: the
 * row ids (ctid) of the held ones are still those rows when the deletion keeps them.
 */
async function checkHolds(
  tx: PgTx,
  dataset: PgDataset,
  partition: DayPartition,
  cutoffSeconds: number,
  isHeld: NonNullable<HoldPredicate>,
  spanMs: number,
): Promise<{ heldCtids: string[]; held: number }> {
  const time = TIME_COLUMNS[dataset];
  const networks = (isHeld as { networks?: readonly Network[] }).networks;
  const candidate = networks === undefined ? { sql: 'true', params: [] } : candidateCondition(buildAddressTextFilter(networks), 1);
  const heldCtids: string[] = [];
  await tx.query(
    `DECLARE hold_check NO SCROLL CURSOR FOR
       SELECT ctid::text AS ctid, client_ip, client_country, ${time} AS at FROM ${quoteIdent(partition.name)}
        WHERE ${time} < ${cutoffSeconds} AND (${candidate.sql}) FOR UPDATE`,
    candidate.params,
  );
  for (;;) {
    const { rows } = await tx.query<{ ctid: string; client_ip: string; client_country: string; at: string }>(`FETCH ${HOLD_CHECK_BATCH} FROM hold_check`);
    for (const row of rows) {
      if (isHeld({ ip: row.client_ip, country: row.client_country, at: new Date(Number(row.at) * 1000), spanMs })) heldCtids.push(row.ctid);
    }
    if (rows.length < HOLD_CHECK_BATCH) break;
  }
  await tx.query('CLOSE hold_check');
  return { heldCtids, held: heldCtids.length };
}
