import { isLang, LANGS, type Lang } from '../report/messages/index.js';
import { readArchives, type ArchiveConfig } from './archives.js';
import { parseByteSize, type ByteSize } from './byte-size.js';
import { parseDuration, type Duration } from './duration.js';
import { readStoreConfig, type StoreConfig } from './store.js';

export interface ZoneConfig {
  readonly id: string;
  readonly name: string | undefined;
}

export interface RetentionConfig {
  readonly firewallEvents: Duration;
  readonly httpAnalytics: Duration;
  readonly accessRules: Duration;
  readonly listItems: Duration;
}

/** The validated configuration file: what is held, for how long, and how carefully it is deleted. */
export interface Config {
  readonly accountId: string | undefined;
  readonly controller: string | undefined;
  readonly zones: readonly ZoneConfig[];
  readonly retention: RetentionConfig;
  readonly managedLists: readonly string[];
  readonly statistics: { readonly minCount: number };
  readonly safety: {
    readonly maxDeletes: number;
    /** How many bytes of archive objects one purge (or `subject show --scan-archives`) may read to scan their lines. */
    readonly archiveScanBudget: ByteSize;
  };
  /** How much of the already-covered range every pull re-reads for rows that arrived late (config `pull.overlap`). */
  readonly pull: { readonly overlap: Duration };
  /** Extra firewall-event fields to keep beyond the minimum (paths, queries, user agents). */
  readonly fields: readonly string[];
  readonly secureDelete: boolean;
  /** IANA zone for time options written without `Z` or an offset (`timezone:`; default UTC). */
  readonly timeZone: string;
  /** Language of the human-readable reports and the ledger (`lang:`); undefined: decided by the CLI (cli/lang.ts). */
  readonly lang: Lang | undefined;
  readonly audit: AuditConfig;
  /** A PostgreSQL store (`store:`, `store_schema:`); selectStore() adds LUXERET_DATABASE_URL. */
  readonly store: StoreConfig;
  /**
   * How long the operator keeps base backups of the PostgreSQL store (`backup_retention:`): deleted rows live on in
   * them that long; undefined when not stated. Inventory's `postgres/wal-and-backups` location says so.
   */
  readonly backupRetention: Duration | undefined;
  /** Logpush archives in S3 or R2 (`archives:`), reported by inventory as `archive/<name>`. */
  readonly archives: readonly ArchiveConfig[];
  // --- metrics (issue 15)
  /** `metrics.file`: where pull, purge and inventory write Prometheus text after each run (`--metrics-file` wins). */
  readonly metrics: { readonly file: string | undefined };
}

/** Where signed audit heads go beyond this machine (docs/audit.md, "Lodging the head"). */
export interface AuditConfig {
  /** A shell command that gets each new signed head line on stdin after every run that appended. */
  readonly lodgeCommand: string | undefined;
  /** An RFC 3161 time-stamping authority: each lodged head also gets a token from it. */
  readonly timestampUrl: string | undefined;
  /** PEM file of the TSA's certificate, which `audit verify` checks tokens against. */
  readonly tsaCertificate: string | undefined;
}

/** Firewall-event fields that may be opted into with `fields:`; the minimum set is always kept. */
export const OPTIONAL_FIREWALL_FIELDS = [
  'clientRequestPath',
  'clientRequestQuery',
  'userAgent',
  'clientRequestHTTPMethodName',
  'edgeResponseStatus',
  'clientASNDescription',
] as const;

const HEX32 = /^[0-9a-f]{32}$/;
const KNOWN_KEYS = [
  'account_id',
  'controller',
  'zones',
  'retention',
  'managed_lists',
  'statistics',
  'safety',
  'fields',
  'secure_delete',
  'pull',
  'timezone',
  'lang',
  'audit',
  'store',
  'store_schema',
  'backup_retention',
  'archives',
  'metrics',
];
const RETENTION_KEYS = ['firewall_events', 'http_analytics', 'access_rules', 'list_items'] as const;
const DEFAULT_RETENTION = '30d';
const DEFAULT_OBJECT_RETENTION = '90d';
/** A gigabyte of Logpush objects a run: minutes of reading, not hours, and the cost of a GET per object. */
const DEFAULT_ARCHIVE_SCAN_BUDGET = '1GB';
/**
 * Cloudflare publishes no ingestion delay. Field reports (G10): data is partial "if you query for 3 minutes ago", and
 * an exporter moved its "now" back 5 minutes to be safe. Twice the larger figure leaves room for a slow day; the
 * cost is re-reading 10 minutes of rows per pull, and purge evidence trailing the pull by 10 minutes.
 */
export const DEFAULT_PULL_OVERLAP = '10m';
/** A longer overlap would re-read more than a day per pull and hold back the purge evidence as long. */
const MAX_PULL_OVERLAP_MS = 86_400_000;

type Problems = string[];

