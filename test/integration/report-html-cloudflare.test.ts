import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { SECRETS, startSeededEmulator, TOKEN, writeConfig, ZONE_ENT, ZONE_FREE, ZONE_PRO } from './cloudflare-inventory-fixture.js';

// The report's policy-drift checks against Cloudflare's log settings, read through the inventory's objects snapshot
// from the emulator: an Enterprise zone with Logpull retention on, Logpush jobs shipping ClientIP (destinations with
// planted secrets), and Pro/Free zones where Logpull and Logpush do not exist.

let emulator: Emulator;
let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;

beforeAll(async () => {
  ({ emulator } = await startSeededEmulator());
  temp = makeTempDir();
  const home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
  writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE], 'controller: Luxeret\n');
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  temp?.cleanup();
});

describe('inventory --format html|md with Cloudflare log settings', () => {
  it('lists Logpull retention and ClientIP Logpush jobs as contradictions, never a destination secret', async () => {
    const out = join(temp.dir, 'report.html');
    const result = await runCli(['inventory', '--format', 'html', '--output', out], { env, cwd: temp.dir });
    expect(result.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const checks = [...html.matchAll(/<div class="check state-(\w+)">.*?<h3>([^<]+)<\/h3><\/div><ul class="findings">(.*?)<\/ul>/g)].map((m) => ({
      state: m[1],
      title: m[2],
      findings: [...m[3]!.matchAll(/<li>(.*?)<\/li>/g)].map((f) => f[1]!),
    }));
    const logpull = checks.find((c) => c.title!.startsWith('Logpull'))!;
    expect(logpull.state).toBe('drift');
    expect(logpull.findings).toEqual([expect.stringContaining(`Zone shop.luxeret.com (${ZONE_ENT}): Log retention is ON`)]);
    const logpush = checks.find((c) => c.title!.startsWith('Logpush'))!;
    expect(logpush.state).toBe('drift');
    // Jobs 1 (output_options) and 3 (legacy logpull_options) ship ClientIP; job 4 ships only ClientCountry.
    expect(logpush.findings).toHaveLength(2);
    expect(logpush.findings[0]).toMatch(/^Logpush job job-1 \(#1\) \(firewall_events, enabled\) ships ClientIP, ClientCountry to r2:\/\/cf-logs/);
    expect(logpush.findings[1]).toMatch(/^Logpush job job-3 \(#3\) \(http_requests, enabled\) ships ClientIP to https:\/\/logs\.example\.com/);
    for (const secret of SECRETS) expect(html).not.toContain(secret);
    expect(html).not.toContain(TOKEN);
  });

  it('says the same in Markdown', async () => {
    const result = await runCli(['inventory', '--format', 'md'], { env, cwd: temp.dir });
    expect(result.code).toBe(0);
    const drift = result.stdout.split('\n').filter((line) => line.startsWith('| Contradiction | Log'));
    expect(drift).toHaveLength(2);
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
  });

  it('leaves the log checks "not checked" with --local-only', async () => {
    const result = await runCli(['inventory', '--format', 'md', '--local-only'], { env, cwd: temp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('| Not checked | Log'))).toHaveLength(2);
  });
});
