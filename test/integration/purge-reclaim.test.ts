import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { loadConfigFile } from '../../src/config/load.js';
import { purgeExpired } from '../../src/purge/purge.js';
import { runCli } from '../helpers/cli.js';
import { useStoreHome } from '../helpers/purge-store-home.js';
import type { StoreHome } from '../helpers/store-home.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import { toFirewallRecord } from '../helpers/store-home.js';
import { ZONE_ID } from '../helpers/store.js';
import { policeHold } from '../postgres/pg-test-store.js';

const DAY = 86_400_000;
const RETENTION = 'retention:\n  firewall_events: 30d\n  http_analytics: 30d\n';
const HELD_IP = '198.18.0.7';

/**
 * Deleted rows stay in their pages until the store reclaims them (PostgreSQL VACUUM, SQLite's checkpoint and page
 * reclaim), which runs after the deleting transaction commits: a `purge.reclaimed` entry records that it ran, and a
 * run that died in between has its partitions reclaimed, and named, by the next run.
 */
describeEachStore('purge: reclaiming what was deleted, recorded after it ran', (kind) => {
  let made: StoreHome;
  useStoreHome(kind, RETENTION, (home) => (made = home));

  /** 40 days of events, 10 a day; the held address in every day, so old days keep a row (a DELETE, not a drop). */
  async function seed(now: Date): Promise<void> {
    const events = [];
    for (let day = 0; day < 40; day++)
      for (let i = 0; i < 10; i++)
        events.push({
          zone: ZONE_ID,
          at: new Date(now.getTime() - day * DAY - 3_600_000),
          ray: `ray${day}x${i}`,
          ip: i === 0 ? HELD_IP : `198.18.1.${i}`,
          country: 'KR',
        });
    await made.port.insertFirewallEvents(events.map(toFirewallRecord));
    await made.port.insertHold(policeHold({ network: `${HELD_IP}/32`, createdAt: new Date(now.getTime() - 60_000) }));
  }

  it('writes purge.reclaimed after the outcomes of the same run, naming the partitions VACUUMed on PostgreSQL', async () => {
    await seed(new Date());
    const run = await runCli(['purge', '--json'], { env: made.env });
    expect(run.code, run.stderr).toBe(0);
    const entries = await made.port.readAuditEntries();
    const outcomes = entries.filter((e) => e.event === 'purge.outcome');
    const reclaimed = entries.filter((e) => e.event === 'purge.reclaimed');
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]!.run_id).toBe(outcomes[0]!.run_id);
    expect(reclaimed[0]!.seq).toBeGreaterThan(Math.max(...outcomes.map((e) => e.seq)));
    expect(reclaimed[0]!.details?.['earlier_runs']).toEqual([]);
    if (kind === 'postgres') {
      // Every day past retention keeps its held row, so each was DELETEd from and VACUUMed, none dropped.
      const deletedFrom = outcomes.flatMap((e) =>
        (e.details?.['partitions'] as { partition: string; method: string }[]).filter((p) => p.method === 'rows-deleted'),
      );
      const vacuumed = (reclaimed[0]!.details?.['partitions'] as { partition: string }[]).map((p) => p.partition);
      expect(deletedFrom.length).toBeGreaterThan(5);
      expect(vacuumed.sort()).toEqual(deletedFrom.map((p) => p.partition).sort());
    }
    expect((await runCli(['audit', 'verify'], { env: made.env })).code).toBe(0);
  });

  it('a run that died after its deletion committed and before the reclaim: the next run reclaims it and says so', async () => {
    const now = new Date();
    await seed(now);
    const dying = new Proxy(made.port, {
      get: (target, key, receiver) =>
        key === 'reclaimPurged' ? () => Promise.reject(new Error('killed before the reclaim')) : (Reflect.get(target, key, receiver) as unknown),
    });
    const paths = homePaths(made.home);
    await expect(
      purgeExpired(
        {
          store: dying,
          config: loadConfigFile(join(made.home, 'config.yaml')),
          signer: () => ({ privateKey: loadSigningKey(paths.signingKey), actor: 'test@host', now: () => new Date() }),
          now: () => now,
        },
        { dryRun: false, trustClock: true },
      ),
    ).rejects.toThrow('killed before the reclaim');
    const afterCrash = await made.port.readAuditEntries();
    const died = afterCrash.find((e) => e.event === 'purge.outcome')!.run_id;
    expect(afterCrash.map((e) => e.event)).not.toContain('purge.reclaimed');

    const rerun = await runCli(['purge', '--json'], { env: made.env });
    expect(rerun.code, rerun.stderr).toBe(0);
    const reclaimed = (await made.port.readAuditEntries()).filter((e) => e.event === 'purge.reclaimed');
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]!.run_id).not.toBe(died);
    expect(reclaimed[0]!.details?.['earlier_runs']).toEqual([died]);
    if (kind === 'postgres') expect((reclaimed[0]!.details?.['partitions'] as unknown[]).length).toBeGreaterThan(5);
    // A third run finds nothing left to reclaim: no entry.
    expect((await runCli(['purge'], { env: made.env })).code).toBe(0);
    expect((await made.port.readAuditEntries()).filter((e) => e.event === 'purge.reclaimed')).toHaveLength(1);
  });
});