/** Validates a parsed YAML document; returns the Config or every problem found, each naming its key path. */
export function buildConfig(raw: unknown): { config: Config; problems: [] } | { config: undefined; problems: string[] } {
  const problems: Problems = [];
  const doc = isRecord(raw) ? raw : raw == null ? {} : (problems.push('(top level): must be a mapping of keys'), {});
  for (const key of Object.keys(doc)) {
    if (!KNOWN_KEYS.includes(key)) problems.push(`${key}: unknown key (known: ${KNOWN_KEYS.join(', ')})`);
  }

  const accountId = optionalString(doc, 'account_id', problems);
  if (accountId !== undefined && !HEX32.test(accountId)) problems.push(`account_id: "${accountId}" is not a 32-character hex id`);
  const controller = optionalString(doc, 'controller', problems);
  const zones = readZones(doc['zones'], problems);
  const retention = readRetention(doc['retention'], problems);
  const managedLists = readStringList(doc['managed_lists'], 'managed_lists', problems);
  const minCount = readPositiveInt(section(doc, 'statistics', problems)['min_count'], 'statistics.min_count', 10, problems);
  const safety = section(doc, 'safety', problems);
  const maxDeletes = readPositiveInt(safety['max_deletes'], 'safety.max_deletes', 500, problems);
  const archiveScanBudget = readByteSize(safety['archive_scan_budget'], 'safety.archive_scan_budget', DEFAULT_ARCHIVE_SCAN_BUDGET, problems);
  const overlap = readPullOverlap(section(doc, 'pull', problems), problems);
  const fields = readStringList(doc['fields'], 'fields', problems);
  fields.forEach((field, i) => {
    if (!(OPTIONAL_FIREWALL_FIELDS as readonly string[]).includes(field)) {
      problems.push(`fields[${i}]: "${field}" is not an optional firewall-event field (known: ${OPTIONAL_FIREWALL_FIELDS.join(', ')})`);
    }
  });
  const secureDelete = doc['secure_delete'] ?? true;
  if (typeof secureDelete !== 'boolean') problems.push(`secure_delete: must be true or false`);
  const timeZone = optionalString(doc, 'timezone', problems) ?? 'UTC';
  if (!isTimeZone(timeZone)) problems.push(`timezone: "${timeZone}" is not an IANA time zone (for example UTC or Asia/Seoul)`);
  const lang = doc['lang'] ?? undefined;
  if (lang !== undefined && !isLang(lang)) problems.push(`lang: ${JSON.stringify(lang)} is not a language of the reports (use ${LANGS.join(' or ')})`);
  const audit = readAuditConfig(section(doc, 'audit', problems), problems);
  const store = readStoreConfig(doc, problems);
  const backupRetention = readBackupRetention(doc['backup_retention'], problems);
  const archives = readArchives(doc['archives'], retention?.firewallEvents, problems);
  const metrics = readMetricsConfig(section(doc, 'metrics', problems), problems);

  if (problems.length > 0 || retention === undefined || overlap === undefined) return { config: undefined, problems };
  return {
    config: {
      accountId,
      controller,
      zones,
      retention,
      managedLists,
      statistics: { minCount },
      safety: { maxDeletes, archiveScanBudget },
      pull: { overlap },
      fields,
      secureDelete: secureDelete === true,
      timeZone,
      lang: isLang(lang) ? lang : undefined,
      audit,
      store,
      backupRetention,
      archives,
      metrics,
    },
    problems: [],
  };
}

function readZones(raw: unknown, problems: Problems): ZoneConfig[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push('zones: must be a list of {id, name}');
    return [];
  }
  return raw.flatMap((zone: unknown, i): ZoneConfig[] => {
    const path = `zones[${i}]`;
    if (typeof zone === 'string') zone = { id: zone };
    if (!isRecord(zone)) {
      problems.push(`${path}: must be a mapping with an id`);
      return [];
    }
    const id = zone['id'];
    if (typeof id !== 'string' || !HEX32.test(id)) {
      problems.push(`${path}.id: ${id === undefined ? 'is missing' : `${JSON.stringify(id)} is not a 32-character hex zone id`}`);
      return [];
    }
    const name = zone['name'];
    if (name !== undefined && typeof name !== 'string') problems.push(`${path}.name: must be a string`);
    return [{ id, name: typeof name === 'string' ? name : undefined }];
  });
}

