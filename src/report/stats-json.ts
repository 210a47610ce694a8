import { DATASET_UNIT, type StatsReport } from '../stats/stats-report.js';
import { formatTimestamp } from '../inventory/inventory.js';

/** `stats --format json`: stable key order, ISO-8601 UTC, snake_case keys; no IP, only counts. */
export function renderStatsJson(report: StatsReport): string {
  return JSON.stringify(buildStatsJson(report), null, 2) + '\n';
}

export function buildStatsJson(report: StatsReport): Record<string, unknown> {
  return {
    generated_at: formatTimestamp(report.generatedAt),
    from: report.from ? formatTimestamp(report.from) : null,
    to: report.to ? formatTimestamp(report.to) : null,
    min_count: report.minCount,
    suppression: 'cells with fewer events/requests or distinct IPs than min_count are never stored',
    rolled_up_units: report.units,
    suppressed_cells: report.suppressedCells,
    cells: report.rows.map((row) => ({
      day: row.day,
      dataset: row.dataset,
      zone_id: row.zoneId,
      zone_name: row.zoneName ?? null,
      country: row.country,
      unit: DATASET_UNIT[row.dataset],
      count: row.count,
      distinct_ips: row.distinctIps,
    })),
  };
}
