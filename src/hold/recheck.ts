import { buildHoldMatcher, HOURLY_ROW_SPAN_MS, selectHoldsTouching } from '../policy/holds.js';
import type { Network } from '../policy/network.js';
import type { Db } from '../store/db.js';
import type { StorePort } from '../store/port.js';
import { readHolds } from '../store/holds.js';
import type { SubjectRow, SubjectTable } from '../store/subject-queries.js';

/**
 * A check to run immediately before each Cloudflare deletion batch: re-reads the holds as stored now and returns
 * which of the ids about to go a hold covers. A hold added while a purge or erase runs (`hold add` takes no lock)
 * is so honoured from the next batch on, not only by the next run.
 */
export function buildHoldRecheck(db: Db, networks: ReadonlyMap<string, Network | undefined>, at: Date): (ids: readonly string[]) => Set<string> {
  return (ids) => {
    const holds = readHolds(db);
    const held = new Set<string>();
    for (const id of ids) {
      const network = networks.get(id);
      if (network && selectHoldsTouching(holds, network, at).length > 0) held.add(id);
    }
    return held;
  };
}

/** The rows of `rows` no hold stored now covers; call inside the deleting transaction so no hold can slip in between. */
export function selectUnheldRows(db: Db, location: SubjectTable, rows: readonly SubjectRow[], at: Date): SubjectRow[] {
  const isHeld = buildHoldMatcher(readHolds(db), at);
  const spanMs = location === 'local/http-analytics' ? HOURLY_ROW_SPAN_MS : 0;
  return rows.filter((row) => !isHeld({ ip: row.ip, country: row.country, at: new Date(row.at * 1000), spanMs }));
}

// --- purge (on the store port)

/** buildHoldRecheck over the store port: the holds as stored now, shared by every host, before each batch. */
export function buildStoreHoldRecheck(
  store: StorePort,
  networks: ReadonlyMap<string, Network | undefined>,
  at: Date,
): (ids: readonly string[]) => Promise<Set<string>> {
  return async (ids) => {
    const holds = await store.readHolds();
    const held = new Set<string>();
    for (const id of ids) {
      const network = networks.get(id);
      if (network && selectHoldsTouching(holds, network, at).length > 0) held.add(id);
    }
    return held;
  };
}
