import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { createRestClient } from '../../src/cloudflare/rest-client.js';
import { createClockRecordingFetch, fetchServerClock } from '../../src/cloudflare/server-clock.js';
import { loadConfigFile } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { LIST_ITEM_CHANGE_BUDGET } from '../../src/cloudflare/objects/delete.js';
import { purgeExpired, type PurgeDeps } from '../../src/purge/purge.js';
import { openStore, writeMeta } from '../../src/store/db.js';
import { runCli } from '../helpers/cli.js';
import { TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';
import { insertEvents, queryStore, useInitialisedHome, ZONE_ID } from '../helpers/store.js';
import { createSqliteStorePort } from '../../src/store/sqlite/adapter.js';

const DAY = 86_400_000;
let home: string;
let env: Record<string, string>;
useInitialisedHome('retention:\n  firewall_events: 30d\n  http_analytics: 30d\n', (made) => ({ home, env } = made));

const store = () => join(home, 'luxeret.db');
const UNREACHABLE = 'http://127.0.0.1:1/client/v4';

/** One event per day, 0..59 days old (by the real clock). */
function seedDays(): void {
  const now = Date.now();
  insertEvents(
    store(),
    Array.from({ length: 60 }, (_, day) => ({ zone: ZONE_ID, at: new Date(now - day * DAY - 3_600_000), ray: `day${day}`, ip: '198.18.0.1', country: 'KR' })),
  );
}
const youngest = () =>
  queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM firewall_events WHERE datetime > ?', Math.floor((Date.now() - 30 * DAY) / 1000))[0]!.n;
const all = () => queryStore<{ n: number }>(store(), 'SELECT COUNT(*) AS n FROM firewall_events')[0]!.n;

async function deps(clockOffsetMs: number, options: { baseUrl: string; token: boolean }): Promise<PurgeDeps> {
  const now = () => new Date(Date.now() + clockOffsetMs);
  // With a token the purge reads the time from its own paced responses, as the CLI wires it.
  const clock = createClockRecordingFetch(() => now().getTime());
  return {
    store: createSqliteStorePort(openStore(store()), { path: store(), lockPath: `${store()}.lock` }),
    config: loadConfigFile(join(home, 'config.yaml')),
    signer: () => ({ privateKey: loadSigningKey(homePaths(home).signingKey), actor: 'test@host', now }),
    now,
    readServerClock: options.token
      ? () => Promise.reject(new Error('the token case needs no extra request'))
      : () => fetchServerClock(options.baseUrl, () => now().getTime()),
    cloudflare: options.token
      ? {
          client: await createRestClient({ baseUrl: options.baseUrl, token: TEST_TOKEN, fetch: clock.fetch }),
          itemBudget: LIST_ITEM_CHANGE_BUDGET,
          concurrency: 1,
          serverClock: clock.sample,
        }
      : undefined,
  };
}

describe('a wrong clock cannot delete young data', () => {
  it.each([
    ['with a token', true],
    ['without a token (an unauthenticated response still carries Date)', false],
  ])('clock 60 days ahead, %s: refused with exit-2 error, nothing deleted', async (_name, token) => {
    seedDays();
    const before = all();
    await expect(purgeExpired(await deps(60 * DAY, { baseUrl: env['CLOUDFLARE_BASE_URL']!, token }), { dryRun: false })).rejects.toThrow(UsageError);
    await expect(purgeExpired(await deps(60 * DAY, { baseUrl: env['CLOUDFLARE_BASE_URL']!, token }), { dryRun: false })).rejects.toThrow(
      /ahead of Cloudflare's/,
    );
    expect(all()).toBe(before);
    expect(youngest()).toBe(30);
  });

  it('with no independent clock reachable, refuses unless --trust-clock, which the audit outcome records', async () => {
    seedDays();
    const refused = await runCli(['purge'], { env: { ...env, CLOUDFLARE_BASE_URL: UNREACHABLE } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--trust-clock');
    expect(all()).toBe(60);
    // A clock 60 days ahead with nothing to check it against: refused too.
    await expect(purgeExpired(await deps(60 * DAY, { baseUrl: UNREACHABLE, token: false }), { dryRun: false })).rejects.toThrow(
      /Could not check the system clock/,
    );
    expect(all()).toBe(60);

    const trusted = await runCli(['purge', '--trust-clock', '--json'], { env: { ...env, CLOUDFLARE_BASE_URL: UNREACHABLE } });
    expect(trusted.code).toBe(0);
    expect(all()).toBe(30);
    const outcome = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq')
      .map((row) => JSON.parse(row.entry) as { event: string; details: { clock_check?: string } })
      .find((entry) => entry.event === 'purge.outcome');
    expect(outcome?.details.clock_check).toBe('unverified');
  });

  it('records a checked clock, and refuses a clock earlier than the last purge', async () => {
    seedDays();
    const done = await runCli(['purge'], { env });
    expect(done.code).toBe(0);
    const outcome = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq')
      .map((row) => JSON.parse(row.entry) as { event: string; details: { clock_check?: string } })
      .find((entry) => entry.event === 'purge.outcome');
    expect(outcome?.details.clock_check).toBe('cloudflare');
    const db = openStore(store());
    writeMeta(db, 'last_purge_at', new Date(Date.now() + 3 * DAY).toISOString());
    db.close();
    const behind = await runCli(['purge', '--trust-clock'], { env: { ...env, CLOUDFLARE_BASE_URL: UNREACHABLE } });
    expect(behind.code).toBe(2);
    expect(behind.stderr).toContain('earlier than the last purge');
  });
});
