import { buildHoldMatcher, HOURLY_ROW_SPAN_MS, selectHoldsTouching, type Hold } from '../policy/holds.js';
import type { Network } from '../policy/network.js';
import type { Db } from '../store/db.js';
import { readHolds } from '../store/holds.js';
import type { StoreSession } from '../store/port.js';
import type { SubjectRow, SubjectTable } from '../store/subject-queries.js';

/** Where the holds are read from: the store port, or (purge, until it is on the port) the SQLite connection. */
export type HoldSource = Pick<StoreSession, 'readHolds'> | Db;

/**
 * A check to run immediately before each Cloudflare deletion batch: re-reads the holds as stored now and returns
 * which of the ids about to go a hold covers. A hold added while a purge or erase runs (`hold add` takes no lock)
 * is so honoured from the next batch on, not only by the next run.
 */
export function buildHoldRecheck(
  source: HoldSource,
  networks: ReadonlyMap<string, Network | undefined>,
  at: Date,
): (ids: readonly string[]) => Promise<Set<string>> {
  return async (ids) => {
    const holds = 'prepare' in source ? readHolds(source) : await source.readHolds();
    const held = new Set<string>();
    for (const id of ids) {
      const network = networks.get(id);
      if (network && selectHoldsTouching(holds, network, at).length > 0) held.add(id);
    }
    return held;
  };
}

/** The rows of `rows` none of `holds` covers; read the holds inside the deleting transaction so no hold can slip in between. */
export function selectUnheldRows(holds: readonly Hold[], location: SubjectTable, rows: readonly SubjectRow[], at: Date): SubjectRow[] {
  const isHeld = buildHoldMatcher(holds, at);
  const spanMs = location === 'local/http-analytics' ? HOURLY_ROW_SPAN_MS : 0;
  return rows.filter((row) => !isHeld({ ip: row.ip, country: row.country, at: new Date(row.at * 1000), spanMs }));
}
