import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '../helpers/emulator.js';
import { emulatorObjectIds, seedCloudflare, writeCloudflareConfig, type Fixture } from './purge-cloudflare-fixture.js';

let home: string;
let cleanup: () => void;
let env: Record<string, string>;
let emulator: Emulator;

beforeEach(async () => {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  home = join(temp.dir, 'home');
  emulator = await startTestEmulator();
  env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  expect((await runCli(['init'], { env })).code).toBe(0);
  writeCloudflareConfig(home, 500);
});
afterEach(async () => {
  await emulator.close();
  cleanup();
});

const store = () => join(home, 'luxeret.db');
type JsonLocation = { id: string; planned: number; deleted: number; held: number; failed: number };
const location = (json: { locations: JsonLocation[] }, id: string) => json.locations.find((l) => l.id === id)!;
const without = (all: string[], removed: readonly string[]) => all.filter((id) => !removed.includes(id)).sort();

async function addHolds(fixture: Fixture): Promise<void> {
  for (const ip of fixture.heldIps) expect((await runCli(['hold', 'add', '--ip', ip, '--reason', 'Police request'], { env })).code).toBe(0);
}

describe('Cloudflare purge under rate limits', () => {
  it('completes with zero failures and no 429 under an emulated limit of 20 requests per 5 s', async () => {
    emulator.state.limits = { ...emulator.state.limits, restRequests: 20, windowMs: 5000 };
    const fixture = seedCloudflare(emulator, store(), new Date());
    await addHolds(fixture);
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
