import type { StorePort, StoreTransaction } from '../port.js';
import { appendPgAuditEntry } from './audit-log.js';
import { withTransaction, type PgStore, type PgTx } from './connection.js';
import { readHolds, insertHold, releaseHold } from './holds.js';
import { insertFirewallEvents, upsertHttpAnalytics } from './ingest.js';
import { readMeta, writeMeta } from './meta.js';
import { readPullState, writePullState } from './pull-state.js';
import { deleteExpiredRows, vacuumPurgedPartitions } from './purge.js';
import { acquirePgRunLock } from './run-lock.js';
import { assertPgStoreMigrated, migratePgStore } from './schema.js';

/** The PostgreSQL adapter of the store port: the functions of this folder, bound to one open store. */
export function createPgStorePort(store: PgStore): StorePort {
  return {
    kind: 'postgres',
    migrate: () => migratePgStore(store),
    assertMigrated: () => assertPgStoreMigrated(store),
    acquireRunLock: (command, now) => acquirePgRunLock(store, command, now),
    transaction: (body) => withTransaction(store, (tx) => body(bindTransaction(store, tx))),
    reclaimPurged: (purges) => vacuumPurgedPartitions(store, purges),
    close: () => store.close(),
  };
}

function bindTransaction(store: PgStore, tx: PgTx): StoreTransaction {
  return {
    insertFirewallEvents: (rows) => insertFirewallEvents(tx, store.schema, rows),
    upsertHttpAnalytics: (rows) => upsertHttpAnalytics(tx, store.schema, rows),
    readPullState: (zoneId, dataset) => readPullState(tx, zoneId, dataset),
    writePullState: (state) => writePullState(tx, state),
    readHolds: (options) => readHolds(tx, options),
    insertHold: (hold) => insertHold(tx, hold),
    releaseHold: (id, at, by, reason) => releaseHold(tx, id, at, by, reason),
    deleteExpired: (location, cutoff, isHeld) => deleteExpiredRows(tx, location, cutoff, isHeld),
    appendAuditEntry: (signer, input) => appendPgAuditEntry(tx, signer, input),
    readMeta: (key) => readMeta(tx, key),
    writeMeta: (key, value) => writeMeta(tx, key, value),
  };
}
