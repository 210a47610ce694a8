import type { Hold } from '../../src/policy/holds.js';
import type { FirewallEventRecord } from '../../src/store/firewall-events.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openPgStore, type PgStore } from '../../src/store/postgres/connection.js';
import { migratePgStore } from '../../src/store/postgres/schema.js';

/** The machine's PostgreSQL (trust auth, database `test`); PGUSER picks the role, else `postgres`. */
export const TEST_DATABASE_URL = process.env['LUXERET_TEST_DATABASE_URL'] ?? `postgres://${process.env['PGUSER'] ?? 'postgres'}@127.0.0.1:5432/test`;

async function isReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await isReachable();
if (unreachable !== undefined) {
  // In CI a missing server is a failure, never a silent skip.
  if (process.env['CI']) throw new Error(`PostgreSQL tests need the server at ${TEST_DATABASE_URL}: ${unreachable}`);
  process.stderr.write(`\nNOTICE: skipping PostgreSQL tests: no server at ${TEST_DATABASE_URL} (${unreachable}); in CI they fail instead.\n`);
}

/** describe() when PostgreSQL is reachable; describe.skip (after the notice above) otherwise. */
export const describePg = unreachable === undefined ? describe : describe.skip;

/** A fresh, migrated store in a schema of its own; dropTestStore removes the schema. */
export async function openTestStore(options: { migrate?: boolean; schema?: string } = {}): Promise<PgStore> {
  const store = openPgStore(TEST_DATABASE_URL, options.schema ?? `lux_test_${randomBytes(6).toString('hex')}`);
  if (options.migrate !== false) await migratePgStore(store);
  return store;
}

export async function dropTestStore(store: PgStore): Promise<void> {
  try {
    await store.pool.query(`DROP SCHEMA IF EXISTS ${store.schema} CASCADE`);
  } finally {
    await store.close();
  }
}

/** A second pool on the same schema: another host, as far as the server can tell. */
export function openSecondHost(store: PgStore): PgStore {
  return openPgStore(TEST_DATABASE_URL, store.schema);
}

/** A firewall event with the fields the PostgreSQL tests do not care about filled in. */
export function firewallEvent(
  fields: Pick<FirewallEventRecord, 'zoneId' | 'datetime' | 'rayName' | 'clientIp'> & { clientCountry?: string },
): FirewallEventRecord {
  return { clientCountry: 'KR', clientAsn: '', action: 'block', source: 'waf', ruleId: '', host: '', sampleInterval: 1, extra: null, ...fields };
}

/** An investigator's hold with no time range or country unless given. */
export function policeHold(fields: Partial<Hold> & Pick<Hold, 'network'>): Hold {
  return {
    id: 'h1',
    country: undefined,
    from: undefined,
    to: undefined,
    until: undefined,
    releasedAt: undefined,
    reason: 'police request 2025-17',
    reference: undefined,
    createdAt: new Date('2025-03-01T00:00:00Z'),
    createdBy: 'dpo',
    ...fields,
  };
}

/**
 * Resolves once a session on the server waits for a lock that a session holding a lock in `schema` blocks (what a
 * run blocked by another host's transaction on the same store does), so a test sees the wait itself instead of
 * guessing from a timed pause; another test's schema can never satisfy it.
 */
export async function waitForLockWait(pool: pg.Pool, schema: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM pg_stat_activity waiting
        WHERE waiting.wait_event_type = 'Lock' AND waiting.datname = current_database()
          AND EXISTS (SELECT 1 FROM pg_locks held JOIN pg_class c ON c.oid = held.relation JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE held.granted AND held.pid = ANY(pg_blocking_pids(waiting.pid)) AND n.nspname = $1)`,
      [schema],
    );
    if (Number(rows[0]!.n) > 0) return;
    if (Date.now() > deadline) throw new Error(`no session began waiting for a lock held in schema ${schema} within ${timeoutMs} ms`);
    await new Promise((tick) => setTimeout(tick, 20));
  }
}
