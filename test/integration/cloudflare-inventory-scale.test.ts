import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { addScale, startSeededEmulator, TOKEN, writeConfig, ZONE_ENT, ZONE_FREE, ZONE_PRO } from './cloudflare-inventory-fixture.js';

let emulator: Emulator;
let cleanup: () => void;
let cwd: string;
let home: string;

beforeEach(() => {
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  cwd = temp.dir;
  home = join(temp.dir, 'home');
});
afterEach(async () => {
  await emulator?.close();
  cleanup();
});

describe('inventory of a large account', () => {
  it('reads 2,000+ access rules and 20,000+ list items in few requests, well inside the REST budget', async () => {
    const seeded = await startSeededEmulator();
    emulator = seeded.emulator;
    const added = addScale(emulator, { rules: 2_000, items: 20_000 });
    const env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
    expect((await runCli(['init'], { env, cwd })).code).toBe(0);
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const result = await runCli(['inventory', '--format', 'json'], { env, cwd });
    expect(result.code).toBe(0);
    const locations = (JSON.parse(result.stdout) as { locations: { id: string; records: number }[] }).locations;
    const records = (id: string) => locations.find((l) => l.id === id)?.records;
    expect(records('cloudflare/access-rules')).toBe(seeded.truth.accessRules.records + added.rules);
    expect(records('cloudflare/list-items')).toBe(seeded.truth.listItems.records + added.items);
    const rest = emulator.requests.filter((r) => r.kind === 'rest');
    // Pages of 100 rules and 500 items (plus the empty page past the end for page-based lists).
    expect(rest.length).toBeLessThan(110);
    expect(rest.filter((r) => r.status !== 200 && r.status !== 404)).toHaveLength(0);
    // Measured: 87 requests. How long they take is the benchmark's question (npm run bench), not a test's.
  }, 60_000);

  it('injected 429s with Retry-After are waited out (REST retries, pacer pauses every caller) and the counts stay exact', async () => {
    const seeded = await startSeededEmulator();
    emulator = seeded.emulator;
    emulator.state.faults.rest = { ...emulator.state.faults.rest, rateLimit: 0.1, retryAfterSeconds: 1 };
    const env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
    expect((await runCli(['init'], { env, cwd })).code).toBe(0);
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const result = await runCli(['inventory', '--format', 'json'], { env, cwd });
    expect(result.code).toBe(0);
    const locations = (JSON.parse(result.stdout) as { locations: { id: string; records: number; status: string }[] }).locations;
    expect(locations.find((l) => l.id === 'cloudflare/access-rules')).toMatchObject({ records: seeded.truth.accessRules.records, status: 'ok' });
    expect(locations.find((l) => l.id === 'cloudflare/list-items')).toMatchObject({ records: seeded.truth.listItems.records, status: 'ok' });
    const limited = emulator.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Each 429 was retried: every refused request has a later identical one that succeeded.
    for (const refused of limited) {
      expect(
        emulator.requests.some((r) => r !== refused && r.path === refused.path && JSON.stringify(r.query) === JSON.stringify(refused.query) && r.status < 400),
      ).toBe(true);
    }
  }, 60_000);
});
