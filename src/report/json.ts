import { formatTimestamp, type ArchiveDetail, type CloudflareZoneWindow, type Inventory, type InventoryLocation } from '../inventory/inventory.js';
import { renderMessage, selectMessages } from './messages/index.js';
import { countContradictions, type DriftCheck, type DriftFinding, type DriftRuleKey } from '../policy/policy-drift.js';

// JSON is for machines: notes in English, as the CLI's other output.
const ENGLISH = selectMessages('en');

export interface JsonOptions {
  /** The policy-drift checks, when the run decided them (`--fail-on-drift`): listed under `drift`. */
  readonly drift?: readonly DriftCheck[] | undefined;
}

/** Pretty JSON (2-space indent) ending in a newline, for `--format json`. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** The inventory as `--format json` prints it: stable key order, ISO-8601 UTC, snake_case keys. */
export function renderInventoryJson(inventory: Inventory, options: JsonOptions = {}): string {
  const json = buildInventoryJson(inventory);
  if (options.drift !== undefined) json['drift'] = buildDriftJson(options.drift);
  return renderJson(json);
}

const RULE_KEYS: Record<DriftRuleKey, string> = {
  logpullRetention: 'logpull_retention',
  logpushClientIp: 'logpush_client_ip',
  overdueData: 'overdue_data',
  purgeStale: 'purge_stale',
};

/** The policy-drift checks: how many contradictions, then each check (the fixed order) with its state and findings. */
export function buildDriftJson(checks: readonly DriftCheck[]): Record<string, unknown> {
  return {
    contradictions: countContradictions(checks),
    checks: checks.map((check) => ({ rule: RULE_KEYS[check.rule], state: check.state, findings: check.findings.map(buildFindingJson) })),
  };
}

function buildFindingJson(finding: DriftFinding): Record<string, unknown> {
  switch (finding.kind) {
    case 'logpull_on':
    case 'logpull_off':
      return { kind: finding.kind, zone_id: finding.zoneId, zone_name: finding.zoneName ?? null };
    case 'not_available':
      return { kind: finding.kind, scope: finding.scope };
    case 'logpush_client_ip': {
      const { job } = finding;
      return {
        kind: finding.kind,
        job: { id: job.id, name: job.name, dataset: job.dataset, enabled: job.enabled, destination: job.destination, fields: job.fields },
      };
    }
    case 'overdue':
      return { kind: finding.kind, location_id: finding.locationId, retention: finding.retention, count: finding.count };
    case 'purge_never':
      return { kind: finding.kind };
    case 'purge_stale':
    case 'purge_recent':
      return { kind: finding.kind, last_purge_at: formatTimestamp(finding.lastPurgeAt), days: finding.days };
    case 'not_read':
      return { kind: finding.kind, reason: finding.reason ?? null };
  }
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
    ...(archive.versions && {
      versions: {
        status: archive.versions.status,
        versions: archive.versions.versions,
        noncurrent: archive.versions.noncurrent,
        delete_markers: archive.versions.deleteMarkers,
      },
    }),
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
