import type { CloudflareObjects, ObjectPart, ReadStatus } from '../cloudflare/objects/types.js';
import type { Config } from '../config/config.js';
import { hashPolicy } from '../config/load.js';
import type { Inventory } from './inventory.js';
import { buildHoldMatcher, selectActiveHolds } from '../policy/holds.js';
import { LOCAL_LOCATIONS, retentionCutoff } from '../policy/retention.js';
import type { AgeSeries, InventoryReportData } from '../report/inventory-report.js';
import { DRIFT_GRACE_DAYS } from '../policy/tolerances.js';
import { buildPolicyDrift, type DriftCheck, type LogSettingsFacts, type OverdueFact } from '../policy/policy-drift.js';
import type { HoldPredicate } from '../store/expiry.js';
import type { StorePort } from '../store/port.js';

const DAY_MS = 86_400_000;
const MIN_HISTOGRAM_DAYS = 60;
const MAX_HISTOGRAM_DAYS = 400;
const TOP_HOSTS = 10;

export interface ReportReadOptions {
  /** The version of this tool, stated in the report. */
  readonly toolVersion: string;
  readonly zoneId?: string | undefined;
  /** Cloudflare's log settings, when this run read them (the objects snapshot); undefined: not checked. */
  readonly logSettings?: LogSettingsFacts | undefined;
}

/** Reads what the report shows beyond the inventory: meta, age histogram, hosts, overdue counts; decides drift. */
export async function readInventoryReportData(
  store: StorePort,
  config: Config,
  inventory: Inventory,
  options: ReportReadOptions,
): Promise<InventoryReportData> {
  const now = inventory.generatedAt;
  const filter = options.zoneId === undefined ? {} : { zoneId: options.zoneId };
  const longestDays = Math.max(...LOCAL_LOCATIONS.map((location) => config.retention[location.retention].ms / DAY_MS));
  // Wide enough to show the retention line, the grace line and some days beyond them.
  const days = Math.min(MAX_HISTOGRAM_DAYS, Math.max(MIN_HISTOGRAM_DAYS, Math.ceil(longestDays) + DRIFT_GRACE_DAYS + 10));
  const series: AgeSeries[] = [];
  for (const location of LOCAL_LOCATIONS) {
    const retention = config.retention[location.retention];
    series.push({
      locationId: location.id,
      retention: retention.text,
      retentionSeconds: retention.ms / 1000,
      counts: await store.readAgeHistogram(location.id, now, days, filter),
    });
  }
  const lastPurgeAt = parseMetaTime(await store.readMeta('last_purge_at'));
  return {
    inventory,
    controller: config.controller,
    toolVersion: options.toolVersion,
    policyHash: hashPolicy(config),
    lastPullAt: parseMetaTime(await store.readMeta('last_pull_at')),
    lastPurgeAt,
    ageHistogram: { days, series },
    topHosts: await store.readTopHosts(TOP_HOSTS, filter),
    keptFields: config.fields,
    drift: await readPolicyDrift(store, config, now, { zoneId: options.zoneId, logSettings: options.logSettings }),
  };
}

/**
 * Reads the facts the policy-drift checks need (records past retention plus the grace period, the last purge) and
 * decides them; `inventory --fail-on-drift`, the metrics and the reports share it.
 */
export async function readPolicyDrift(
  store: StorePort,
  config: Config,
  now: Date,
  options: { zoneId?: string | undefined; logSettings?: LogSettingsFacts | undefined },
): Promise<DriftCheck[]> {
  const holds = await store.readHolds();
  const isHeld: HoldPredicate = selectActiveHolds(holds, now).length === 0 ? undefined : buildHoldMatcher(holds, now);
  const overdue: OverdueFact[] = [];
  for (const location of LOCAL_LOCATIONS) {
    const retention = config.retention[location.retention];
    const lateCutoff = new Date(retentionCutoff(retention, now).getTime() - DRIFT_GRACE_DAYS * DAY_MS);
    const late = await store.countExpired(location.id, lateCutoff, isHeld, options.zoneId);
    overdue.push({ locationId: location.id, retention: retention.text, count: late.expired });
  }
  const lastPurgeAt = parseMetaTime(await store.readMeta('last_purge_at'));
  return buildPolicyDrift({ now, lastPurgeAt, overdue, logSettings: options.logSettings });
}

/** The log settings of a Cloudflare objects snapshot, as the policy-drift checks take them. */
export function selectLogSettings(objects: CloudflareObjects): LogSettingsFacts {
  const names = new Map(objects.zones.map((zone) => [zone.id, zone.name]));
  const describe = (status: ReadStatus) => {
    const name = status.scope.type === 'zone' ? names.get(status.scope.id) : undefined;
    return `${status.scope.type} ${name ? `${name} (${status.scope.id})` : status.scope.id}`;
  };
  const select = (part: ObjectPart, state: 'not_available' | 'unreadable') =>
    objects.statuses
      .filter(
        (status) =>
          status.part === part && (state === 'not_available' ? status.state === 'not_available' : status.state === 'not_readable' || status.state === 'error'),
      )
      .map((status) => (state === 'not_available' ? describe(status) : `${describe(status)}: ${status.message ?? status.state}`));
  return {
    retention: objects.logRetention.map((fact) => ({ zoneId: fact.zoneId, zoneName: names.get(fact.zoneId), flag: fact.flag })),
    logpushJobs: objects.logpushJobs,
    retentionUnreadable: select('logpull-retention', 'unreadable'),
    logpushUnreadable: select('logpush', 'unreadable'),
    retentionNotAvailable: select('logpull-retention', 'not_available'),
    logpushNotAvailable: select('logpush', 'not_available'),
  };
}

export function parseMetaTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(/^\d+$/.test(value) ? Number(value) * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
