import {
  formatTimestamp,
  isArchiveLocationId,
  UNKNOWN_COUNTRY,
  type CountryCount,
  type FixedLocationId,
  type Inventory,
  type InventoryLocation,
  type LocationId,
} from '../inventory/inventory.js';
import type { ItemKey } from './messages/catalogue.js';
import { renderMessage, selectMessages, type Lang, type Messages } from './messages/index.js';
import { DRIFT_GRACE_DAYS } from '../policy/tolerances.js';
import { countContradictions, type DriftCheck, type DriftFinding } from '../policy/policy-drift.js';

/**
 * Everything the human-readable inventory reports (HTML, Markdown) show: the inventory itself plus what the CLI
 * reads around it. Both formatters are pure `(data, options) => string` over this.
 */
export interface InventoryReportData {
  readonly inventory: Inventory;
  /** `controller:` of the config, as written. */
  readonly controller: string | undefined;
  readonly toolVersion: string;
  /** `hashPolicy(config)`: which retention policy the numbers were computed under. */
  readonly policyHash: string;
  readonly lastPullAt: Date | undefined;
  readonly lastPurgeAt: Date | undefined;
  readonly ageHistogram: AgeHistogram;
  /** Most frequent hosts in the local security events, as received. */
  readonly topHosts: readonly HostCount[];
  /** Optional firewall-event fields the config opts into (`fields:`), kept beside the minimum. */
  readonly keptFields: readonly string[];
  readonly drift: readonly DriftCheck[];
}

export interface AgeSeries {
  readonly locationId: LocationId;
  /** The retention rule as written (`30d`) and its length. */
  readonly retention: string;
  readonly retentionSeconds: number;
  /** Records per whole day of age, 0..days-1, then one count for everything older. */
  readonly counts: readonly number[];
}

export interface AgeHistogram {
  readonly days: number;
  readonly series: readonly AgeSeries[];
}

export interface HostCount {
  readonly host: string;
  readonly count: number;
}

export interface ReportOptions {
  readonly lang?: Lang;
}

export const TOP_COUNTRIES = 10;

/** A location's name for people, e.g. "Security events (our store)". */
export function describeLocation(labels: Messages, id: LocationId): string {
  return isArchiveLocationId(id) ? labels.archiveLocation(id.slice('archive/'.length)) : labels.location[id];
}

const FIELD_ITEMS: Record<string, ItemKey> = {
  clientRequestPath: 'path',
  clientRequestQuery: 'query',
  userAgent: 'userAgent',
  clientRequestHTTPMethodName: 'method',
  edgeResponseStatus: 'status',
  clientASNDescription: 'asName',
};

const ITEMS: Record<FixedLocationId, readonly ItemKey[]> = {
  'local/firewall-events': ['ip', 'country', 'asn', 'host', 'time', 'action', 'rule', 'rayId'],
  'local/http-analytics': ['ip', 'country', 'hour', 'requests'],
  'cloudflare/firewall-events': ['ip', 'country', 'asn', 'host', 'path', 'query', 'userAgent', 'time', 'action', 'rule', 'rayId'],
  'cloudflare/http-analytics': ['ip', 'country', 'hour', 'requests'],
  'cloudflare/access-rules': ['ipOrRange', 'country', 'ruleNote'],
  'cloudflare/list-items': ['ipOrRange', 'comment'],
  'cloudflare/lockdowns': ['ipOrRange'],
  'cloudflare/custom-rules': ['ipOrRange', 'country', 'expression'],
  'cloudflare/logpull': ['requestLog', 'ip', 'country', 'host', 'path', 'userAgent'],
  // Copies of the rows of both local locations, deleted or not.
  'postgres/wal-and-backups': ['ip', 'country', 'asn', 'host', 'time', 'hour', 'requests'],
};
// Logpush files: raw request or security-event lines, ClientIP and ClientCountry among their fields.
const ARCHIVE_ITEMS: readonly ItemKey[] = ['requestLog', 'ip', 'country', 'host', 'path', 'userAgent'];

/** What personal items a location holds; the local events also list the optional fields the config keeps. */
export function selectItems(labels: Messages, location: InventoryLocation, keptFields: readonly string[]): string[] {
  const key = location.id;
  const items = [...(isArchiveLocationId(key) ? ARCHIVE_ITEMS : ITEMS[key])];
  if (key === 'local/firewall-events') {
    for (const field of keptFields) {
      const item = FIELD_ITEMS[field];
      if (item !== undefined && !items.includes(item)) items.push(item);
    }
  }
  return items.map((item) => labels.item[item]);
}

/** A location's notes in the report's language. */
export function selectNotes(labels: Messages, location: InventoryLocation): string[] {
  return location.notes.map((note) => renderMessage(labels, note));
}

/** Who can delete it: us (purged after the retention), or Cloudflare (ages out by a date, no API deletes it). */
export function describeControl(labels: Messages, location: InventoryLocation): string {
  if (location.controlledBy === 'us') return labels.controlledByUsDetail(location.retention);
  return location.expires === undefined ? labels.controlledByCloudflare : labels.controlledByCloudflareUntil(formatMinute(location.expires));
}

/** `2025-03-01 09:30` (UTC), or `-`. */
export function formatMinute(date: Date | undefined): string {
  return date === undefined ? '-' : formatTimestamp(date).slice(0, 16).replace('T', ' ');
}

