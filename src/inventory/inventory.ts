import { LuxeretError } from '../errors.js';
import type { LocationNote } from './notes.js';

/**
 * `engine`: copies the database engine keeps outside the tables (PostgreSQL's WAL and the operator's backups);
 * `archive`: a Logpush archive in the company's own S3 or R2 bucket (`archives:` of the config).
 */
export type LocationKind = 'local' | 'engine' | 'cloudflare' | 'archive';
/** `not_available`: the zone's plan lacks the feature; `not_readable`: the token lacks a permission. */
export type LocationStatus = 'ok' | 'not_available' | 'not_readable' | 'error';
export type ControlledBy = 'us' | 'cloudflare';

export interface CountryCount {
  readonly code: string;
  readonly count: number;
}

/** What the store says about one set of rows: the raw material of a location. */
export interface DatasetSummary {
  readonly records: number;
  readonly distinctIps: number;
  /** Any order; duplicates are summed. */
  readonly countries: readonly CountryCount[];
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
}

/** One zone's share of the data Cloudflare keeps and ages out by itself. */
export interface CloudflareZoneWindow {
  readonly zoneId: string;
  readonly name: string | undefined;
  /** Cloudflare's look-back window (`notOlderThan`), undefined until a pull has learnt it. */
  readonly windowSeconds: number | undefined;
  /** Events we pulled that are still inside the window; undefined when the window is unknown. */
  readonly records: number | undefined;
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** When the newest copy we know of ages out of Cloudflare. */
  readonly expires: Date | undefined;
}

/** Every place the inventory reports; label maps are keyed by this union, so a new id without a label fails to compile. */
export const LOCATION_IDS = [
  'local/firewall-events',
  'local/http-analytics',
  'cloudflare/firewall-events',
  'cloudflare/http-analytics',
  'cloudflare/access-rules',
  'cloudflare/list-items',
  'cloudflare/lockdowns',
  'cloudflare/custom-rules',
  'cloudflare/logpull',
  'postgres/wal-and-backups',
] as const;
/** The locations every inventory may have; the label maps are keyed by these. */
export type FixedLocationId = (typeof LOCATION_IDS)[number];
/** One per configured Logpush archive, named by the config (`archive/<name>`); labelled by a function of the name. */
export type ArchiveLocationId = `archive/${string}`;
export type LocationId = FixedLocationId | ArchiveLocationId;

/** Whether an id is an archive's (`archive/<name>`) rather than one of the fixed locations. */
export function isArchiveLocationId(id: LocationId): id is ArchiveLocationId {
  return id.startsWith('archive/');
}

/** One place that holds visitor IPs or countries. */
export interface InventoryLocation {
  readonly id: LocationId;
  readonly kind: LocationKind;
  readonly records: number;
  readonly distinctIps: number;
  /** Sorted by count (descending), then code. */
  readonly countries: readonly CountryCount[];
  readonly oldest: Date | undefined;
  readonly newest: Date | undefined;
  /** What a purge would delete now. */
  readonly pastRetention: number;
  /** Past retention but kept by an active legal hold. */
  readonly held: number;
  /** The retention rule or Cloudflare's window, as written (`30d`); undefined when unknown. */
  readonly retention: string | undefined;
  readonly controlledBy: ControlledBy;
  /** For data someone else ages out: when the last copy we know of is gone. */
  readonly expires: Date | undefined;
  readonly status: LocationStatus;
  /** Message codes: the report catalogue words them in the report's language. */
  readonly notes: readonly LocationNote[];
  // Location-specific extras; each formatter lists them in a fixed order after the common fields.
  /** local/http-analytics: total requests counted in the rows. */
  readonly requests?: number;
  /** cloudflare/firewall-events: per-zone windows. */
  readonly zones?: readonly CloudflareZoneWindow[];
  // --- archives (issue 14)
  /** archive/<name>: the objects' total size. */
  readonly bytes?: number;
  /** archive/<name>: bytes past retention, where the data times came from, the bucket's own expiry. */
  readonly archive?: ArchiveDetail;
}

