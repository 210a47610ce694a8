import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { StorePort } from '../store/port.js';
import { buildStatsReport, selectDayRange, type StatsReport } from './stats-report.js';

export interface StatsDeps {
  readonly store: () => Promise<StorePort>;
  readonly config: () => Config;
  readonly now: () => Date;
}

export interface StatsResult {
  readonly report: StatsReport;
  readonly outcome: Outcome;
}

/** `stats`: the anonymised statistics kept after raw rows are purged, per UTC day, zone and country. */
export async function readStats(deps: StatsDeps, options: { readonly from?: Date | undefined; readonly to?: Date | undefined }): Promise<StatsResult> {
  const { from, to } = options;
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
  const store = await deps.store();
  const config = deps.config();
  const range = selectDayRange(from, to);
  const report = buildStatsReport({
    cells: await store.readStatsCells(range),
    markers: await store.readRollUpMarkers(range),
    zoneNames: new Map(config.zones.map((zone) => [zone.id, zone.name])),
    minCount: config.statistics.minCount,
    from,
    to,
    generatedAt: deps.now(),
  });
  return { report, outcome: 'done' };
}
