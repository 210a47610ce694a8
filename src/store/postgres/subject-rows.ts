import { buildNetworkMatcher, type Network } from '../../policy/network.js';
import type { LocationPurgeOutcome, PartitionPurge } from '../port.js';
import type { SubjectRow, SubjectTable } from '../subject-queries.js';
import type { PgTx } from './connection.js';
import { DAY_SECONDS, dayOf, partitionName, type PgDataset } from './partitions.js';

const SOURCES: Record<SubjectTable, { dataset: PgDataset; time: string; weight: string; where: string }> = {
  'local/firewall-events': { dataset: 'firewall_events', time: 'datetime', weight: '1', where: '' },
  // Country-only rows carry no address: they are about no one in particular.
  'local/http-analytics': { dataset: 'http_analytics', time: 'hour', weight: 'requests', where: " WHERE client_ip <> ''" },
};

/**
 * The rows whose client IP falls in the network. Addresses need CIDR logic (and IPv4-mapped IPv6 read as IPv4),
 * so the match runs here, in JS, over the distinct addresses the server returns – far fewer than the rows – and only
 * the matching addresses' rows are fetched. A scan of the dataset all the same, which is fine for an on-demand request.
 */
export async function selectPgSubjectRows(tx: PgTx, location: SubjectTable, network: Network): Promise<SubjectRow[]> {
  const { dataset, time, weight, where } = SOURCES[location];
  const matches = buildNetworkMatcher([network]);
  const { rows: addresses } = await tx.query<{ ip: string }>(`SELECT DISTINCT client_ip AS ip FROM ${dataset}${where}`);
  const matched = addresses.map((row) => row.ip).filter(matches);
  if (matched.length === 0) return [];
  const { rows } = await tx.query<{ id: string; zone_id: string; at: string; ip: string; country: string; weight: string }>(
    `SELECT id::text AS id, zone_id, ${time}::text AS at, client_ip AS ip, client_country AS country, ${weight}::text AS weight
       FROM ${dataset} WHERE client_ip = ANY($1::text[]) ORDER BY ${time}, id`,
    [matched],
  );
  return rows.map((row) => ({ id: Number(row.id), zoneId: row.zone_id, at: Number(row.at), ip: row.ip, country: row.country, weight: Number(row.weight) }));
}

/**
 * Deletes the given rows and takes them off row_counts, in the caller's transaction. A row is named by its day and
 * its id (from the dataset's sequence; unique, though no constraint says so across partitions), so each day's
 * DELETE reads the one partition. Rows already gone (a purge in between) are simply not counted.
 */
export async function deletePgSubjectRows(tx: PgTx, location: SubjectTable, rows: readonly SubjectRow[]): Promise<LocationPurgeOutcome> {
  const { dataset, time } = SOURCES[location];
  const byDay = new Map<number, number[]>();
  for (const row of rows) {
    const ids = byDay.get(dayOf(row.at)) ?? [];
    ids.push(row.id);
    byDay.set(dayOf(row.at), ids);
  }
  const partitions: PartitionPurge[] = [];
  for (const [day, ids] of [...byDay].sort(([a], [b]) => a - b)) {
    const { rows: counted } = await tx.query<{ n: string }>(
      `WITH gone AS (DELETE FROM ${dataset} WHERE ${time} >= $3 AND ${time} < $4 AND id = ANY($5::bigint[]) RETURNING zone_id, client_country),
            per_cell AS (SELECT zone_id, client_country, count(*) AS n FROM gone GROUP BY 1, 2),
            counted AS (
              UPDATE row_counts c SET rows = c.rows - per_cell.n FROM per_cell
               WHERE c.dataset = $1 AND c.day = $2 AND c.zone_id = per_cell.zone_id AND c.client_country = per_cell.client_country)
       SELECT coalesce(sum(n), 0)::text AS n FROM per_cell`,
      [dataset, day, day * DAY_SECONDS, (day + 1) * DAY_SECONDS, ids],
    );
    await tx.query('DELETE FROM row_counts WHERE dataset = $1 AND day = $2 AND rows <= 0', [dataset, day]);
    const deleted = Number(counted[0]!.n);
    if (deleted > 0) partitions.push({ partition: partitionName(dataset, day), method: 'rows-deleted', deleted, held: 0 });
  }
  return { location, deleted: partitions.reduce((sum, p) => sum + p.deleted, 0), held: 0, partitions };
}
