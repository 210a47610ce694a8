import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { addHolds, emulatorObjectIds, locationOf, seedCloudflare, startPurgeHome, type PurgeHome, without } from './purge-cloudflare-fixture.js';

let ctx: PurgeHome;
let home: string;
let env: Record<string, string>;
let emulator: Emulator;

beforeEach(async () => {
  ctx = await startPurgeHome(500);
  ({ home, env, emulator } = ctx);
});
afterEach(() => ctx.close());

const store = () => join(home, 'luxeret.db');
const location = locationOf;

describe('Cloudflare purge under rate limits', () => {
  it('completes with zero failures and no 429 under an emulated limit of 20 requests per 5 s', async () => {
    emulator.state.limits = { ...emulator.state.limits, restRequests: 20, windowMs: 5000 };
    const fixture = seedCloudflare(emulator, store(), new Date());
    await addHolds(env, fixture);
    const before = emulatorObjectIds(emulator);
    const result = await runCli(['purge', '--json'], { env: { ...env, LUXERET_REST_BUDGET: '20/5s' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(location(json, 'cloudflare/access-rules')).toMatchObject({ planned: 5, deleted: 5, failed: 0 });
    expect(location(json, 'cloudflare/list-items')).toMatchObject({ planned: 3, deleted: 3, failed: 0 });
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(emulator.requests.length).toBeGreaterThan(20);
    const after = emulatorObjectIds(emulator);
    expect(after.rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
    expect(after.items).toEqual(without(before.items, fixture.expectedItemDeletes));
  }, 30_000);
});
