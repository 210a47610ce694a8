import { hostname } from 'node:os';
import type pg from 'pg';
import { LockedError, StoreError } from '../../errors.js';
import { describePgError, type PgStore } from './connection.js';
import { deriveLockKey } from './lock-key.js';

export interface HeldPgLock {
  release(): Promise<void>;
}

/**
 * One run at a time across every host sharing the schema: a session-level pg_try_advisory_lock on a key derived
 * from the schema name, held by a connection of its own for the whole run. A second host is refused (exit 6);
 * when the holder dies its session ends and the server frees the lock, so there is no stale lock to take over.
 * The connection's application_name names the holder, so the refusal can say who holds it.
 */
export async function acquirePgRunLock(store: PgStore, command: string, now: Date): Promise<HeldPgLock> {
  // PostgreSQL keeps 63 bytes of application_name.
  const client = store.newSession(`luxeret-privacy ${command} pid ${process.pid} on ${hostname()} since ${now.toISOString()}`.slice(0, 63));
  client.on('error', () => undefined); // a dropped lock connection surfaces at release, not as a crash
  try {
    await client.connect();
  } catch (err) {
    throw new StoreError(`Could not connect to the PostgreSQL store at ${store.displayUrl}: ${describePgError(err)}`, { cause: err });
  }
  const key = deriveLockKey(`run:${store.schema}`);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
    if (!rows[0]?.locked) {
      const holder = await readHolder(client, key);
      throw new LockedError(`Another luxeret-privacy run holds the lock on the PostgreSQL store (schema ${store.schema}${holder ? `: ${holder}` : ''})`, {
        hint: 'Nothing was done. The lock goes when that run ends, or when its database session does.',
      });
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    release: async () => {
      // Ending the session frees the lock even when the unlock itself fails.
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

async function readHolder(client: pg.Client, key: string): Promise<string | undefined> {
  // An advisory lock on a bigint key shows in pg_locks as classid (high 32 bits) and objid (low 32 bits).
  const { rows } = await client.query<{ holder: string }>(
    `SELECT coalesce(nullif(a.application_name, ''), 'session ' || a.pid) || coalesce(' from ' || a.client_addr, '') AS holder
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid::bigint = (($1::bigint >> 32) & 4294967295) AND l.objid::bigint = ($1::bigint & 4294967295)
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [key],
  );
  return rows[0]?.holder;
}
