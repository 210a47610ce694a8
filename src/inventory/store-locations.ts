import type { Config } from '../config/config.js';
import { buildHoldMatcher, selectActiveHolds } from '../policy/holds.js';
import { LOCAL_LOCATIONS, retentionCutoff, type LocalLocation } from '../policy/retention.js';
import type { HoldPredicate } from '../store/expiry.js';
import type { StorePort } from '../store/port.js';
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
import { parseMetaTime } from './report-data.js';
import { buildWalAndBackupsLocation, WAL_AND_BACKUPS_ID } from './wal-and-backups.js';

/** The locations read from our store: what it holds, and what Cloudflare keeps of the datasets pulled into it. */
export async function buildStoreLocationBuilders(
  { store, config, now }: { readonly store: StorePort; readonly config: Config; readonly now: Date },
  zoneId: string | undefined,
): Promise<LocationBuilder[]> {
  const holds = await store.readHolds();
  // With no active hold the expiry count stays a plain indexed range query (as in purge).
  const isHeld: HoldPredicate = selectActiveHolds(holds, now).length === 0 ? undefined : buildHoldMatcher(holds, now);
  // Read once, used twice: the Cloudflare window often holds every local event, and then the summaries are the same.
  // Started now, not when its builder runs: its distinct-IP count is the longest read of a large PostgreSQL store,
  // and the other locations' reads (on connections of their own) overlap it. Its failure is reported by the builders
  // that await it; the catch only keeps it from counting as unhandled meanwhile.
  const firewallSummary = store.readFirewallEventsSummary({ zoneId });
  firewallSummary.catch(() => undefined);
  const readFirewallSummary = () => firewallSummary;
  return [
    ...LOCAL_LOCATIONS.map((location) => localBuilder(store, config, now, isHeld, location, zoneId, readFirewallSummary)),
    cloudflareKeptBuilder(CLOUDFLARE_FIREWALL_EVENTS_ID, store, config, now, zoneId, readFirewallSummary),
    cloudflareKeptBuilder(CLOUDFLARE_HTTP_ANALYTICS_ID, store, config, now, zoneId, () => store.readHttpAnalyticsSummary({ zoneId })),
  ];
}

function localBuilder(
  store: StorePort,
  config: Config,
  now: Date,
  isHeld: HoldPredicate,
  location: LocalLocation,
  zoneId: string | undefined,
  readFirewallSummary: () => Promise<DatasetSummary>,
): LocationBuilder {
  return {
    id: location.id,
    kind: 'local',
    build: async () => {
      const retention = config.retention[location.retention];
      const cutoff = retentionCutoff(retention, now);
      // The same count a purge makes, so "past retention" here is exactly what the next purge deletes.
      const expiry = await store.countExpired(location.id, cutoff, isHeld, zoneId);
      if (location.id === 'local/firewall-events') {
        return buildLocalLocation({ id: location.id, summary: await readFirewallSummary(), expiry, retention });
      }
      const summary = await store.readHttpAnalyticsSummary({ zoneId });
      return buildLocalLocation({ id: location.id, summary, expiry, retention, requests: summary.requests, countryOnlyRows: summary.countryOnlyRows });
    },
  };
}

/** Data Cloudflare itself keeps for its look-back window (security events, request analytics): reported, not deletable. */
function cloudflareKeptBuilder(
  locationId: CloudflareKeptId,
  store: StorePort,
  config: Config,
  now: Date,
  zoneId: string | undefined,
  readWhole: () => Promise<DatasetSummary>,
): LocationBuilder {
  const { settingsNode, table } = CLOUDFLARE_KEPT_DATASETS[locationId];
  return {
    id: locationId,
    kind: 'cloudflare',
    build: async () => {
      const names = new Map(config.zones.map((zone) => [zone.id, zone.name]));
      // Configured zones, and zones pulled earlier but since removed from the config: Cloudflare still keeps those.
      const ids = zoneId !== undefined ? [zoneId] : [...new Set([...names.keys(), ...(await store.readPulledZoneIds())])];
      const zones = [];
      for (const id of ids) {
        zones.push({
          zoneId: id,
          name: names.get(id),
          isConfigured: names.has(id),
          settings: parseZoneSettings(await store.readMeta(zoneSettingsKey(id)), settingsNode),
        });
      }
      const slices = zones.flatMap(({ zoneId: id, settings }) =>
        settings.windowSeconds === undefined ? [] : [{ zoneId: id, sinceSeconds: selectWindowStart(settings.windowSeconds, now) }],
      );
      const { summary, perZone } = await store.readEventsInWindows(slices, { zoneId, readWhole, table });
      return buildCloudflareKeptLocation({ id: locationId, zones: zones.map((zone) => ({ ...zone, span: perZone.get(zone.zoneId) })), summary });
    },
  };
}

/**
 * Where the database engine keeps copies of deleted rows out of the tool's reach: `postgres/wal-and-backups`, on
 * PostgreSQL only (the SQLite purge truncates its own WAL, and a copy of the file is the operator's, as always).
 */
export async function buildEngineLocationBuilders({ store, config }: { readonly store: StorePort; readonly config: Config }): Promise<LocationBuilder[]> {
  const reading = await store.readEngineCopies();
  if (reading === undefined) return [];
  return [
    {
      id: WAL_AND_BACKUPS_ID,
      kind: 'engine',
      build: async () =>
        buildWalAndBackupsLocation({ reading, backupRetention: config.backupRetention, lastPurgeAt: parseMetaTime(await store.readMeta('last_purge_at')) }),
    },
  ];
}