/** What an archive location adds: `records`, `pastRetention` and `held` count objects there. */
export interface ArchiveDetail {
  readonly url: string;
  readonly pastRetentionBytes: number;
  readonly timeSources: { readonly name: number; readonly folder: number; readonly modified: number };
  /** How the bucket's lifecycle expiry compares with our retention: earlier, same, later, none, or unknown. */
  readonly lifecycle: 'earlier' | 'same' | 'later' | 'none' | 'unknown';
  readonly lifecycleDays: number | undefined;
  /** Logpush jobs whose destination is this bucket and prefix (when Cloudflare was read). */
  readonly logpushJobs: readonly (number | string)[];
  /** A versioned bucket: its versions (current and noncurrent, with data) and delete markers under the prefix. */
  readonly versions?: { readonly status: 'enabled' | 'suspended'; readonly versions: number; readonly noncurrent: number; readonly deleteMarkers: number };
}

export interface Inventory {
  readonly generatedAt: Date;
  readonly locations: readonly InventoryLocation[];
}

/** Produces one location; may read the store or call Cloudflare, so it is handed in by the CLI. */
export interface LocationBuilder {
  readonly id: LocationId;
  readonly kind: LocationKind;
  build(): InventoryLocation | Promise<InventoryLocation>;
}

/** Cloudflare's own code for "country unknown"; the store keeps '' when an event had none. */
export const UNKNOWN_COUNTRY = 'XX';

const KIND_ORDER: Record<LocationKind, number> = { local: 0, engine: 1, cloudflare: 2, archive: 3 };

/** Puts the locations in their stable order (local first, then by id) under one generation time. */
export function buildInventory(generatedAt: Date, locations: readonly InventoryLocation[]): Inventory {
  const sorted = [...locations].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.id, b.id));
  return { generatedAt, locations: sorted };
}

/**
 * Runs every builder; a location that fails with a known error (an API or store problem) becomes an `error` row so
 * the rest of the inventory still completes. Bugs are not hidden: anything else is rethrown.
 */
export async function collectInventory(builders: readonly LocationBuilder[], generatedAt: Date): Promise<{ inventory: Inventory; failed: number }> {
  let failed = 0;
  const locations: InventoryLocation[] = [];
  for (const builder of builders) {
    try {
      locations.push(await builder.build());
    } catch (err) {
      if (!(err instanceof LuxeretError)) throw err;
      failed += 1;
      const notes = [err.message, ...(err.hint ? [err.hint] : [])].map((text): LocationNote => ({ code: 'verbatim', text }));
      locations.push(buildEmptyLocation(builder.id, builder.kind, 'error', notes));
    }
  }
  return { inventory: buildInventory(generatedAt, locations), failed };
}

/** A location with nothing counted: for features the plan lacks, permissions the token lacks, or failures. */
export function buildEmptyLocation(id: LocationId, kind: LocationKind, status: LocationStatus, notes: readonly LocationNote[]): InventoryLocation {
  return {
    id,
    kind,
    records: 0,
    distinctIps: 0,
    countries: [],
    oldest: undefined,
    newest: undefined,
    pastRetention: 0,
    held: 0,
    retention: undefined,
    controlledBy: kind === 'cloudflare' ? 'cloudflare' : 'us',
    expires: undefined,
    status,
    notes,
  };
}

/** Merges duplicate codes ('' counts as unknown) and sorts by count descending, then code. */
export function sortCountries(countries: readonly CountryCount[]): CountryCount[] {
  const totals = new Map<string, number>();
  for (const { code, count } of countries) {
    const key = code.trim() === '' ? UNKNOWN_COUNTRY : code;
    totals.set(key, (totals.get(key) ?? 0) + count);
  }
  return [...totals]
    .filter(([, count]) => count > 0)
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || compareText(a.code, b.code));
}

/** Writes a window or retention in seconds the way the config does: `31d`, `36h`, `90m`, `45s`. */
export function formatWindow(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

// Code-point order, independent of the machine's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO-8601 UTC to the second (the store keeps whole seconds): `2025-03-01T00:00:00Z`. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
