import type { DatasetSummary } from '../../inventory/inventory.js';
import type { StorePort, StoreSession } from '../port.js';
import {
  deletePgObjectActivity,
  readPgActivityIds,
  readPgCloudflareEvidence,
  recordPgEventsPurgedBefore,
  writePgObjectActivity,
} from './cloudflare-activity.js';
import {
  appendPgAuditEntry,
  appendPgKeyRotation,
  ensurePgAuditGenesis,
  lockAuditHead,
  readPgAuditEntries,
  readPgOpenRunEntries,
  readPgUnreclaimedEntries,
  readPgAuditExport,
  readPgAuditHead,
  readPgAuditHeadText,
  readPgAuditLines,
  readPgAuditTimestampLines,
  readPgKeysInForce,
  writePgAuditTimestamp,
} from './audit-log.js';
import { withTransaction, type PgStore, type PgTx } from './connection.js';
import { readHolds, insertHold, releaseHold } from './holds.js';
import { insertFirewallEvents, upsertHttpAnalytics } from './ingest.js';
import { readMeta, writeMeta } from './meta.js';
import { createPartitionsAhead } from './partitions.js';
import {
  readPgAgeHistogram,
  readPgEventsInWindows,
  readPgFirewallEventsSummary,
  readPgHttpAnalyticsSummary,
  readPgPulledZoneIds,
  readPgTopHosts,
} from './inventory-reads.js';
import { countPgExpired, countPgFirewallEvents, countPgLocationRows, listPgFirewallEventKeys, listPgHttpAnalytics, readPgNewestEventTime } from './queries.js';
import { readAllPullStates, readPullState, writePullState } from './pull-state.js';
import { deleteExpiredRows, vacuumPurgedPartitions } from './purge.js';
import { acquirePgRunLock } from './run-lock.js';
import { readWalAndBackups } from './wal.js';
import { rollUpPgBeforeErase } from './erase-rollup.js';
import { readPgRollUpMarkers, readPgStatsCells } from './stats-read.js';
import { deletePgSubjectRows, selectPgSubjectRows } from './subject-rows.js';
import { rollUpPgBeforePurge } from './purge-rollup.js';

/** Runs one store call: inside the caller's transaction, or in a short one of its own. */
type Runner = <T>(work: (tx: PgTx) => Promise<T>) => Promise<T>;

/** The PostgreSQL adapter of the store port: the functions of this folder, bound to one open store. */
export function createPgStorePort(store: PgStore): StorePort {
  return {
    kind: 'postgres',
    description: `${store.displayUrl} (schema ${store.schema})`,
    ...bindSession(store, (work) => withTransaction(store, work), { inTransaction: false }),
    acquireRunLock: (command, now) => acquirePgRunLock(store, command, now),
    transaction: (body) => withTransaction(store, (tx) => body(bindSession(store, (work) => work(tx), { inTransaction: true }))),
    reclaimPurged: (purges) => vacuumPurgedPartitions(store, purges),
    close: () => store.close(),

    // --- inventory
    readEngineCopies: () => withTransaction(store, (tx) => readWalAndBackups(tx)),

    // --- pull
    prepareIngest: async (dataset, fromSeconds, toSeconds) => void (await createPartitionsAhead(store, dataset, fromSeconds, toSeconds)),
  };
}

