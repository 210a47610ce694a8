import type { Config } from '../config/config.js';
import { buildHoldMatcher, selectActiveHolds } from '../policy/holds.js';
import { LOCAL_LOCATIONS, retentionCutoff, type LocalLocation } from '../policy/retention.js';
import { readMeta, type Db } from '../store/db.js';
import { countExpired, type HoldPredicate } from '../store/expiry.js';
import { readHolds } from '../store/holds.js';
import { readFirewallEventsInWindows, readFirewallEventsSummary, readHttpAnalyticsSummary, readPulledZoneIds } from '../store/inventory-queries.js';
import {
  buildCloudflareKeptLocation,
  CLOUDFLARE_FIREWALL_EVENTS_ID,
  CLOUDFLARE_HTTP_ANALYTICS_ID,
  CLOUDFLARE_KEPT_DATASETS,
  type CloudflareKeptId,
  parseZoneSettings,
  selectWindowStart,
  zoneSettingsKey,
} from './cloudflare-kept.js';
import type { DatasetSummary, LocationBuilder } from './inventory.js';
import { buildLocalLocation } from './local-location.js';

/** The locations read from our store: what it holds, and what Cloudflare keeps of the datasets pulled into it. */
export function buildStoreLocationBuilders(
  { db, config, now }: { readonly db: Db; readonly config: Config; readonly now: Date },
  zoneId: string | undefined,
): LocationBuilder[] {
  const holds = readHolds(db);
  // With no active hold the expiry count stays a plain indexed range query (as in purge).
  const isHeld: HoldPredicate = selectActiveHolds(holds, now).length === 0 ? undefined : buildHoldMatcher(holds, now);
  // Read once, used twice: the Cloudflare window often holds every local event, and then the summaries are the same.
  let firewallSummary: DatasetSummary | undefined;
  const readFirewallSummary = () => (firewallSummary ??= readFirewallEventsSummary(db, { zoneId }));
  return [
    ...LOCAL_LOCATIONS.map((location) => localBuilder(db, config, now, isHeld, location, zoneId, readFirewallSummary)),
    cloudflareKeptBuilder(CLOUDFLARE_FIREWALL_EVENTS_ID, db, config, now, zoneId, readFirewallSummary),
    cloudflareKeptBuilder(CLOUDFLARE_HTTP_ANALYTICS_ID, db, config, now, zoneId, () => readHttpAnalyticsSummary(db, { zoneId })),
  ];
}

function localBuilder(
  db: Db,
  config: Config,
  now: Date,
  isHeld: HoldPredicate,
  location: LocalLocation,
  zoneId: string | undefined,
  readFirewallSummary: () => DatasetSummary,
): LocationBuilder {
  return {
    id: location.id,
    kind: 'local',
    build: () => {
      const retention = config.retention[location.retention];
      const cutoff = retentionCutoff(retention, now);
      // The same count a purge makes, so "past retention" here is exactly what the next purge deletes.
      const expiry = countExpired(db, location.id, cutoff, isHeld, zoneId);
      if (location.id === 'local/firewall-events') {
        return buildLocalLocation({ id: location.id, summary: readFirewallSummary(), expiry, retention });
      }
      const summary = readHttpAnalyticsSummary(db, { zoneId });
      return buildLocalLocation({ id: location.id, summary, expiry, retention, requests: summary.requests, countryOnlyRows: summary.countryOnlyRows });
    },
  };
}

/** Data Cloudflare itself keeps for its look-back window (security events, request analytics): reported, not deletable. */
function cloudflareKeptBuilder(
  locationId: CloudflareKeptId,
  db: Db,
  config: Config,
  now: Date,
  zoneId: string | undefined,
  readWhole: () => DatasetSummary,
): LocationBuilder {
  const { settingsNode, table } = CLOUDFLARE_KEPT_DATASETS[locationId];
  return {
    id: locationId,
    kind: 'cloudflare',
    build: () => {
      const names = new Map(config.zones.map((zone) => [zone.id, zone.name]));
      // Configured zones, and zones pulled earlier but since removed from the config: Cloudflare still keeps those.
      const ids = zoneId !== undefined ? [zoneId] : [...new Set([...names.keys(), ...readPulledZoneIds(db)])];
      const zones = ids.map((id) => ({
        zoneId: id,
        name: names.get(id),
        isConfigured: names.has(id),
        settings: parseZoneSettings(readMeta(db, zoneSettingsKey(id)), settingsNode),
      }));
      const slices = zones.flatMap(({ zoneId: id, settings }) =>
        settings.windowSeconds === undefined ? [] : [{ zoneId: id, sinceSeconds: selectWindowStart(settings.windowSeconds, now) }],
      );
      const { summary, perZone } = readFirewallEventsInWindows(db, slices, { zoneId, readWhole, table });
      return buildCloudflareKeptLocation({ id: locationId, zones: zones.map((zone) => ({ ...zone, span: perZone.get(zone.zoneId) })), summary });
    },
  };
}
