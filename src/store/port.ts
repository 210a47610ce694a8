import type { KeyObject } from 'node:crypto';
import type { AuditEntry, AuditHead, AuditInput, AuditSigner } from '../audit/entry.js';
import type { DatasetSummary } from '../inventory/inventory.js';
import type { ObjectActivity } from '../policy/cloudflare-purpose.js';
import type { Hold } from '../policy/holds.js';
import type { LocalLocation } from '../policy/retention.js';
import type { CloudflareEvidence } from './cloudflare-activity.js';
import type { ExpiryCounts, HoldPredicate } from './expiry.js';
import type { FirewallEventRecord, InsertCounts } from './firewall-events.js';
import type { HttpAnalyticsRecord, UpsertCounts } from './http-analytics.js';
import type { EventSlice, EventSpan } from './inventory-queries.js';
import type { WalAndBackupsReading } from './postgres/wal.js';
import type { PullDataset, PullState } from './pull-state.js';
import type { RollUpResult, RollUpSettings } from '../stats/rollup.js';
import type { RollUpMarker, StoredStatsCell } from './stats.js';
import type { SubjectRow, SubjectTable } from './subject-queries.js';
import type { Network } from '../policy/network.js';

/**
 * The store port (issue 13): what use cases call, whichever database holds the data – SQLite in LUXERET_HOME
 * (src/store/sqlite/adapter.ts) or a shared PostgreSQL schema (src/store/postgres/adapter.ts). Async, so one shape
 * covers better-sqlite3 (synchronous underneath) and node-postgres.
 */
export interface StorePort extends StoreSession {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store is, for messages: the SQLite file, or the PostgreSQL server and schema (never a password). */
  readonly description: string;
  /** One run at a time across every host sharing the store; throws LockedError (exit 6) when held. */
  acquireRunLock(command: string, now: Date): Promise<{ release(): Promise<void> }>;
  /**
   * Runs `body` in one write transaction: it commits when body resolves, and nothing of it when body throws. No
   * other writer commits in between (SQLite: BEGIN IMMEDIATE; PostgreSQL: the rows and head it locks).
   */
  transaction<T>(body: (tx: StoreSession) => Promise<T>): Promise<T>;
  /**
   * After a purge's commit: makes deleted rows' space unreadable where the engine allows (SQLite: secure_delete
   * pages back to the file system, WAL truncated; PostgreSQL: VACUUM of the partitions rows were deleted from).
   */
  reclaimPurged(purges: readonly LocationPurgeOutcome[]): Promise<readonly ReclaimedSpace[]>;
  close(): Promise<void>;

  // --- what the engine keeps beyond the tool's reach (inventory)
  /**
   * What the engine keeps of deleted rows beyond the tool's reach, for inventory's `postgres/wal-and-backups`:
   * PostgreSQL's WAL and archiving settings; undefined on SQLite (its WAL is truncated by the purge itself).
   */
  readEngineCopies(): Promise<WalAndBackupsReading | undefined>;

  // --- pull
  /**
   * Before a pull stores rows dated [fromSeconds, toSeconds], in a transaction of its own: PostgreSQL creates the
   * day partitions ahead (so no page transaction runs DDL); SQLite has nothing to do.
   */
  prepareIngest(dataset: PullDataset, fromSeconds: number, toSeconds: number): Promise<void>;
}

/** What reads and writes the data; inside `transaction`, every call is part of it. */
export interface StoreSession {
  // --- meta (small key/value facts: last purge, zone settings, genesis marker)
  readMeta(key: string): Promise<string | undefined>;
  writeMeta(key: string, value: string): Promise<void>;

  // --- holds (shared by every host)
  readHolds(): Promise<Hold[]>;
  insertHold(hold: Hold): Promise<void>;
  /** False when there is no such unreleased hold. */
  releaseHold(id: string, at: Date, by: string, reason: string): Promise<boolean>;

