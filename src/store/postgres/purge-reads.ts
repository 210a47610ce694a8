import type { AuditEntry } from '../../audit/entry.js';
import type { LocalLocation } from '../../policy/retention.js';
import { StoreError } from '../../errors.js';
import type { ExpiryCounts, HoldPredicate } from '../expiry.js';
import { quoteIdent, type PgTx } from './connection.js';
import { partitionName, TIME_COLUMNS } from './partitions.js';
import { LOCATION_DATASETS } from './purge.js';

/** Rows fetched per round when holds are checked row by row. */
const HOLD_CHECK_BATCH = 10_000;

/**
 * What a purge plans from: the location's rows (optionally of one zone) older than the cut-off, split by whether a
 * hold keeps them. Hold matching needs CIDR logic in JS, so with active holds the rows are read through a cursor
 * in batches (memory stays flat); without, it is one aggregate.
 */
export async function countPgExpired(tx: PgTx, location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate, zoneId?: string): Promise<ExpiryCounts> {
  const { dataset, spanMs } = LOCATION_DATASETS[location];
  const time = TIME_COLUMNS[dataset];
  // A record is past retention when strictly older than the cut-off; rows hold whole seconds.
  const where = `${time} < ${Math.ceil(cutoff.getTime() / 1000)}${zoneId === undefined ? '' : ` AND zone_id = ${tx.escapeLiteral(zoneId)}`}`;
  const toDate = (seconds: string | null | undefined) => (seconds === null || seconds === undefined ? undefined : new Date(Number(seconds) * 1000));
  if (!isHeld) {
    const { rows } = await tx.query<{ n: string; oldest: string | null; newest: string | null }>(
      `SELECT count(*)::text AS n, min(${time})::text AS oldest, max(${time})::text AS newest FROM ${dataset} WHERE ${where}`,
    );
    return { expired: Number(rows[0]!.n), held: 0, oldestExpired: toDate(rows[0]!.oldest), newestExpired: toDate(rows[0]!.newest) };
  }
  let expired = 0;
  let held = 0;
  let oldest: number | undefined;
  let newest: number | undefined;
  await tx.query(`DECLARE expiry_count NO SCROLL CURSOR FOR SELECT client_ip, client_country, ${time}::text AS at FROM ${dataset} WHERE ${where}`);
  for (;;) {
    const { rows } = await tx.query<{ client_ip: string; client_country: string; at: string }>(`FETCH ${HOLD_CHECK_BATCH} FROM expiry_count`);
    for (const row of rows) {
      const at = Number(row.at);
      if (isHeld({ ip: row.client_ip, country: row.client_country, at: new Date(at * 1000), spanMs })) {
        held += 1;
        continue;
      }
      expired += 1;
      oldest = oldest === undefined ? at : Math.min(oldest, at);
      newest = newest === undefined ? at : Math.max(newest, at);
    }
    if (rows.length < HOLD_CHECK_BATCH) break;
  }
  await tx.query('CLOSE expiry_count');
  return { expired, held, oldestExpired: toDate(oldest?.toString()), newestExpired: toDate(newest?.toString()) };
}

/** Rows a location holds, from row_counts (kept by every insert and delete) rather than a scan. */
export async function countPgLocationRows(tx: PgTx, location: LocalLocation['id']): Promise<number> {
  const { rows } = await tx.query<{ n: string }>('SELECT coalesce(sum(rows), 0)::text AS n FROM row_counts WHERE dataset = $1', [
    LOCATION_DATASETS[location].dataset,
  ]);
  return Number(rows[0]!.n);
}

/** The newest stored firewall event: read in the newest day partition that row_counts says holds rows. */
export async function readPgNewestEventTime(tx: PgTx): Promise<Date | undefined> {
  const { rows } = await tx.query<{ day: string | null }>("SELECT max(day)::text AS day FROM row_counts WHERE dataset = 'firewall_events' AND rows > 0");
  const day = rows[0]?.day;
  if (day === null || day === undefined) return undefined;
  const newest = await tx.query<{ t: string | null }>(`SELECT max(datetime)::text AS t FROM ${quoteIdent(partitionName('firewall_events', Number(day)))}`);
  const t = newest.rows[0]?.t;
  return t === null || t === undefined ? undefined : new Date(Number(t) * 1000);
}

/** The audit entries, parsed, ordered by seq; with `since`, those written at or after it. */
export async function readPgAuditEntries(tx: PgTx, options: { since?: Date } = {}): Promise<AuditEntry[]> {
  const { rows } = await tx.query<{ seq: string; entry: string }>('SELECT seq::text AS seq, entry FROM audit_log ORDER BY audit_log.seq');
  const entries = rows.map((row) => {
    try {
      return JSON.parse(row.entry) as AuditEntry;
    } catch (err) {
      throw new StoreError(`Audit entry ${row.seq} in the store is not valid JSON`, {
        cause: err,
        hint: 'Run `luxeret-privacy audit verify`; the store may have been altered.',
      });
    }
  });
  const since = options.since;
  return since ? entries.filter((entry) => Date.parse(entry.time) >= since.getTime()) : entries;
}

/** The stored head checkpoint exactly as written, or undefined while the log is empty. */
export async function readPgAuditHeadText(tx: PgTx): Promise<string | undefined> {
  const { rows } = await tx.query<{ checkpoint: string }>('SELECT checkpoint FROM audit_head WHERE id = 1');
  const text = rows[0]?.checkpoint;
  return text === undefined || text === '' ? undefined : text;
}