function readRetention(raw: unknown, problems: Problems): RetentionConfig | undefined {
  const doc = raw === undefined ? {} : isRecord(raw) ? raw : (problems.push('retention: must be a mapping'), {});
  for (const key of Object.keys(doc)) {
    if (!(RETENTION_KEYS as readonly string[]).includes(key)) problems.push(`retention.${key}: unknown key (known: ${RETENTION_KEYS.join(', ')})`);
  }
  const read = (key: (typeof RETENTION_KEYS)[number], fallback: string): Duration | undefined => {
    const value = doc[key] ?? fallback;
    const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
    if (parsed === undefined || parsed.ms <= 0) {
      problems.push(`retention.${key}: ${JSON.stringify(value)} is not a duration of at most 100 years (use 30d, 12h, 45m, 90s or ISO-8601 like P30D)`);
    }
    return parsed;
  };
  const firewallEvents = read('firewall_events', DEFAULT_RETENTION);
  const httpAnalytics = read('http_analytics', DEFAULT_RETENTION);
  const accessRules = read('access_rules', DEFAULT_OBJECT_RETENTION);
  const listItems = read('list_items', DEFAULT_OBJECT_RETENTION);
  if (!firewallEvents || !httpAnalytics || !accessRules || !listItems) return undefined;
  return { firewallEvents, httpAnalytics, accessRules, listItems };
}

function readPullOverlap(doc: Record<string, unknown>, problems: Problems): Duration | undefined {
  for (const key of Object.keys(doc)) if (key !== 'overlap') problems.push(`pull.${key}: unknown key (known: overlap)`);
  const value = doc['overlap'] ?? DEFAULT_PULL_OVERLAP;
  const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
  if (parsed === undefined || parsed.ms > MAX_PULL_OVERLAP_MS) {
    problems.push(
      `pull.overlap: ${JSON.stringify(value)} is not a duration of at most 1d (use 10m, 15m, 90s or ISO-8601 like PT10M; 0s turns the re-read off)`,
    );
    return undefined;
  }
  return parsed;
}

function readBackupRetention(value: unknown, problems: Problems): Duration | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
  if (parsed === undefined)
    problems.push(`backup_retention: ${JSON.stringify(value)} is not a duration of at most 100 years (use 14d, 12h or ISO-8601 like P2W)`);
  return parsed;
}

function section(doc: Record<string, unknown>, key: string, problems: Problems): Record<string, unknown> {
  const value = doc[key];
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  problems.push(`${key}: must be a mapping`);
  return {};
}

function readStringList(raw: unknown, path: string, problems: Problems): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) {
    problems.push(`${path}: must be a list of strings`);
    return [];
  }
  return raw as string[];
}

function readPositiveInt(raw: unknown, path: string, fallback: number, problems: Problems): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    problems.push(`${path}: ${JSON.stringify(raw)} is not a whole number of 0 or more`);
    return fallback;
  }
  return raw;
}

function readByteSize(raw: unknown, path: string, fallback: string, problems: Problems): ByteSize {
  const parsed = parseByteSize(raw ?? fallback);
  if (parsed === undefined) {
    problems.push(`${path}: ${JSON.stringify(raw)} is not a size (a whole number of bytes, or decimal units like 500MB or 2GB)`);
    return parseByteSize(fallback)!;
  }
  return parsed;
}

const AUDIT_KEYS = ['lodge_command', 'timestamp_url', 'tsa_certificate'];

function readMetricsConfig(doc: Record<string, unknown>, problems: Problems): Config['metrics'] {
  for (const key of Object.keys(doc)) if (key !== 'file') problems.push(`metrics.${key}: unknown key (known: file)`);
  const file = optionalString(doc, 'file', problems, 'metrics.');
  if (file !== undefined && file.trim() === '') problems.push('metrics.file: must not be empty');
  return { file };
}

function readAuditConfig(doc: Record<string, unknown>, problems: Problems): AuditConfig {
  for (const key of Object.keys(doc)) if (!AUDIT_KEYS.includes(key)) problems.push(`audit.${key}: unknown key (known: ${AUDIT_KEYS.join(', ')})`);
  const lodgeCommand = optionalString(doc, 'lodge_command', problems, 'audit.');
  if (lodgeCommand !== undefined && lodgeCommand.trim() === '') problems.push('audit.lodge_command: must not be empty');
  const timestampUrl = optionalString(doc, 'timestamp_url', problems, 'audit.');
  if (timestampUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(timestampUrl)) problems.push(`audit.timestamp_url: "${timestampUrl}" is not an http(s) URL`);
  const tsaCertificate = optionalString(doc, 'tsa_certificate', problems, 'audit.');
  if (timestampUrl !== undefined && tsaCertificate === undefined)
    problems.push('audit.tsa_certificate: needed with audit.timestamp_url (the PEM certificate tokens are checked against)');
  if (timestampUrl !== undefined && lodgeCommand === undefined)
    problems.push('audit.timestamp_url: needs audit.lodge_command (a token is taken for each lodged head)');
  return { lodgeCommand, timestampUrl, tsaCertificate };
}

function optionalString(doc: Record<string, unknown>, key: string, problems: Problems, prefix = ''): string | undefined {
  const value = doc[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${prefix}${key}: must be a string`);
    return undefined;
  }
  return value;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