  // --- pull
  readPullState(zoneId: string, dataset: PullDataset): Promise<PullState | undefined>;
  readAllPullStates(): Promise<PullState[]>;
  writePullState(state: PullState): Promise<void>;
  insertFirewallEvents(rows: readonly FirewallEventRecord[]): Promise<InsertCounts>;
  upsertHttpAnalytics(rows: readonly HttpAnalyticsRecord[]): Promise<UpsertCounts>;
  countFirewallEvents(zoneId?: string): Promise<number>;
  readNewestEventTime(): Promise<Date | undefined>;
  /** Natural keys of a zone's events (tests and the multi-host comparison). */
  listFirewallEventKeys(zoneId: string): Promise<string[]>;
  listHttpAnalytics(zoneId: string): Promise<HttpAnalyticsRecord[]>;

  // --- retention
  countExpired(location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate, zoneId?: string): Promise<ExpiryCounts>;
  countLocationRows(location: LocalLocation['id']): Promise<number>;
  /** Deletes the rows older than the cut-off that no hold covers, the way this engine does it (the outcome says how). */
  deleteExpired(location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate): Promise<LocationPurgeOutcome>;

  // --- inventory
  readFirewallEventsSummary(filter?: { zoneId?: string | undefined }): Promise<DatasetSummary>;
  readHttpAnalyticsSummary(filter?: { zoneId?: string | undefined }): Promise<DatasetSummary & { readonly requests: number; readonly countryOnlyRows: number }>;
  readEventsInWindows(
    slices: readonly EventSlice[],
    options?: { zoneId?: string | undefined; table?: 'firewall_events' | 'http_analytics'; readWhole?: () => Promise<DatasetSummary> },
  ): Promise<{ summary: DatasetSummary; perZone: ReadonlyMap<string, EventSpan> }>;
  readPulledZoneIds(): Promise<string[]>;
  readAgeHistogram(location: LocalLocation['id'], now: Date, days: number, filter?: { zoneId?: string }): Promise<number[]>;
  readTopHosts(limit: number, filter?: { zoneId?: string }): Promise<{ host: string; count: number }[]>;

  // --- audit log (one chain, shared by every host)
  /** Appends one signed entry and re-signs the head; the first append writes the genesis entry. */
  appendAuditEntry(signer: AuditSigner, input: AuditInput): Promise<AuditEntry>;
  /** Writes the genesis entry if the log has none yet; returns it when written now. */
  ensureAuditGenesis(signer: AuditSigner, command: string): Promise<AuditEntry | undefined>;
  appendKeyRotation(signer: AuditSigner, newPrivateKey: KeyObject, reason: string): Promise<AuditEntry>;
  readKeyInForce(): Promise<string | undefined>;
  readAuditEntries(options?: { since?: Date }): Promise<AuditEntry[]>;
  /**
   * What the purge's reconciles need instead of the whole log: the entries of runs still open (a run whose last
   * entry other than progress is an intent: that intent and the progress entries after it), ordered by seq.
   * selectOpenIntents and selectProgressOf decide on these as they would on every entry.
   */
  readOpenRunEntries(): Promise<AuditEntry[]>;
  /**
   * What the reclaim check needs instead of the whole log: the local purge outcomes that deleted rows and that no
   * later `purge.reclaimed` covered (their own run's, or one naming their run among its earlier runs), ordered by
   * seq. selectUnreclaimedRuns decides on these as it would on every entry.
   */
  readUnreclaimedEntries(): Promise<AuditEntry[]>;
  /** The stored entries exactly as written (canonical JSON), ordered by seq. */
  readAuditLines(): Promise<string[]>;
  readAuditHead(): Promise<AuditHead | undefined>;
  readAuditHeadText(): Promise<string | undefined>;
  writeAuditTimestamp(count: number, line: string): Promise<void>;
  readAuditTimestampLines(): Promise<string[]>;

