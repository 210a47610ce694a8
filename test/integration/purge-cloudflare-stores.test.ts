import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import type { StorePort } from '../../src/store/port.js';
import { runCli } from '../helpers/cli.js';
import { describeEachStore, newStoreTarget, type TestStoreTarget } from '../helpers/store-kinds.js';
import {
  emulatorObjectIds,
  locationOf as location,
  policeHold,
  seedCloudflareOnPort,
  startPurgeHome,
  type Fixture,
  type PurgeHome,
  without,
} from './purge-cloudflare-fixture.js';

/**
 * The Cloudflare part of a purge on either store: its evidence (pull state, events, object activity), holds and
 * audit entries are read and written through the store port, so a PostgreSQL store shared by several hosts
 * decides exactly as a SQLite one.
 */
describeEachStore('purge of Cloudflare-held objects', (kind) => {
  let ctx: PurgeHome;
  let target: TestStoreTarget;
  let port: StorePort;
  let env: Record<string, string>;
  let emulator: Emulator;
  let fixture: Fixture;

  beforeEach(async () => {
    ctx = await startPurgeHome(500);
    target = newStoreTarget(kind);
    appendFileSync(join(ctx.home, 'config.yaml'), target.configYaml);
    // `init` again, now with the store selected: it creates the PostgreSQL schema (on SQLite it changes nothing).
    const init = await runCli(['init'], { env: { ...ctx.env, ...target.env } });
    expect(init.code, init.stderr).toBe(0);
    port = await target.openPort(ctx.home);
    env = { ...ctx.env, ...target.env };
    emulator = ctx.emulator;
    fixture = await seedCloudflareOnPort(emulator, port, new Date());
    for (const [i, ip] of fixture.heldIps.entries()) await port.insertHold({ ...policeHold(`h${i}`, ip), createdAt: new Date(Date.now() - 60_000) });
  });
  afterEach(async () => {
    await port.close();
    await target.cleanup();
    await ctx.close();
  });

  it('plans, deletes exactly the planned objects, audits the outcome, and keeps its evidence for the next run', async () => {
    const before = emulatorObjectIds(emulator);
    const dry = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
    expect(location(dry, 'cloudflare/access-rules')).toMatchObject({ planned: 5, held: 1, deleted: 0, undetermined: 1 });
    expect(location(dry, 'cloudflare/list-items')).toMatchObject({ planned: 3, held: 1, deleted: 0 });
    expect((await port.readCloudflareEvidence()).activity).toEqual(new Map());

    const result = await runCli(['purge', '--json'], { env });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, held: 1, failed: 0 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 3, deleted: 3, held: 1, failed: 0 });
    const after = emulatorObjectIds(emulator);
    expect(after.rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
    expect(after.items).toEqual(without(before.items, fixture.expectedItemDeletes));

    const entries = await port.readAuditEntries();
    const outcome = entries.find((e) => e.event === 'cloudflare.delete.outcome' && e.location === 'cloudflare/list-items')!;
    expect(outcome.counts).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(outcome.details?.['requery']).toMatchObject({ checked: 3, still_present: 0, passed: true });
    const log = (await port.readAuditLines()).join('\n');
    for (const ip of ['203.0.113.10', '198.18.1.1', '2001:db8::10', '198.51.100.0', '192.0.2.50']) expect(log).not.toContain(ip);

    // Local events older than 30 days are gone, their evidence folded into object activity: nothing more is planned.
    const activity = (await port.readCloudflareEvidence()).activity;
    expect([...activity.values()].filter((a) => a.lastSeenAt !== undefined).length).toBeGreaterThanOrEqual(3);
    for (const id of [...fixture.expectedRuleDeletes, ...fixture.expectedItemDeletes]) expect(activity.has(id)).toBe(false);
    expect(await port.readMeta('firewall_events_purged_before')).toBeDefined();
    const again = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
    expect(location(again, 'cloudflare/access-rules').planned).toBe(0);
    expect(location(again, 'cloudflare/list-items').planned).toBe(0);
  });
});
