import { formatTimestamp } from '../inventory/inventory.js';
import { DATASET_UNIT, type StatsReport } from '../stats/stats-report.js';
import { renderTable } from './table.js';

/** `stats` for a person at a terminal: one row per stored cell, then how suppression was applied. */
export function renderStatsTable(report: StatsReport, options: { color?: boolean } = {}): string {
  const range = `${report.from ? formatTimestamp(report.from) : 'the beginning'} – ${report.to ? formatTimestamp(report.to) : 'now'}`;
  const lines = [`Anonymised statistics (per UTC day, zone and country), ${range}`];
  if (report.rows.length === 0) {
    lines.push('No statistics in this range yet: days are rolled up when a purge (or an erasure) first deletes their raw rows.');
  } else {
    const head = ['Day (UTC)', 'Dataset', 'Zone', 'Country', 'Count', 'Distinct IPs'];
    const rows = report.rows.map((row) => [
      row.day,
      row.dataset,
      row.zoneName ?? row.zoneId,
      row.country === '' ? '(unknown)' : row.country,
      `${row.count} ${DATASET_UNIT[row.dataset]}`,
      row.distinctIps === null ? '(not known)' : row.distinctIps,
    ]);
    lines.push(renderTable(head, rows, { color: options.color === true, align: ['left', 'left', 'left', 'left', 'right', 'right'] }));
  }
  lines.push(
    `${report.units} day/zone units rolled up; ${report.suppressedCells} cells with fewer than ${report.minCount} events or distinct IPs were suppressed (never stored).`,
  );
  return lines.join('\n') + '\n';
}
