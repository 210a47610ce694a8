import type { RollUpMarker, StatsDataset, StoredStatsCell } from '../store/stats.js';

export interface StatsRow {
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly dataset: StatsDataset;
  readonly zoneId: string;
  readonly zoneName: string | undefined;
  /** ISO country code as Cloudflare gives it; '' when Cloudflare did not know it. */
  readonly country: string;
  /** Events (firewall_events) or requests (http_analytics). */
  readonly count: number;
  /** null where the raw rows carried no IP (country-only analytics). */
  readonly distinctIps: number | null;
}

export interface StatsReport {
  readonly generatedAt: Date;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly minCount: number;
  readonly rows: readonly StatsRow[];
  /** (dataset, day, zone) units rolled up within the range. */
  readonly units: number;
  /** Cells left out of those units because they were below min_count (never stored). */
  readonly suppressedCells: number;
}

export const DATASET_UNIT: Record<StatsDataset, string> = { firewall_events: 'events', http_analytics: 'requests' };

/** The statistics as the `stats` command shows them: one row per stored cell, zone names from the config. */
export function buildStatsReport(input: {
  cells: readonly StoredStatsCell[];
  markers: readonly RollUpMarker[];
  zoneNames: ReadonlyMap<string, string | undefined>;
  minCount: number;
  from: Date | undefined;
  to: Date | undefined;
  generatedAt: Date;
}): StatsReport {
  return {
    generatedAt: input.generatedAt,
    from: input.from,
    to: input.to,
    minCount: input.minCount,
    rows: input.cells.map((cell) => ({
      day: formatDay(cell.day),
      dataset: cell.dataset,
      zoneId: cell.zoneId,
      zoneName: input.zoneNames.get(cell.zoneId),
      country: cell.country,
      count: cell.count,
      distinctIps: cell.distinctIps,
    })),
    units: input.markers.length,
    suppressedCells: input.markers.reduce((sum, marker) => sum + marker.suppressedCells, 0),
  };
}

/** Unix seconds of 00:00 UTC → `YYYY-MM-DD`. */
export function formatDay(daySeconds: number): string {
  return new Date(daySeconds * 1000).toISOString().slice(0, 10);
}

/** The stored day range `[fromDay, toDay)` (unix seconds) holding every day that overlaps `[from, to)`. */
export function selectDayRange(from: Date | undefined, to: Date | undefined): { fromDay?: number; toDay?: number } {
  const day = 86_400;
  const range: { fromDay?: number; toDay?: number } = {};
  if (from) range.fromDay = Math.floor(from.getTime() / 1000 / day) * day;
  if (to) range.toDay = Math.ceil(to.getTime() / 1000);
  return range;
}
