import type { AnalyticsGraphqlClient } from '../cloudflare/analytics-graphql-client.js';
import { parseZoneSettings, ZONE_SETTINGS_QUERY, type ZoneSettings } from '../cloudflare/queries.js';
import { DEFAULT_PULL_OVERLAP, type RetentionConfig, type ZoneConfig } from '../config/config.js';
import { parseDuration } from '../config/duration.js';
import { CloudflareApiError, LuxeretError, UsageError } from '../errors.js';
import { checkServerClock } from '../policy/tolerances.js';
import { zoneSettingsKey } from '../inventory/cloudflare-kept.js';
import type { StorePort } from '../store/port.js';
import type { DatasetContext } from './dataset-context.js';
import { pullFirewallEvents } from './pull-firewall-events.js';
import { pullHttpAnalytics } from './pull-http-analytics.js';
import { emptyDatasetResult, type DatasetPullResult, type PullProgress, type PullSummary, type ZonePullResult } from './summary.js';

export interface PullDeps {
  readonly client: AnalyticsGraphqlClient;
  readonly store: StorePort;
  readonly now: () => Date;
}

export interface PullOptions {
  readonly zones: readonly ZoneConfig[];
  readonly retention: Pick<RetentionConfig, 'firewallEvents' | 'httpAnalytics'>;
  /** Opted-in extra firewall-event fields (config `fields:`). */
  readonly fields: readonly string[];
  /** Pull from here instead of the cursor or the whole look-back window. */
  readonly since?: Date | undefined;
  /** Kept away from the look-back edge (default 60 s). */
  readonly marginSeconds?: number;
  /** The tail of the covered range every pull re-reads for late rows (config `pull.overlap`, default 10 minutes). */
  readonly overlapSeconds?: number;
  readonly onProgress?: (progress: PullProgress) => void;
}

/**
 * Pulls every configured zone's security events and request analytics. A zone that fails is recorded in the
 * summary (with what it did store) and the others go on; all failing is a Cloudflare failure, some failing partial.
 */
export async function pullZones(deps: PullDeps, options: PullOptions): Promise<PullSummary> {
  const nowSeconds = () => Math.floor(deps.now().getTime() / 1000);
  const startedAt = nowSeconds();
  const zones: ZonePullResult[] = [];
  for (const zone of options.zones) zones.push(await pullZone(deps, options, zone, nowSeconds));
  const failed = zones.filter((zone) => zone.status === 'failed').length;
  const outcome = failed === 0 ? 'done' : failed === zones.length ? 'cloudflare_failed' : 'partial';
  const summary: PullSummary = { startedAt, finishedAt: nowSeconds(), zones, outcome };
  if (zones.length > 0 && zones.every((z) => z.status === 'ok')) await deps.store.writeMeta('last_pull_at', new Date(startedAt * 1000).toISOString());
  return summary;
}

async function pullZone(deps: PullDeps, options: PullOptions, zone: ZoneConfig, nowSeconds: () => number): Promise<ZonePullResult> {
  let settings: ZoneSettings;
  try {
    settings = parseZoneSettings(await deps.client.graphql(ZONE_SETTINGS_QUERY, { zoneTag: zone.id }), zone.id);
  } catch (err) {
    return { zoneId: zone.id, zoneName: zone.name, status: 'failed', datasets: [], error: describe(err) };
  }
  // A clock ahead would close out (and settle) minutes that have not happened yet; their rows would never be fetched.
  const clockProblem = checkServerClock(deps.client.serverClock(), 'pull');
  if (clockProblem) throw new UsageError(clockProblem, { hint: 'Fix the system clock (NTP) and run again. Nothing was stored.' });
  // The inventory reports how long Cloudflare itself keeps this zone's data, without asking the API again.
  await deps.store.writeMeta(zoneSettingsKey(zone.id), JSON.stringify(settings));
  const base = {
    client: deps.client,
    store: deps.store,
    zoneId: zone.id,
    nowSeconds,
    sinceSeconds: options.since === undefined ? undefined : Math.floor(options.since.getTime() / 1000),
    marginSeconds: options.marginSeconds ?? 60,
    overlapSeconds: options.overlapSeconds ?? (parseDuration(DEFAULT_PULL_OVERLAP)?.ms ?? 0) / 1000,
    onProgress: options.onProgress,
  };
  const firewallCtx: DatasetContext = { ...base, settings: settings.firewallEventsAdaptive, retentionSeconds: options.retention.firewallEvents.ms / 1000 };
  const httpCtx: DatasetContext = { ...base, settings: settings.httpRequestsAdaptiveGroups, retentionSeconds: options.retention.httpAnalytics.ms / 1000 };
  const datasets = [
    await guard('firewall_events', () => pullFirewallEvents(firewallCtx, options.fields)),
    await guard('http_analytics', () => pullHttpAnalytics(httpCtx)),
  ];
  const failed = datasets.find((d) => d.status === 'failed');
  const result: ZonePullResult = { zoneId: zone.id, zoneName: zone.name, status: failed ? 'failed' : 'ok', datasets };
  return failed?.error ? { ...result, error: failed.error } : result;
}

/** Runs one dataset pull; a Cloudflare failure after retries becomes a failed result, anything else propagates. */
async function guard(dataset: DatasetPullResult['dataset'], pull: () => Promise<DatasetPullResult>): Promise<DatasetPullResult> {
  try {
    return await pull();
  } catch (err) {
    if (!(err instanceof CloudflareApiError)) throw err;
    return { ...emptyDatasetResult(dataset), status: 'failed', error: describe(err) };
  }
}

function describe(err: unknown): { message: string; status: number | undefined } {
  if (err instanceof CloudflareApiError) return { message: err.message, status: err.status };
  if (err instanceof LuxeretError) return { message: err.message, status: undefined };
  throw err;
}
