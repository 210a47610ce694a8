import { formatTimestamp, formatWindow, sortCountries, type CloudflareZoneWindow, type DatasetSummary, type InventoryLocation } from './inventory.js';
import type { KeptDataset, LocationNote } from './notes.js';

export const CLOUDFLARE_FIREWALL_EVENTS_ID = 'cloudflare/firewall-events';
export const CLOUDFLARE_HTTP_ANALYTICS_ID = 'cloudflare/http-analytics';

/** What Cloudflare keeps of each dataset we pull, and under which `settings` node its window is. */
export const CLOUDFLARE_KEPT_DATASETS = {
  [CLOUDFLARE_FIREWALL_EVENTS_ID]: { settingsNode: 'firewallEventsAdaptive', table: 'firewall_events' },
  [CLOUDFLARE_HTTP_ANALYTICS_ID]: { settingsNode: 'httpRequestsAdaptiveGroups', table: 'http_analytics' },
} as const satisfies Record<KeptDataset, unknown>;
export type CloudflareKeptId = keyof typeof CLOUDFLARE_KEPT_DATASETS;

/** The meta key under which a pull stores a zone's dataset limits (the GraphQL `settings` node), as JSON. */
export function zoneSettingsKey(zoneId: string): string {
  return `zone_settings:${zoneId}`;
}

export interface ZoneSettingsWindow {
  /** `settings.firewallEventsAdaptive.notOlderThan`: how far back Cloudflare keeps the zone's events. */
  readonly windowSeconds: number | undefined;
  readonly problem: 'missing' | 'malformed' | undefined;
}

/** Reads a dataset's look-back window (default: security events) from the stored zone settings JSON. */
export function parseZoneSettings(text: string | undefined, settingsNode: string = 'firewallEventsAdaptive'): ZoneSettingsWindow {
  if (text === undefined) return { windowSeconds: undefined, problem: 'missing' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { windowSeconds: undefined, problem: 'malformed' };
  }
  const dataset = isRecord(doc) ? doc[settingsNode] : undefined;
  const seconds = isRecord(dataset) ? dataset['notOlderThan'] : undefined;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) return { windowSeconds: undefined, problem: 'malformed' };
  return { windowSeconds: seconds, problem: undefined };
}

/** The first second (unix) still inside Cloudflare's window at `now`: events at or after it are still kept there. */
export function selectWindowStart(windowSeconds: number, now: Date): number {
  return Math.ceil(now.getTime() / 1000) - windowSeconds;
}

export interface ZoneWindowInput {
  readonly zoneId: string;
  readonly name: string | undefined;
  readonly isConfigured: boolean;
  readonly settings: ZoneSettingsWindow;
  /** Pulled events still inside the window; undefined when the window is unknown. */
  readonly span: { readonly records: number; readonly oldest: Date | undefined; readonly newest: Date | undefined } | undefined;
}

export interface CloudflareKeptInput {
  /** Which of Cloudflare's kept datasets (default: security events). */
  readonly id?: CloudflareKeptId;
  readonly zones: readonly ZoneWindowInput[];
  /** All zones' pulled events still inside their windows, counted together (distinct IPs across zones). */
  readonly summary: DatasetSummary;
}

/**
 * Data Cloudflare itself keeps for its look-back window (security events, request analytics) and then ages out. No API deletes it, so
 * nothing here is past our retention: the location says how long they stay and when the last copy we know of goes.
 */
export function buildCloudflareKeptLocation(input: CloudflareKeptInput): InventoryLocation {
  const id = input.id ?? CLOUDFLARE_FIREWALL_EVENTS_ID;
  const zones = input.zones.map(buildZoneWindow);
  const notes: LocationNote[] = [];
  if (zones.length === 0) notes.push({ code: 'kept.no_zones' });
  input.zones.forEach((zone, i) => notes.push(...selectZoneNotes(zone, zones[i]!, id)));
  if (zones.length > 0) notes.push({ code: 'kept.counts_pulled', dataset: id });
  const windows = [...new Set(zones.flatMap((zone) => (zone.windowSeconds === undefined ? [] : [zone.windowSeconds])))].sort((a, b) => a - b);
  const expiries = zones.flatMap((zone) => (zone.expires ? [zone.expires.getTime()] : []));
  const { summary } = input;
  return {
    id,
    kind: 'cloudflare',
    records: summary.records,
    distinctIps: summary.distinctIps,
    countries: sortCountries(summary.countries),
    oldest: summary.oldest,
    newest: summary.newest,
    pastRetention: 0,
    held: 0,
    retention: windows.length === 0 ? undefined : windows.map(formatWindow).join('/'),
    controlledBy: 'cloudflare',
    expires: expiries.length === 0 ? undefined : new Date(Math.max(...expiries)),
    status: 'ok',
    notes,
    zones,
  };
}

function buildZoneWindow(zone: ZoneWindowInput): CloudflareZoneWindow {
  const windowSeconds = zone.settings.windowSeconds;
  const span = windowSeconds === undefined ? undefined : zone.span;
  const newest = span?.newest;
  return {
    zoneId: zone.zoneId,
    name: zone.name,
    windowSeconds,
    records: span?.records,
    oldest: span?.oldest,
    newest,
    expires: newest && windowSeconds !== undefined ? new Date(newest.getTime() + windowSeconds * 1000) : undefined,
  };
}

function selectZoneNotes(input: ZoneWindowInput, zone: CloudflareZoneWindow, dataset: KeptDataset): LocationNote[] {
  const name = { type: 'zone', id: zone.zoneId, name: zone.name } as const;
  const notes: LocationNote[] = [];
  if (!input.isConfigured) notes.push({ code: 'kept.zone_not_configured', zone: name, dataset });
  if (zone.windowSeconds === undefined) {
    notes.push({ code: 'kept.window_unknown', zone: name, isMalformed: input.settings.problem === 'malformed' });
    return notes;
  }
  if (zone.expires && zone.oldest) {
    const [from, to] = [formatTimestamp(new Date(zone.oldest.getTime() + zone.windowSeconds * 1000)), formatTimestamp(zone.expires)];
    notes.push({ code: 'kept.ages_out', zone: name, windowSeconds: zone.windowSeconds, from, to });
  } else {
    notes.push({ code: 'kept.none_inside', zone: name, windowSeconds: zone.windowSeconds, dataset });
  }
  return notes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
