import { formatTimestamp, type ArchiveDetail, type CloudflareZoneWindow, type Inventory, type InventoryLocation } from '../inventory/inventory.js';
import { renderMessage, selectMessages } from './messages/index.js';

// JSON is for machines: notes in English, as the CLI's other output.
const ENGLISH = selectMessages('en');

export type JsonOptions = Record<string, never>;

/** Pretty JSON (2-space indent) ending in a newline, for `--format json`. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** The inventory as `--format json` prints it: stable key order, ISO-8601 UTC, snake_case keys. */
export function renderInventoryJson(inventory: Inventory, _options: JsonOptions = {}): string {
  return renderJson(buildInventoryJson(inventory));
}

/**
 * The JSON document, keys in a fixed order: the common fields of every location first, then the extras of
 * particular locations (`requests`, `zones`) in the order listed here, only on the locations that have them.
 */
export function buildInventoryJson(inventory: Inventory): Record<string, unknown> {
  return {
    generated_at: formatTimestamp(inventory.generatedAt),
    locations: inventory.locations.map(buildLocationJson),
  };
}

function buildLocationJson(location: InventoryLocation): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: location.id,
    kind: location.kind,
    records: location.records,
    distinct_ips: location.distinctIps,
    countries: Object.fromEntries(location.countries.map(({ code, count }) => [code, count])),
    oldest: timestamp(location.oldest),
    newest: timestamp(location.newest),
    past_retention: location.pastRetention,
    held: location.held,
    retention: location.retention ?? null,
    controlled_by: location.controlledBy,
    expires: timestamp(location.expires),
    status: location.status,
    notes: location.notes.map((note) => renderMessage(ENGLISH, note)),
  };
  if (location.requests !== undefined) json['requests'] = location.requests;
  if (location.zones !== undefined) json['zones'] = location.zones.map(buildZoneJson);
  if (location.bytes !== undefined) json['bytes'] = location.bytes;
  if (location.archive !== undefined) json['archive'] = buildArchiveJson(location.archive);
  return json;
}

// archive/<name>: records, past_retention and held count objects; bytes beside them.
function buildArchiveJson(archive: ArchiveDetail): Record<string, unknown> {
  return {
    url: archive.url,
    past_retention_bytes: archive.pastRetentionBytes,
    time_sources: { name: archive.timeSources.name, folder: archive.timeSources.folder, modified: archive.timeSources.modified },
    lifecycle: archive.lifecycle,
    lifecycle_days: archive.lifecycleDays ?? null,
    logpush_jobs: archive.logpushJobs,
  };
}

function buildZoneJson(zone: CloudflareZoneWindow): Record<string, unknown> {
  return {
    zone_id: zone.zoneId,
    name: zone.name ?? null,
    window_seconds: zone.windowSeconds ?? null,
    records: zone.records ?? null,
    oldest: timestamp(zone.oldest),
    newest: timestamp(zone.newest),
    expires: timestamp(zone.expires),
  };
}

function timestamp(date: Date | undefined): string | null {
  return date === undefined ? null : formatTimestamp(date);
}
