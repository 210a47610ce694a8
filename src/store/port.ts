import type { AuditEntry, AuditInput, AuditSigner } from '../audit/entry.js';
import type { Hold } from '../policy/holds.js';
import type { LocalLocation } from '../policy/retention.js';
import type { HoldPredicate } from './expiry.js';
import type { FirewallEventRecord, InsertCounts } from './firewall-events.js';
import type { HttpAnalyticsRecord, UpsertCounts } from './http-analytics.js';
import type { PullDataset, PullState } from './pull-state.js';

/**
 * The store port (issue 13): what use cases will call, whichever database holds the data. Async, so one shape
 * covers better-sqlite3 (synchronous underneath) and node-postgres.
 *
 * So far only the PostgreSQL adapter (src/store/postgres/adapter.ts) implements it, and it holds only what that
 * adapter does today; the SQLite adapter and the use cases' move onto it are the wiring still to come.
 */
export interface StorePort {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or migrates the store (`init`); refuses a foreign or newer schema. */
  migrate(): Promise<{ from: number; to: number }>;
  /** Every command but init: the store must be at this tool's schema version. */
  assertMigrated(): Promise<void>;
  /** One run at a time across every host sharing the store; throws LockedError (exit 6) when held. */
  acquireRunLock(command: string, now: Date): Promise<{ release(): Promise<void> }>;
  /** Runs `body` in one transaction: it commits when body resolves, and nothing of it when body throws. */
  transaction<T>(body: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** After a purge's commit: makes deleted rows' space unreadable where the engine allows (VACUUM). */
  reclaimPurged(purges: readonly LocationPurgeOutcome[]): Promise<readonly { partition: string; notYetRemovable: number }[]>;
  close(): Promise<void>;
}

export interface StoreTransaction {
  insertFirewallEvents(rows: readonly FirewallEventRecord[]): Promise<InsertCounts>;
  upsertHttpAnalytics(rows: readonly HttpAnalyticsRecord[]): Promise<UpsertCounts>;
  readPullState(zoneId: string, dataset: PullDataset): Promise<PullState | undefined>;
  writePullState(state: PullState): Promise<void>;
  readHolds(options?: { lockForPurge?: boolean }): Promise<Hold[]>;
  insertHold(hold: Hold): Promise<void>;
  releaseHold(id: string, at: Date, by: string, reason: string): Promise<boolean>;
  deleteExpired(location: LocalLocation['id'], cutoff: Date, isHeld: HoldPredicate): Promise<LocationPurgeOutcome>;
  appendAuditEntry(signer: AuditSigner, input: AuditInput): Promise<AuditEntry>;
  readMeta(key: string): Promise<string | undefined>;
  writeMeta(key: string, value: string): Promise<void>;
}

/** What a purge did at one location, per partition (PostgreSQL) – the method the audit outcome and ledger record. */
export interface LocationPurgeOutcome {
  readonly location: LocalLocation['id'];
  readonly deleted: number;
  readonly held: number;
  readonly partitions: readonly { partition: string; method: 'partition-dropped' | 'rows-deleted'; deleted: number; held: number }[];
}
