import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import type { AuditEntry } from '../../src/audit/entry.js';
import { selectOpenIntents, selectProgressOf } from '../../src/audit/open-intents.js';
import { DESTRUCTION_METHODS } from '../../src/policy/destruction-methods.js';
import { selectUnreclaimedRuns } from '../../src/purge/reclaim.js';
import { openStore } from '../../src/store/db.js';
import type { StorePort } from '../../src/store/port.js';
import { createPgStorePort } from '../../src/store/postgres/adapter.js';
import { makeTempDir } from '../helpers/cli.js';
import { describeEachStore, sqlitePortOf, type StoreKind } from '../helpers/store-kinds.js';
import { dropTestStore, openTestStore } from '../postgres/pg-test-store.js';

/**
 * Every purge reconciles the runs still open and reclaims what earlier runs left. It reads only the entries that can
 * matter (readOpenRunEntries, readUnreclaimedEntries: SQL over the run_id/event/command columns of migration 6)
 * instead of the whole log, and the pure rules must decide on those exactly as on every entry, whatever the log.
 */
describeEachStore('purge reads only what is still open, and decides as over the whole log', (kind) => {
  let log: TestLog;
  beforeAll(async () => (log = await openTestLog(kind)));
  afterAll(async () => log.close());

  it('the same open intents, progress and unreclaimed runs as the whole-log read, on generated logs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ENTRY, { maxLength: 40 }), async (specs) => {
        await log.replace(specs.map(buildEntry));
        const all = await log.port.readAuditEntries();
        const open = await log.port.readOpenRunEntries();
        const unreclaimed = await log.port.readUnreclaimedEntries();

        expect(selectOpenIntents(open)).toEqual(selectOpenIntents(all));
        for (const intent of selectOpenIntents(all)) expect(selectProgressOf(open, intent)).toEqual(selectProgressOf(all, intent));
        for (const current of ['none', ...RUNS]) expect(selectUnreclaimedRuns(unreclaimed, current)).toEqual(selectUnreclaimedRuns(all, current));
        // Narrowed, not a copy: exactly each open run's intent and the progress after it, and only outcomes.
        const openEntries = selectOpenIntents(all).flatMap((intent) => [intent, ...selectProgressOf(all, intent)]);
        expect(open).toEqual(openEntries.sort((a, b) => a.seq - b.seq));
        expect(unreclaimed.every((e) => e.event === 'purge.outcome')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the open run and the unreclaimed outcome out of a long history of closed ones', async () => {
    const specs: EntrySpec[] = [];
    for (let run = 0; run < 300; run++) {
      const id = `r${run}`;
      specs.push(
        { run: id, command: 'purge', event: 'purge.intent', location: 'local/firewall-events' },
        { run: id, command: 'purge', event: 'purge.outcome', location: 'local/firewall-events', deleted: 5, method: 'secure' },
        { run: id, command: 'purge', event: 'archive.delete.intent', location: 'archive/logs' },
        { run: id, command: 'purge', event: 'archive.delete.progress', location: 'archive/logs', deleted: 2 },
        { run: id, command: 'purge', event: 'archive.delete.outcome', location: 'archive/logs', deleted: 4 },
        { run: id, command: 'purge', event: 'purge.reclaimed', location: 'local', earlierRuns: [] },
      );
    }
    // A run killed while deleting archive objects (a progress entry), and one killed before its reclaim.
    specs.push(
      { run: 'killed', command: 'purge', event: 'archive.delete.intent', location: 'archive/logs' },
      { run: 'killed', command: 'purge', event: 'archive.delete.progress', location: 'archive/logs', deleted: 7 },
      { run: 'no-reclaim', command: 'purge', event: 'purge.intent', location: 'local/http-analytics' },
      { run: 'no-reclaim', command: 'purge', event: 'purge.outcome', location: 'local/http-analytics', deleted: 3, method: 'secure' },
    );
    await log.replace(specs.map(buildEntry));

    const open = await log.port.readOpenRunEntries();
    expect(open.map((e) => [e.run_id, e.event])).toEqual([
      ['killed', 'archive.delete.intent'],
      ['killed', 'archive.delete.progress'],
    ]);
    const unreclaimed = await log.port.readUnreclaimedEntries();
    expect(unreclaimed.map((e) => [e.run_id, e.event])).toEqual([['no-reclaim', 'purge.outcome']]);
    expect(selectUnreclaimedRuns(unreclaimed, 'now').map((r) => r.runId)).toEqual(['no-reclaim']);
  });
});

const RUNS = ['a', 'b', 'c'];
const EVENTS = [
  'purge.intent',
  'purge.outcome',
  'purge.reconciled',
  'purge.reclaimed',
  'cloudflare.delete.intent',
  'cloudflare.delete.outcome',
  'archive.delete.intent',
  'archive.delete.progress',
  'archive.delete.outcome',
  'archive.delete.reconciled',
  'subject.erase.intent',
  'pull.done',
  // Case matters to the pure rules (endsWith), so it must to the SQL.
  'purge.Intent',
  'archive.delete.PROGRESS',
];

