import type { DatasetPullResult, PullSummary } from '../pull/summary.js';
import { renderTable, sanitiseCell } from './table.js';

const iso = (seconds: number | undefined): string | null => (seconds === undefined ? null : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
const range = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? null : { from: iso(from), to: iso(to) });

/** The pull summary as JSON: snake_case keys in a stable order, ISO-8601 UTC times, ranges as [from, to). */
export function buildPullJson(summary: PullSummary): unknown {
  return {
    started_at: iso(summary.startedAt),
    finished_at: iso(summary.finishedAt),
    zones: summary.zones.map((zone) => ({
      zone_id: zone.zoneId,
      zone_name: zone.zoneName ?? null,
      status: zone.status,
      error: zone.error ? { message: zone.error.message, status: zone.error.status ?? null } : null,
      datasets: zone.datasets.map((d) => ({
        dataset: d.dataset,
        status: d.status,
        new: d.inserted,
        duplicates_skipped: d.duplicates,
        late_rows: d.lateRows,
        expired_skipped: d.expired,
        windows: d.windows,
        requests: d.requests,
        pulled: range(d.pulledFrom, d.pulledTo),
        covered: range(d.coveredFrom, d.coveredTo),
        settled_to: iso(d.settledTo),
        gaps: d.gaps.map((gap) => ({ from: iso(gap.from), to: iso(gap.to), reason: gap.reason })),
        per_country_only: d.perCountryOnly,
        unavailable_fields: [...d.unavailableFields],
        error: d.error ? { message: d.error.message, status: d.error.status ?? null } : null,
      })),
    })),
  };
}

/** The pull summary for a person: one row per zone and dataset, then notes (gaps, per-country only, errors). */
export function renderPullText(summary: PullSummary, options: { color?: boolean } = {}): string {
  const head = ['Zone', 'Dataset', 'Status', 'New', 'Late', 'Duplicates skipped', 'Windows', 'Covered (UTC)', 'Gaps'];
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  for (const zone of summary.zones) {
    const label = zone.zoneName ? `${zone.zoneName} (${zone.zoneId.slice(0, 8)}…)` : zone.zoneId;
    if (zone.datasets.length === 0) {
      rows.push([label, '-', zone.status, 0, 0, 0, 0, '-', '-']);
    }
    for (const d of zone.datasets) {
      rows.push([label, d.dataset, d.status, d.inserted, d.lateRows, d.duplicates, d.windows, formatRange(d.coveredFrom, d.coveredTo), d.gaps.length]);
      notes.push(...datasetNotes(label, d));
    }
    if (zone.error && zone.datasets.length === 0) notes.push(`${label}: failed: ${zone.error.message}`);
  }
  const align = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left', 'right'] as const;
  const lines = [renderTable(head, rows, { color: options.color === true, align })];
  if (notes.length > 0) lines.push('Notes:', ...notes.map((note) => `  ${sanitiseCell(note)}`));
  return lines.join('\n') + '\n';
}

function datasetNotes(label: string, d: DatasetPullResult): string[] {
  const notes: string[] = [];
  const where = `${label} ${d.dataset}`;
  if (d.error) notes.push(`${where}: failed: ${d.error.message}`);
  if (d.status === 'disabled') notes.push(`${where}: the dataset is not enabled for this zone`);
  if (d.perCountryOnly) notes.push(`${where}: this plan does not offer clientIP; only per-country counts are held`);
  if (d.expired > 0) notes.push(`${where}: ${d.expired} records already past retention were not stored`);
  if (d.unavailableFields.length > 0) notes.push(`${where}: fields not offered on this plan: ${d.unavailableFields.join(', ')}`);
  for (const gap of d.gaps) notes.push(`${where}: gap ${formatRange(gap.from, gap.to)}: ${gap.reason}`);
  if (d.coveredFrom !== undefined) notes.push(`${where}: records cover only since ${iso(d.coveredFrom)}`);
  if (d.lateRows > 0) notes.push(`${where}: ${d.lateRows} late rows found in the re-read overlap (Cloudflare served them after an earlier pull)`);
  if (d.settledTo !== undefined && d.settledTo !== d.coveredTo) {
    notes.push(`${where}: settled up to ${iso(d.settledTo)}; later rows may still arrive and are re-read by the next pull`);
  }
  return notes;
}

function formatRange(from: number | undefined, to: number | undefined): string {
  if (from === undefined || to === undefined) return '-';
  const short = (s: number) => iso(s)!.slice(0, 16).replace('T', ' ');
  return `${short(from)} – ${short(to)}`;
}
