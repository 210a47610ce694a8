import {
  addNote,
  appendNotes,
  createNotes,
  describeWindow,
  formatTimestamp,
  formatWindow,
  sortCountries,
  type CloudflareZoneWindow,
  type DatasetSummary,
  type InventoryLocation,
  type LocationNotes,
} from './inventory.js';

export const CLOUDFLARE_FIREWALL_EVENTS_ID = 'cloudflare/firewall-events';
export const CLOUDFLARE_HTTP_ANALYTICS_ID = 'cloudflare/http-analytics';

/** What Cloudflare keeps of each dataset we pull, and under which `settings` node its window is. */
export const CLOUDFLARE_KEPT_DATASETS = {
  [CLOUDFLARE_FIREWALL_EVENTS_ID]: { settingsNode: 'firewallEventsAdaptive', noun: 'events', one: 'event', nounKo: '보안 이벤트', table: 'firewall_events' },
  [CLOUDFLARE_HTTP_ANALYTICS_ID]: { settingsNode: 'httpRequestsAdaptiveGroups', noun: 'request counts', one: 'request count', nounKo: '요청 수 집계', table: 'http_analytics' },
} as const;
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
  const dataset = CLOUDFLARE_KEPT_DATASETS[id];
  const zones = input.zones.map(buildZoneWindow);
  const notes = createNotes();
  if (zones.length === 0) addNote(notes, 'no zones configured', '설정된 영역(zone)이 없습니다');
  input.zones.forEach((zone, i) => appendNotes(notes, describeZone(zone, zones[i]!, dataset)));
  if (zones.length > 0) {
    addNote(
      notes,
      `counts are the ${dataset.noun} we pulled: Cloudflare may hold more (${dataset.noun} never pulled)`,
      `건수는 우리가 가져온(pull) ${dataset.nounKo}입니다: Cloudflare에는 가져오지 않은 ${dataset.nounKo}가 더 있을 수 있습니다`,
    );
  }
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
    notes: notes.en,
    notesKo: notes.ko,
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

function describeZone(input: ZoneWindowInput, zone: CloudflareZoneWindow, dataset: { noun: string; one: string; nounKo: string }): LocationNotes {
  const named = zone.name ? `${zone.name} (${zone.zoneId})` : zone.zoneId;
  const [label, labelKo] = [`zone ${named}`, `영역 ${named}`];
  const notes = createNotes();
  if (!input.isConfigured) {
    addNote(notes, `${label} is not in the config; its pulled ${dataset.noun} are still reported`, `${labelKo}은(는) 설정에 없지만 가져온 ${dataset.nounKo}는 계속 보고합니다`);
  }
  if (zone.windowSeconds === undefined) {
    const isMalformed = input.settings.problem === 'malformed';
    addNote(
      notes,
      `${label}: ${isMalformed ? 'its stored settings are unreadable' : 'window unknown'}; run pull to learn this zone's window`,
      `${labelKo}: ${isMalformed ? '저장된 설정을 읽을 수 없음' : '보관 기간을 알 수 없음'}; pull을 실행하면 이 영역의 보관 기간을 알 수 있습니다`,
    );
    return notes;
  }
  const [window, windowKo] = [describeWindow(zone.windowSeconds), describeWindow(zone.windowSeconds, 'ko')];
  if (zone.expires && zone.oldest) {
    const [from, to] = [formatTimestamp(new Date(zone.oldest.getTime() + zone.windowSeconds * 1000)), formatTimestamp(zone.expires)];
    addNote(
      notes,
      `${label}: kept by Cloudflare for ${window}; not deletable through the API; the pulled copies age out from ${from} to ${to}`,
      `${labelKo}: Cloudflare가 ${windowKo} 동안 보관하며 API로 삭제할 수 없음; 가져온 사본은 ${from}부터 ${to}까지 차례로 만료됩니다`,
    );
  } else {
    addNote(
      notes,
      `${label}: kept by Cloudflare for ${window}; not deletable through the API; no pulled ${dataset.one} is still inside the window`,
      `${labelKo}: Cloudflare가 ${windowKo} 동안 보관하며 API로 삭제할 수 없음; 보관 기간 안에 남은 가져온 ${dataset.nounKo}는 없습니다`,
    );
  }
  return notes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