  // --- the Cloudflare purpose rule's evidence (inventory, purge)
  /** What the purpose rule judges Cloudflare objects by: stored activity, the held events' groups, zone evidence. */
  readCloudflareEvidence(): Promise<CloudflareEvidence>;
  // --- audit (per-host keys): the fingerprints of every key the log has in force, oldest first
  readAuditKeysInForce(): Promise<string[]>;
  /**
   * The log as one consistent snapshot (entries as written, head text, time stamp lines), even while another
   * host appends: what `audit verify` and `audit export` read.
   */
  readAuditExport(): Promise<{ entries: string[]; head: string | undefined; timestamps: string[] }>;

  // --- subject, stats (subject show/erase, stats)
  /** The rows whose client IP falls in the network (IPv4-mapped IPv6 included); a scan, for an on-demand request. */
  selectSubjectRows(location: SubjectTable, network: Network): Promise<SubjectRow[]>;
  /**
   * Deletes the given rows (from selectSubjectRows in the same run) and takes them off any per-day counts. The
   * outcome says how many went and where (PostgreSQL: per day partition, for reclaimPurged after the commit).
   */
  deleteSubjectRows(location: SubjectTable, rows: readonly SubjectRow[]): Promise<LocationPurgeOutcome>;
  /**
   * Before a subject erasure deletes these rows: rolls up the whole days (per zone) they belong to that are complete
   * in the store and not rolled up yet (src/stats/rollup.ts rollUpBeforeErase). Call it inside the erasure's transaction.
   */
  rollUpBeforeErase(
    settings: RollUpSettings,
    rows: readonly { readonly location: SubjectTable; readonly rows: readonly SubjectRow[] }[],
  ): Promise<RollUpResult>;
  /** Stored statistics cells with fromDay <= day < toDay (unix seconds), ordered by day, dataset, zone, country. */
  readStatsCells(range?: { fromDay?: number; toDay?: number }): Promise<StoredStatsCell[]>;
  /** Roll-up markers with fromDay <= day < toDay, ordered by day, dataset, zone. */
  readRollUpMarkers(range?: { fromDay?: number; toDay?: number }): Promise<RollUpMarker[]>;

  // --- purge (the statistics of what a purge deletes; the Cloudflare purpose rule's evidence it keeps)
  /**
   * Inside a purge's transaction, before deleteExpired at `location`: rolls up every (UTC day, zone) holding a row
   * older than the cut-off and not rolled up yet, from all of that day's rows; finish() (before the commit) writes
   * the statistics into the transaction. SQLite counts on a second connection while the rows go; PostgreSQL counts
   * in the transaction itself, before the deletion.
   */
  rollUpBeforePurge(settings: RollUpSettings, location: LocalLocation['id'], cutoff: Date): Promise<PendingPurgeRollUp>;
  /** Upserts per-object activity (by Cloudflare id, never an IP); inside the transaction that deletes the events it was folded from. */
  writeObjectActivity(records: readonly ObjectActivity[], at: Date): Promise<number>;
  deleteObjectActivity(objectIds: readonly string[]): Promise<void>;
  readActivityIds(): Promise<string[]>;
  /** Records that firewall events before `cutoff` are gone; in the transaction that deletes them. */
  recordEventsPurgedBefore(cutoff: Date): Promise<void>;
}

/** A purge's roll-up under way (see StoreSession.rollUpBeforePurge). */
export interface PendingPurgeRollUp {
  finish(): Promise<RollUpResult>;
}

/** What a purge did at one location; PostgreSQL adds what it did per day partition (the method audit and ledger record). */
export interface LocationPurgeOutcome {
  readonly location: LocalLocation['id'];
  readonly deleted: number;
  readonly held: number;
  readonly partitions: readonly PartitionPurge[];
}

export interface PartitionPurge {
  readonly partition: string;
  readonly method: 'partition-dropped' | 'rows-deleted';
  readonly deleted: number;
  /** Past retention but kept by a hold. */
  readonly held: number;
}

/** One place whose freed space was reclaimed after a purge; rows an older transaction could still see are left. */
export interface ReclaimedSpace {
  readonly partition: string;
  readonly notYetRemovable: number;
}
