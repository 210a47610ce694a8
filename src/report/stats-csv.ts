import { DATASET_UNIT, type StatsReport } from '../stats/stats-report.js';
import { renderCsv } from './csv.js';

export const STATS_CSV_HEADER = ['day', 'dataset', 'zone_id', 'zone_name', 'country', 'unit', 'count', 'distinct_ips'] as const;

/** `stats --format csv`: one row per stored cell; RFC 4180 with formula-looking cells defused. */
export function renderStatsCsv(report: StatsReport): string {
  return renderCsv(
    STATS_CSV_HEADER,
    report.rows.map((row) => [row.day, row.dataset, row.zoneId, row.zoneName, row.country, DATASET_UNIT[row.dataset], row.count, row.distinctIps]),
  );
}
