import type { ObjectPart, ReadState } from '../cloudflare/objects/types.js';
import type { UndeterminedReason } from '../policy/cloudflare-purpose.js';

/**
 * The notes under an inventory location, as message codes with their parameters: the report catalogue
 * (report/messages/en.ts, ko.ts) words each in the report's language, so this module holds no display text.
 */
export type LocationNote =
  // Text that is not ours, shown as it came in every language: an error message and its hint.
  | { readonly code: 'verbatim'; readonly text: string }
  // Our own store.
  | { readonly code: 'local.past_retention'; readonly count: number; readonly retention: string }
  | { readonly code: 'local.held'; readonly count: number }
  | { readonly code: 'local.country_only'; readonly rows: number }
  // Data Cloudflare keeps for its look-back window.
  | { readonly code: 'kept.no_zones' }
  | { readonly code: 'kept.counts_pulled'; readonly dataset: KeptDataset }
  | { readonly code: 'kept.zone_not_configured'; readonly zone: ZoneName; readonly dataset: KeptDataset }
  | { readonly code: 'kept.window_unknown'; readonly zone: ZoneName; readonly isMalformed: boolean }
  | { readonly code: 'kept.ages_out'; readonly zone: ZoneName; readonly windowSeconds: number; readonly from: string; readonly to: string }
  | { readonly code: 'kept.none_inside'; readonly zone: ZoneName; readonly windowSeconds: number; readonly dataset: KeptDataset }
  // Cloudflare objects: how reading them went, and what the purpose rule decided.
  | {
      readonly code: 'objects.read_state';
      readonly scope: ScopeName;
      readonly state: ReadState;
      readonly message: string | undefined;
      readonly plan: string | undefined;
      readonly permission: string | undefined;
    }
  | { readonly code: 'objects.not_judged' }
  | { readonly code: 'objects.served_purpose'; readonly objects: ObjectKind; readonly count: number; readonly retention: string }
  | { readonly code: 'objects.held'; readonly objects: ObjectKind; readonly count: number }
  | { readonly code: 'objects.undetermined'; readonly objects: ObjectKind; readonly count: number }
  | { readonly code: 'objects.kept_undetermined'; readonly count: number; readonly reason: UndeterminedReason }
  | { readonly code: 'objects.reported_not_deleted' }
  | { readonly code: 'access_rules.no_account' }
  | { readonly code: 'access_rules.by_mode'; readonly modes: readonly (readonly [mode: string, count: number])[] }
  | { readonly code: 'access_rules.allow'; readonly count: number }
  | { readonly code: 'list_items.list'; readonly name: string; readonly isManaged: boolean; readonly count: number }
  | { readonly code: 'list_items.no_account' }
  | { readonly code: 'list_items.managed_missing'; readonly name: string }
  | { readonly code: 'lockdowns.count'; readonly rules: number; readonly zones: number }
  | { readonly code: 'custom_rules.naming'; readonly naming: number; readonly total: number }
  | { readonly code: 'custom_rules.negated'; readonly count: number }
  | { readonly code: 'custom_rules.lists'; readonly lists: readonly string[] }
  | { readonly code: 'custom_rules.not_an_address'; readonly ruleId: string; readonly problem: string }
  | { readonly code: 'logpull.retention_on'; readonly zone: ZoneName }
  | { readonly code: 'logpull.retention_off'; readonly zone: ZoneName }
  | {
      readonly code: 'logpush.ships';
      readonly jobId: number | string;
      readonly name: string | undefined;
      readonly dataset: string;
      readonly scope: ScopeName;
      readonly enabled: boolean;
      readonly fields: readonly string[];
      /** Already redacted (cloudflare/redact.ts). */
      readonly destination: string;
    }
  | { readonly code: 'logpush.others'; readonly count: number }
  // Copies the database engine keeps outside the tables (PostgreSQL: WAL, archived WAL, the operator's base backups).
  | { readonly code: 'engine.wal'; readonly walKeepSizeMb: number; readonly maxWalSizeMb: number }
  | { readonly code: 'engine.archive_on'; readonly archiveMode: string }
  | { readonly code: 'engine.archive_off' }
  | { readonly code: 'engine.backups_until'; readonly retention: string; readonly lastPurge: string; readonly until: string }
  | { readonly code: 'engine.backups_no_purge'; readonly retention: string }
  | { readonly code: 'engine.backup_retention_unknown' }
  // --- archives (issue 14): a Logpush archive in our own S3/R2 bucket, counted in objects.
  | { readonly code: 'archive.objects'; readonly where: string; readonly count: number; readonly bytes: number }
  | { readonly code: 'archive.past_retention'; readonly count: number; readonly bytes: number; readonly retention: string }
  | { readonly code: 'archive.time_sources'; readonly name: number; readonly folder: number; readonly modified: number }
  | { readonly code: 'archive.lifecycle'; readonly verdict: 'earlier' | 'same' | 'later'; readonly days: number; readonly retention: string }
  | { readonly code: 'archive.lifecycle_none' }
  | { readonly code: 'archive.lifecycle_unknown'; readonly reason: string; readonly via?: 'cloudflare' }
  | { readonly code: 'archive.written_by'; readonly jobId: number | string; readonly name: string | undefined }
  | { readonly code: 'archive.no_job' }
  | { readonly code: 'archive.failed'; readonly where: string; readonly reason: 'denied' | 'no_bucket' | 'unreachable'; readonly errorCode: string }
  // A versioned bucket: noncurrent versions hold IP addresses too, so keys with data in any version are counted.
  | {
      readonly code: 'archive.versions';
      readonly status: 'enabled' | 'suspended';
      readonly versions: number;
      readonly noncurrent: number;
      readonly deleteMarkers: number;
      readonly hiddenKeys: number;
    }
  | { readonly code: 'archive.versions_unknown'; readonly permission: string; readonly errorCode: string };

/** Which of Cloudflare's kept datasets a note speaks of; the catalogue has its nouns. */
export type KeptDataset = 'cloudflare/firewall-events' | 'cloudflare/http-analytics';

/** The objects a purpose-rule note counts: access rules, or list items (of which only managed ones are deleted). */
export type ObjectKind = 'access_rules' | 'list_items';

/** A zone as notes name it: its name when known, and its id. */
export interface ZoneName {
  readonly type: 'zone';
  readonly id: string;
  readonly name: string | undefined;
}

/** Where a read happened (a zone or an account) and, for log settings, which kind of setting. */
export interface ScopeName {
  readonly where: ZoneName | { readonly type: 'account'; readonly id: string };
  readonly part: ObjectPart;
}