/** `2025-03-01 00:00:00 UTC`. */
export function formatUtc(date: Date): string {
  return `${formatTimestamp(date).replace('T', ' ').replace('Z', '')} UTC`;
}

/** Korea Standard Time has been UTC+9 all year since 1988 (no daylight saving): `2025-03-01 09:00:00 KST`. */
export function formatKst(date: Date): string {
  const shifted = new Date(date.getTime() + 9 * 3_600_000);
  return `${formatTimestamp(shifted).replace('T', ' ').replace('Z', '')} KST`;
}

export interface CountryChartRow {
  readonly code: string;
  /** The `other` row: every country below the top ones. */
  readonly isOther: boolean;
  /** One count per local location, in the order of `localLocations`. */
  readonly values: readonly number[];
}

/** Our own (local) locations, in inventory order: the ones charts and "records we hold" add up. */
export function selectLocalLocations(inventory: Inventory): InventoryLocation[] {
  return inventory.locations.filter((location) => location.kind === 'local');
}

/** The top countries over the local locations, then one `other` row with the rest (when there is a rest). */
export function buildCountryRows(locations: readonly InventoryLocation[], otherLabel: string, top = TOP_COUNTRIES): CountryChartRow[] {
  const perCode = new Map<string, number[]>();
  locations.forEach((location, i) => {
    for (const { code, count } of location.countries) {
      const values = perCode.get(code) ?? locations.map(() => 0);
      values[i] = (values[i] ?? 0) + count;
      perCode.set(code, values);
    }
  });
  const total = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const sorted = [...perCode].sort(([a, va], [b, vb]) => total(vb) - total(va) || (a < b ? -1 : a > b ? 1 : 0));
  const rows: CountryChartRow[] = sorted.slice(0, top).map(([code, values]) => ({ code, values, isOther: false }));
  const rest = sorted.slice(top);
  if (rest.length > 0) {
    rows.push({ code: otherLabel, values: locations.map((_, i) => rest.reduce((sum, [, values]) => sum + (values[i] ?? 0), 0)), isOther: true });
  }
  return rows;
}

/** A country code for people: Cloudflare's `XX` (unknown) says so. */
export function describeCountry(labels: Messages, code: string): string {
  return code === UNKNOWN_COUNTRY ? `${code} (${labels.unknown})` : code;
}

/** `KR 120, US 30, … and 4 more`. */
export function formatCountryList(labels: Messages, countries: readonly CountryCount[], max = 8): string {
  if (countries.length === 0) return '-';
  const shown = countries.slice(0, max).map(({ code, count }) => `${code} ${count}`);
  const rest = countries.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} ${labels.moreCountries(rest)}` : shown.join(', ');
}

/** One finding of a drift check in words. */
export function describeFinding(labels: Messages, finding: DriftFinding): string {
  switch (finding.kind) {
    case 'logpull_on':
      return labels.logpullOn(finding.zoneName ? `${finding.zoneName} (${finding.zoneId})` : finding.zoneId);
    case 'logpull_off':
      return labels.logpullOff(finding.zoneName ? `${finding.zoneName} (${finding.zoneId})` : finding.zoneId);
    case 'not_available':
      return labels.logsNotAvailable(finding.scope);
    case 'logpush_client_ip': {
      const { job } = finding;
      const name = job.name ? `${job.name} (#${job.id})` : `#${job.id}`;
      const fields = job.fields.filter((field) => /^client/i.test(field)).join(', ') || 'ClientIP';
      return labels.logpushShips(name, job.dataset, job.destination, fields, job.enabled);
    }
    case 'overdue':
      return labels.overdue(describeLocation(labels, finding.locationId), finding.count, finding.retention, DRIFT_GRACE_DAYS);
    case 'purge_never':
      return labels.purgeNever;
    case 'purge_stale':
      return labels.purgeStale(finding.days, formatMinute(finding.lastPurgeAt));
    case 'purge_recent':
      return labels.purgeRecent(finding.days, formatMinute(finding.lastPurgeAt));
    case 'not_read':
      return finding.reason ?? labels.driftUnknownLogs;
  }
}

/** The lines shown under a check: its findings, or the "all is well" sentence for an `ok` check without any. */
export function describeCheck(labels: Messages, check: DriftCheck): string[] {
  const lines = check.findings.map((finding) => describeFinding(labels, finding));
  return check.state === 'ok' ? [labels.driftOk[check.rule], ...lines] : lines;
}

export interface ReportTotals {
  readonly recordsUs: number;
  readonly recordsCloudflare: number;
  readonly pastRetention: number;
  readonly held: number;
  readonly contradictions: number;
}

/** The headline numbers: our records, Cloudflare's, what the next purge deletes, what holds keep, contradictions. */
export function buildTotals(data: InventoryReportData): ReportTotals {
  const locations = data.inventory.locations;
  const add = (pick: (location: InventoryLocation) => number, filter: (location: InventoryLocation) => boolean) =>
    locations.filter(filter).reduce((sum, location) => sum + pick(location), 0);
  return {
    recordsUs: add(
      (l) => l.records,
      (l) => l.kind === 'local',
    ),
    recordsCloudflare: add(
      (l) => l.records,
      (l) => l.kind === 'cloudflare',
    ),
    pastRetention: add(
      (l) => l.pastRetention,
      () => true,
    ),
    held: add(
      (l) => l.held,
      () => true,
    ),
    contradictions: countContradictions(data.drift),
  };
}

export function selectReportLabels(options: ReportOptions): Messages {
  return selectMessages(options.lang ?? 'en');
}
