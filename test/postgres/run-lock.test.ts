import { afterEach, beforeEach, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import type { PgStore } from '../../src/store/postgres/connection.js';
import { acquirePgRunLock } from '../../src/store/postgres/run-lock.js';
import { describePg, dropTestStore, openSecondHost, openTestStore } from './pg-test-store.js';

const NOW = new Date('2025-03-01T00:00:00Z');

describePg('PostgreSQL run lock (advisory lock on the schema)', () => {
  let store: PgStore;
  let other: PgStore;
  beforeEach(async () => {
    store = await openTestStore();
    other = openSecondHost(store);
  });
  afterEach(async () => {
    await other.close();
    await dropTestStore(store);
  });

  it('refuses a second session with exit 6, naming the holder, until the first releases', async () => {
    const first = await acquirePgRunLock(store, 'purge', NOW);
    const refused = await acquirePgRunLock(other, 'pull', NOW).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LockedError);
    expect((refused as LockedError).exitCode).toBe(6);
    expect((refused as LockedError).message).toMatch(
      new RegExp(`holds the lock on the PostgreSQL store \\(schema ${store.schema}: luxeret-privacy purge pid ${process.pid}`),
    );
    await first.release();
    const second = await acquirePgRunLock(other, 'pull', NOW);
    await second.release();
  });

  it('a lock on another schema does not block this one', async () => {
    const elsewhere = await openTestStore();
    try {
      const a = await acquirePgRunLock(store, 'purge', NOW);
      const b = await acquirePgRunLock(elsewhere, 'purge', NOW);
      await Promise.all([a.release(), b.release()]);
    } finally {
      await dropTestStore(elsewhere);
    }
  });

  it("goes with its holder's session: a killed connection frees the lock", async () => {
    await acquirePgRunLock(store, 'purge', NOW); // never released: this "process" crashes
    await expect(acquirePgRunLock(other, 'pull', NOW)).rejects.toBeInstanceOf(LockedError);
    const { rows } = await store.pool.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
      [`luxeret-privacy purge pid ${process.pid}%`],
    );
    expect(rows).toEqual([{ killed: true }]);
    // The server frees the lock as the killed backend exits, a moment after pg_terminate_backend returns.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const taken = await acquirePgRunLock(other, 'pull', NOW).catch((err: unknown) => err);
      if (!(taken instanceof LockedError)) {
        await (taken as { release: () => Promise<void> }).release();
        break;
      }
      if (Date.now() > deadline) throw taken;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
