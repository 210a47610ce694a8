import {
  appendAuditEntry,
  appendKeyRotation,
  ensureAuditGenesis,
  readAuditEntries,
  readAuditHead,
  readAuditHeadText,
  readAuditKeysInForce,
  readAuditLines,
  readAuditTimestampLines,
  readKeyInForce,
  readOpenRunEntries,
  readUnreclaimedEntries,
  writeAuditTimestamp,
} from '../../audit/log.js';
import type { DatasetSummary } from '../../inventory/inventory.js';
import { readCloudflareEvidence } from '../cloudflare-activity.js';
import { readMeta, reclaimDeletedSpace, writeMeta, type Db } from '../db.js';
import { countExpired, countLocationRows, deleteExpired } from '../expiry.js';
import { countFirewallEvents, createFirewallEventWriter, listFirewallEventKeys, readNewestEventTime } from '../firewall-events.js';
import { insertHold, readHolds, releaseHold } from '../holds.js';
import { createHttpAnalyticsWriter, listHttpAnalytics } from '../http-analytics.js';
import { readFirewallEventsInWindows, readFirewallEventsSummary, readHttpAnalyticsSummary, readPulledZoneIds } from '../inventory-queries.js';
import { acquireLock } from '../lock.js';
import type { StorePort, StoreSession } from '../port.js';
import { readAllPullStates, readPullState, writePullState } from '../pull-state.js';
import { readAgeHistogram, readTopHosts } from '../report-queries.js';
import { buildNetworkMatcher } from '../../policy/network.js';
import { rollUpBeforeErase } from '../../stats/rollup.js';
import { readRollUpMarkers, readStatsCells } from '../stats.js';
import { deleteRowsById, selectSubjectRows } from '../subject-queries.js';
import { startRollUpBeforePurge } from '../../stats/rollup.js';
import { deleteObjectActivity, readActivityIds, recordEventsPurgedBefore, writeObjectActivity } from '../cloudflare-activity.js';

export interface SqliteStoreOptions {
  /** The file path, for messages. */
  readonly path: string;
  /** The run lock file in LUXERET_HOME (one host: the lock is a file, a crashed holder's is taken over). */
  readonly lockPath: string;
  /** Told when the lock of a run whose process is gone was taken over. */
  readonly onTakeOver?: (stale: { command: string; pid: number; started_at: string }) => void;
}

/**
 * The SQLite adapter of the store port: the synchronous functions of src/store/, bound to one open better-sqlite3
 * connection. A transaction is BEGIN IMMEDIATE … COMMIT around the async body; transactions of one process are
 * queued, since they share the one connection.
 */
export function createSqliteStorePort(db: Db, options: SqliteStoreOptions): StorePort {
  let queue: Promise<unknown> = Promise.resolve();
  const session = bindSession(db);
  return {
    kind: 'sqlite',
    description: options.path,
    ...session,
    acquireRunLock: (command, now) =>
      later(() => {
        const lock = acquireLock(options.lockPath, command, now);
        if (lock.tookOverFrom) options.onTakeOver?.(lock.tookOverFrom);
        return { release: () => later(() => lock.release()) };
      }),
    transaction: <T>(body: (tx: StoreSession) => Promise<T>): Promise<T> => {
      const run = queue.then(() => runTransaction(db, session, body));
      queue = run.catch(() => undefined);
      return run;
    },
    reclaimPurged: () => later(() => (reclaimDeletedSpace(db), [])),
    close: () => later(() => void db.close()),

    // --- inventory
    readEngineCopies: () => Promise.resolve(undefined),

    // --- pull
    prepareIngest: () => Promise.resolve(),
  };
}

async function runTransaction<T>(db: Db, session: StoreSession, body: (tx: StoreSession) => Promise<T>): Promise<T> {
  // IMMEDIATE: the write lock is taken first, so no other process commits between this body's reads and writes.
  db.prepare('BEGIN IMMEDIATE').run();
  try {
    const result = await body(session);
    db.prepare('COMMIT').run();
    return result;
  } catch (err) {
    if (db.inTransaction) db.prepare('ROLLBACK').run();
    throw err;
  }
}