function bindSession(store: PgStore, run: Runner, options: { inTransaction: boolean }): StoreSession {
  return {
    readMeta: (key) => run((tx) => readMeta(tx, key, { lock: options.inTransaction })),
    writeMeta: (key, value) => run((tx) => writeMeta(tx, key, value)),

    // Inside a transaction (a purge, an erasure) the audit head is locked first: a hold added by another host
    // commits with its own audit entry, so it either committed before this read or waits until this commits.
    readHolds: () => run(async (tx) => (options.inTransaction ? (await lockAuditHead(tx), readHolds(tx)) : readHolds(tx))),
    insertHold: (hold) => run((tx) => insertHold(tx, hold)),
    releaseHold: (id, at, by, reason) => run((tx) => releaseHold(tx, id, at, by, reason)),

    readPullState: (zoneId, dataset) => run((tx) => readPullState(tx, zoneId, dataset)),
    readAllPullStates: () => run((tx) => readAllPullStates(tx)),
    writePullState: (state) => run((tx) => writePullState(tx, state)),
    insertFirewallEvents: (rows) => run((tx) => insertFirewallEvents(tx, store.schema, rows)),
    upsertHttpAnalytics: (rows) => run((tx) => upsertHttpAnalytics(tx, store.schema, rows)),
    countFirewallEvents: (zoneId) => run((tx) => countPgFirewallEvents(tx, zoneId)),
    readNewestEventTime: () => run((tx) => readPgNewestEventTime(tx)),
    listFirewallEventKeys: (zoneId) => run((tx) => listPgFirewallEventKeys(tx, zoneId)),
    listHttpAnalytics: (zoneId) => run((tx) => listPgHttpAnalytics(tx, zoneId)),

    countExpired: (location, cutoff, isHeld, zoneId) => run((tx) => countPgExpired(tx, location, cutoff, isHeld, zoneId)),
    countLocationRows: (location) => run((tx) => countPgLocationRows(tx, location)),
    deleteExpired: (location, cutoff, isHeld) => run((tx) => deleteExpiredRows(tx, location, cutoff, isHeld)),

    readFirewallEventsSummary: (filter) => run((tx) => readPgFirewallEventsSummary(tx, filter)),
    readHttpAnalyticsSummary: (filter) => run((tx) => readPgHttpAnalyticsSummary(tx, filter)),
    // readWhole is another port call: it runs after this read's own transaction, never inside it.
    readEventsInWindows: async (slices, { readWhole, ...options } = {}) => {
      let wantsWhole = false;
      const placeholder = {} as DatasetSummary;
      const result = await run((tx) =>
        readPgEventsInWindows(tx, slices, { ...options, ...(readWhole && { readWhole: () => ((wantsWhole = true), Promise.resolve(placeholder)) }) }),
      );
      return wantsWhole && readWhole ? { ...result, summary: await readWhole() } : result;
    },
    readPulledZoneIds: () => run((tx) => readPgPulledZoneIds(tx)),
    readAgeHistogram: (location, now, days, filter) => run((tx) => readPgAgeHistogram(tx, location, now, days, filter)),
    readTopHosts: (limit, filter) => run((tx) => readPgTopHosts(tx, limit, filter)),

    appendAuditEntry: (signer, input) => run((tx) => appendPgAuditEntry(tx, signer, input)),
    ensureAuditGenesis: (signer, command) => run((tx) => ensurePgAuditGenesis(tx, signer, command)),
    appendKeyRotation: (signer, key, reason) => run((tx) => appendPgKeyRotation(tx, signer, key, reason)),
    readKeyInForce: () => run(async (tx) => (await readPgKeysInForce(tx)).at(-1)),
    readAuditEntries: (options) => run((tx) => readPgAuditEntries(tx, options)),
    readOpenRunEntries: () => run((tx) => readPgOpenRunEntries(tx)),
    readUnreclaimedEntries: () => run((tx) => readPgUnreclaimedEntries(tx)),
    readAuditLines: () => run((tx) => readPgAuditLines(tx)),
    readAuditHead: () => run((tx) => readPgAuditHead(tx)),
    readAuditHeadText: () => run((tx) => readPgAuditHeadText(tx)),
    writeAuditTimestamp: (count, line) => run((tx) => writePgAuditTimestamp(tx, count, line)),
    readAuditTimestampLines: () => run((tx) => readPgAuditTimestampLines(tx)),

    // --- inventory
    readCloudflareEvidence: () => run((tx) => readPgCloudflareEvidence(tx)),

    // --- audit (per-host keys)
    readAuditKeysInForce: () => run((tx) => readPgKeysInForce(tx)),
    readAuditExport: () => run((tx) => readPgAuditExport(tx, { inTransaction: options.inTransaction })),
    // --- subject, stats (subject show/erase, stats)
    selectSubjectRows: (location, network) => run((tx) => selectPgSubjectRows(tx, location, network)),
    deleteSubjectRows: (location, rows) => run((tx) => deletePgSubjectRows(tx, location, rows)),
    rollUpBeforeErase: (settings, rows) => run((tx) => rollUpPgBeforeErase(tx, settings, rows)),
    readStatsCells: (range) => run((tx) => readPgStatsCells(tx, range)),
    readRollUpMarkers: (range) => run((tx) => readPgRollUpMarkers(tx, range)),

    // --- purge
    rollUpBeforePurge: (settings, location, cutoff) =>
      run(async (tx) => {
        // Counted now, in the transaction, before the deletion: it still sees the rows that are about to go.
        const result = await rollUpPgBeforePurge(tx, settings, location, cutoff);
        return { finish: () => Promise.resolve(result) };
      }),
    writeObjectActivity: (records, at) => run((tx) => writePgObjectActivity(tx, records, at)),
    deleteObjectActivity: (objectIds) => run((tx) => deletePgObjectActivity(tx, objectIds)),
    readActivityIds: () => run((tx) => readPgActivityIds(tx)),
    recordEventsPurgedBefore: (cutoff) => run((tx) => recordPgEventsPurgedBefore(tx, cutoff)),
  };
}
