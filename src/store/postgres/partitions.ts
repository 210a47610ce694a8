import { quoteIdent, withTransaction, type PgStore, type PgTx } from './connection.js';
import { deriveLockKey } from './lock-key.js';

export type PgDataset = 'firewall_events' | 'http_analytics';

export const DATASET_TABLES: Record<PgDataset, string> = { firewall_events: 'firewall_events', http_analytics: 'http_analytics' };
/** The partition column of each dataset: unix seconds. */
export const TIME_COLUMNS: Record<PgDataset, string> = { firewall_events: 'datetime', http_analytics: 'hour' };

export const DAY_SECONDS = 86_400;

/** One day partition: rows with time in [day * 86400, (day + 1) * 86400). */
export interface DayPartition {
  readonly name: string;
  /** Unix day number (days since 1970-01-01 UTC). */
  readonly day: number;
}

export function dayOf(seconds: number): number {
  return Math.floor(seconds / DAY_SECONDS);
}

/** e.g. firewall_events_p20250301: the date in the name, so a DBA sees at once which day a partition holds. */
export function partitionName(dataset: PgDataset, day: number): string {
  return `${DATASET_TABLES[dataset]}_p${new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

function dayFromName(name: string): number {
  const digits = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!digits) throw new Error(`not a day partition: ${name}`);
  return Date.UTC(Number(digits[1]), Number(digits[2]) - 1, Number(digits[3])) / 1000 / DAY_SECONDS;
}

/** The dataset's day partitions, oldest first; with `days`, only those of them that exist. */
export async function listDayPartitions(tx: PgTx, dataset: PgDataset, days?: readonly number[]): Promise<DayPartition[]> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)${days === undefined ? '' : ' AND c.relname = ANY($2::text[])'} ORDER BY 1`,
    days === undefined ? [DATASET_TABLES[dataset]] : [DATASET_TABLES[dataset], days.map((day) => partitionName(dataset, day))],
  );
  return rows.map(({ name }) => ({ name, day: dayFromName(name) }));
}

/**
 * Creates the day partitions covering [fromSeconds, toSeconds] that do not exist yet, before rows arrive for
 * them. Two hosts creating the same day queue on an advisory lock, so neither fails on the other's CREATE.
 */
export async function ensureDayPartitions(tx: PgTx, schema: string, dataset: PgDataset, fromSeconds: number, toSeconds: number): Promise<string[]> {
  const wanted: number[] = [];
  for (let day = dayOf(fromSeconds); day <= dayOf(toSeconds); day++) wanted.push(day);
  // Only the wanted days are looked up (every ingested page asks, for one or two days, of a hundred or more).
  const missing = async () => {
    const held = new Set((await listDayPartitions(tx, dataset, wanted)).map((p) => p.day));
    return wanted.filter((day) => !held.has(day));
  };
  if ((await missing()).length === 0) return [];
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [deriveLockKey(`partitions:${schema}`)]);
  const created: string[] = [];
  for (const day of await missing()) {
    const name = partitionName(dataset, day);
    await tx.query(
      `CREATE TABLE ${quoteIdent(name)} PARTITION OF ${DATASET_TABLES[dataset]} FOR VALUES FROM (${day * DAY_SECONDS}) TO (${(day + 1) * DAY_SECONDS})`,
    );
    created.push(name);
  }
  return created;
}

/** ensureDayPartitions in a transaction of its own: what a pull calls for its window before it fetches. */
export function createPartitionsAhead(store: PgStore, dataset: PgDataset, fromSeconds: number, toSeconds: number): Promise<string[]> {
  return withTransaction(store, (tx) => ensureDayPartitions(tx, store.schema, dataset, fromSeconds, toSeconds));
}