/** Runs synchronous store code as a promise: a throw becomes a rejection, as with an async adapter. */
function later<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function bindSession(db: Db): StoreSession {
  const firewallWriter = createFirewallEventWriter(db);
  const httpWriter = createHttpAnalyticsWriter(db);
  return {
    readMeta: (key) => later(() => readMeta(db, key)),
    writeMeta: (key, value) => later(() => writeMeta(db, key, value)),

    readHolds: () => later(() => readHolds(db)),
    insertHold: (hold) => later(() => insertHold(db, hold)),
    releaseHold: (id, at, by, reason) => later(() => releaseHold(db, id, at, by, reason)),

    readPullState: (zoneId, dataset) => later(() => readPullState(db, zoneId, dataset)),
    readAllPullStates: () => later(() => readAllPullStates(db)),
    writePullState: (state) => later(() => writePullState(db, state)),
    insertFirewallEvents: (rows) => later(() => firewallWriter.insert(rows)),
    upsertHttpAnalytics: (rows) => later(() => httpWriter.upsert(rows)),
    countFirewallEvents: (zoneId) => later(() => countFirewallEvents(db, zoneId)),
    readNewestEventTime: () => later(() => readNewestEventTime(db)),
    listFirewallEventKeys: (zoneId) => later(() => listFirewallEventKeys(db, zoneId)),
    listHttpAnalytics: (zoneId) => later(() => listHttpAnalytics(db, zoneId)),

    countExpired: (location, cutoff, isHeld, zoneId) => later(() => countExpired(db, location, cutoff, isHeld, zoneId)),
    countLocationRows: (location) => later(() => countLocationRows(db, location)),
    deleteExpired: (location, cutoff, isHeld) => later(() => ({ location, deleted: deleteExpired(db, location, cutoff, isHeld), held: 0, partitions: [] })),

    readFirewallEventsSummary: (filter) => later(() => readFirewallEventsSummary(db, filter)),
    readHttpAnalyticsSummary: (filter) => later(() => readHttpAnalyticsSummary(db, filter)),
    readEventsInWindows: async (slices, options = {}) => {
      // The whole-store summary is async on the port; the query only says whether it wants it.
      const { readWhole, ...rest } = options;
      let wantsWhole = false;
      const placeholder = {} as DatasetSummary;
      const result = readFirewallEventsInWindows(db, slices, {
        ...rest,
        ...(readWhole && { readWhole: () => ((wantsWhole = true), placeholder) }),
      });
      return wantsWhole && readWhole ? { ...result, summary: await readWhole() } : result;
    },
    readPulledZoneIds: () => later(() => readPulledZoneIds(db)),
    readAgeHistogram: (location, now, days, filter) => later(() => readAgeHistogram(db, location, now, days, filter)),
    readTopHosts: (limit, filter) => later(() => readTopHosts(db, limit, filter)),

    appendAuditEntry: (signer, input) => later(() => appendAuditEntry(db, signer, input)),
    ensureAuditGenesis: (signer, command) => later(() => ensureAuditGenesis(db, signer, command)),
    appendKeyRotation: (signer, key, reason) => later(() => appendKeyRotation(db, signer, key, reason)),
    readKeyInForce: () => later(() => readKeyInForce(db)),
    readAuditEntries: (options) => later(() => readAuditEntries(db, options)),
    readOpenRunEntries: () => later(() => readOpenRunEntries(db)),
    readUnreclaimedEntries: () => later(() => readUnreclaimedEntries(db)),
    readAuditLines: () => later(() => readAuditLines(db)),
    readAuditHead: () => later(() => readAuditHead(db)),
    readAuditHeadText: () => later(() => readAuditHeadText(db)),
    writeAuditTimestamp: (count, line) => later(() => writeAuditTimestamp(db, count, line)),
    readAuditTimestampLines: () => later(() => readAuditTimestampLines(db)),

    // --- inventory
    readCloudflareEvidence: () => later(() => readCloudflareEvidence(db)),
    // --- audit (per-host keys)
    readAuditKeysInForce: () => later(() => readAuditKeysInForce(db)),
    // A read transaction: one snapshot of the file even if another process appends meanwhile.
    readAuditExport: () =>
      later(() => db.transaction(() => ({ entries: readAuditLines(db), head: readAuditHeadText(db), timestamps: readAuditTimestampLines(db) }))()),

    // --- subject, stats (subject show/erase, stats)
    selectSubjectRows: (location, network) => later(() => selectSubjectRows(db, location, buildNetworkMatcher([network]))),
    deleteSubjectRows: (location, rows) =>
      later(() => ({
        location,
        deleted: deleteRowsById(
          db,
          location,
          rows.map((row) => row.id),
        ),
        held: 0,
        partitions: [],
      })),
    rollUpBeforeErase: (settings, rows) =>
      later(() =>
        rollUpBeforeErase(
          db,
          settings,
          rows.map(({ location, rows: locationRows }) => ({ location, ids: locationRows.map((row) => row.id) })),
        ),
      ),
    readStatsCells: (range) => later(() => readStatsCells(db, range)),
    readRollUpMarkers: (range) => later(() => readRollUpMarkers(db, range)),

    // --- purge
    rollUpBeforePurge: (settings, location, cutoff) =>
      later(() => {
        // The counting starts now, on a second connection; it sees the committed rows while this one deletes them.
        const pending = startRollUpBeforePurge(db, settings, location, cutoff);
        return { finish: () => later(() => pending.finish()) };
      }),
    writeObjectActivity: (records, at) => later(() => writeObjectActivity(db, records, at)),
    deleteObjectActivity: (objectIds) => later(() => deleteObjectActivity(db, objectIds)),
    readActivityIds: () => later(() => readActivityIds(db)),
    recordEventsPurgedBefore: (cutoff) => later(() => recordEventsPurgedBefore(db, cutoff)),
  };
}