interface EntrySpec {
  run: string | null;
  command: string;
  event: string;
  location: string | null;
  deleted?: number | undefined;
  method?: 'plain' | 'secure' | undefined;
  partitions?: 'dropped' | 'rows-deleted' | undefined;
  earlierRuns?: readonly string[] | 'not-an-array' | undefined;
}

const ENTRY: fc.Arbitrary<EntrySpec> = fc.record({
  run: fc.option(fc.constantFrom(...RUNS), { nil: null, freq: 8 }),
  command: fc.constantFrom('purge', 'purge', 'subject'),
  // The events the rules turn on, more often than the rest.
  event: fc.oneof(
    { arbitrary: fc.constantFrom('purge.intent', 'purge.outcome', 'purge.reclaimed', 'archive.delete.progress'), weight: 3 },
    { arbitrary: fc.constantFrom(...EVENTS), weight: 1 },
  ),
  location: fc.constantFrom('local/firewall-events', 'local/http-analytics', 'local/firewall-events', 'local', 'cloudflare/access-rules', 'archive/logs', null),
  deleted: fc.option(fc.constantFrom(0, 3, 3), { nil: undefined, freq: 4 }),
  method: fc.option(fc.constantFrom('plain' as const, 'secure' as const), { nil: undefined }),
  partitions: fc.option(fc.constantFrom('dropped' as const, 'rows-deleted' as const), { nil: undefined }),
  earlierRuns: fc.option(fc.oneof(fc.subarray(RUNS), fc.constant('not-an-array' as const)), { nil: undefined }),
});

/** An entry as a run would write it; seq, hash and signature are filled in by replace (no chain is needed to read). */
function buildEntry(spec: EntrySpec): Omit<AuditEntry, 'seq' | 'hash' | 'prev_hash'> {
  const details: Record<string, unknown> = {};
  if (spec.method !== undefined) details['method'] = spec.method === 'plain' ? DESTRUCTION_METHODS.localPlain : DESTRUCTION_METHODS.localSecure;
  if (spec.partitions !== undefined) details['partitions'] = [{ partition: 'firewall_events_p20250301', method: spec.partitions, deleted: 2, held: 0 }];
  if (spec.earlierRuns !== undefined) details['earlier_runs'] = spec.earlierRuns;
  return {
    v: 1,
    time: '2025-03-01T00:00:00.000Z',
    actor: 'test@host',
    command: spec.command,
    event: spec.event,
    run_id: spec.run,
    location: spec.location,
    counts: spec.deleted === undefined ? null : { deleted: spec.deleted },
    retention_rule: null,
    policy_hash: null,
    reason: null,
    subjects: null,
    details: Object.keys(details).length === 0 ? null : details,
    signature: '',
  };
}

interface TestLog {
  readonly port: StorePort;
  /** Makes the store's audit_log hold exactly these entries, seq 1.., through the real tables and indexes. */
  replace(entries: readonly Omit<AuditEntry, 'seq' | 'hash' | 'prev_hash'>[]): Promise<void>;
  close(): Promise<void>;
}

async function openTestLog(kind: StoreKind): Promise<TestLog> {
  const rows = (entries: readonly Omit<AuditEntry, 'seq' | 'hash' | 'prev_hash'>[]) =>
    entries.map((entry, i) => ({ seq: i + 1, text: canonicalJson({ ...entry, seq: i + 1, prev_hash: '', hash: `h${i + 1}` }), hash: `h${i + 1}` }));
  if (kind === 'sqlite') {
    const temp = makeTempDir();
    const db = openStore(join(temp.dir, 'luxeret.db'), { create: true });
    const port = sqlitePortOf(db);
    return {
      port,
      replace: (entries) => {
        db.transaction(() => {
          db.prepare('DELETE FROM audit_log').run();
          const insert = db.prepare('INSERT INTO audit_log (seq, entry, hash) VALUES (?, ?, ?)');
          for (const row of rows(entries)) insert.run(row.seq, row.text, row.hash);
        })();
        return Promise.resolve();
      },
      close: async () => {
        await port.close();
        temp.cleanup();
      },
    };
  }
  const store = await openTestStore();
  const port = createPgStorePort(store);
  return {
    port,
    replace: async (entries) => {
      const made = rows(entries);
      await store.pool.query(`DELETE FROM ${store.schema}.audit_log`);
      await store.pool.query(`INSERT INTO ${store.schema}.audit_log (seq, entry, hash) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`, [
        made.map((r) => r.seq),
        made.map((r) => r.text),
        made.map((r) => r.hash),
      ]);
    },
    close: () => dropTestStore(store),
  };
}
