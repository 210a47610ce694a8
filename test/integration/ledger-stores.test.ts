import { afterEach, expect, it } from 'vitest';
import { DESTRUCTION_METHODS } from '../../src/policy/destruction-methods.js';
import { runCli } from '../helpers/cli.js';
import { seedEvents, startStoreHome, type StoreHome } from '../helpers/store-home.js';
import { describeEachStore } from '../helpers/store-kinds.js';
import type { SeedEvent } from '../helpers/store.js';
import { ZONE_ID } from '../helpers/store.js';

const DAY = 86_400_000;

let opened: StoreHome | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

function seed(now: Date): SeedEvent[] {
  return Array.from({ length: 60 * 4 }, (_, n) => ({
    zone: ZONE_ID,
    at: new Date(now.getTime() - Math.floor(n / 4) * DAY - 3_600_000),
    ray: `ray${n}`,
    ip: `198.18.${Math.floor(n / 4)}.${n % 4}`,
    country: n % 2 === 0 ? 'KR' : 'US',
  }));
}

describeEachStore('ledger of a purge', (kind) => {
  it('has one row per destroyed location, with the counts and the method this store used, and no IP', async () => {
    opened = await startStoreHome(kind, { config: `zones:\n  - id: "${ZONE_ID}"\nretention:\n  firewall_events: 30d\n  http_analytics: 30d\n` });
    const home = opened;
    const now = new Date();
    const events = seed(now);
    await seedEvents(home.port, events);
    const purge = await runCli(['purge', '--trust-clock', '--json'], { env: home.env });
    expect(purge.code, purge.stderr).toBe(0);
    const expected = events.filter((e) => e.at.getTime() < now.getTime() - 30 * DAY).length;

    const ledger = await runCli(['ledger', '--json'], { env: home.env });
    expect(ledger.code, ledger.stderr).toBe(0);
    expect(ledger.stdout).not.toMatch(/198\.18\./);
    const rows = (JSON.parse(ledger.stdout) as { rows: { location: string; deleted: number; method: string | null }[] }).rows;
    expect(rows).toEqual([expect.objectContaining({ location: 'local/firewall-events', deleted: expected })]);
    // Whole past days leave PostgreSQL as dropped partitions, the boundary day as deleted rows (then VACUUM).
    expect(rows[0]!.method).toBe(kind === 'sqlite' ? DESTRUCTION_METHODS.localSecure : DESTRUCTION_METHODS.pgDroppedAndVacuumed);
    expect((await runCli(['audit', 'verify'], { env: home.env })).code).toBe(0);
  });
});
