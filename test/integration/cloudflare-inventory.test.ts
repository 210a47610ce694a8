import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { ACCOUNT, SECRETS, startSeededEmulator, TOKEN, writeConfig, ZONE_ENT, ZONE_FREE, ZONE_PRO, type Truth } from './cloudflare-inventory-fixture.js';
import { escapeHtml } from '../../src/report/escape.js';
import { testClock } from '../helpers/virtual-clock.js';

type LocationJson = {
  id: string;
  records: number;
  distinct_ips: number;
  countries: Record<string, number>;
  oldest: string | null;
  newest: string | null;
  status: string;
  notes: string[];
};

let emulator: Emulator;
let truth: Truth;
let home: string;
let cwd: string;
let cleanup: () => void;
let env: Record<string, string>;

async function setUp(permissions?: readonly string[]): Promise<void> {
  ({ emulator, truth } = await startSeededEmulator(permissions ? { permissions } : {}));
  env = { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl };
  expect((await runCli(['init'], { env, cwd })).code).toBe(0);
}

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

async function inventory(args: string[] = []) {
  const result = await runCli(['inventory', '--format', 'json', ...args], { env, cwd });
  const doc = result.stdout === '' ? { locations: [] } : (JSON.parse(result.stdout) as { locations: LocationJson[] });
  const byId = new Map(doc.locations.map((location) => [location.id, location]));
  return { ...result, byId, get: (id: string) => byId.get(id)! };
}

describe('inventory of Cloudflare-held objects', () => {
  it('counts per location equal the seeded ground truth; plan gating is reported, not an error', async () => {
    await setUp();
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const result = await inventory();
    expect(result.code).toBe(0);

    expect(result.get('cloudflare/access-rules')).toMatchObject({
      records: truth.accessRules.records,
      distinct_ips: truth.accessRules.distinctIps,
      countries: truth.accessRules.countries,
      oldest: truth.accessRules.oldest,
      newest: truth.accessRules.newest,
      status: 'ok',
      // Judged by the purge's purpose rule: with no events pulled, nothing may be called idle.
      past_retention: 0,
    });
    expect(result.get('cloudflare/access-rules').notes.some((note) => /kept as undetermined: no security events have been pulled/.test(note))).toBe(true);
    const items = result.get('cloudflare/list-items');
    expect(items).toMatchObject({ records: truth.listItems.records, distinct_ips: truth.listItems.distinctIps, status: 'ok' });
    expect(items.notes).toContain('list blocked_ips (managed: items past retention are purged): 1203 item(s)');
    expect(items.notes).toContain('list office_allow (reported only: not in managed_lists): 3 item(s)');

    const lockdowns = result.get('cloudflare/lockdowns');
    expect(lockdowns).toMatchObject({ records: truth.lockdowns.records, distinct_ips: truth.lockdowns.distinctIps, status: 'ok' });
    expect(lockdowns.notes).toContain(`zone blog.luxeret.com (${ZONE_FREE}): not available on this plan (free)`);
    expect(lockdowns.notes).toContain("reported, not deleted: these are usually the company's own allow-lists");

    const custom = result.get('cloudflare/custom-rules');
    expect(custom).toMatchObject({
      records: truth.customRules.records,
      distinct_ips: truth.customRules.distinctIps,
      countries: truth.customRules.countries,
      status: 'ok',
    });
    expect(custom.notes).toContain("reported, not deleted: these are usually the company's own allow-lists");
    expect(custom.notes).toContain('rules reference IP lists: $blocked_ips');

    const logpull = result.get('cloudflare/logpull');
    expect(logpull).toMatchObject({ records: truth.logpull.records, status: 'ok' });
    expect(logpull.notes).toContain(`zone shop.luxeret.com (${ZONE_ENT}): Logpull retention on: Cloudflare keeps raw request logs with ClientIP for days`);
    expect(logpull.notes).toContain(`Logpull retention of zone pro.luxeret.com (${ZONE_PRO}): not available on this plan (pro)`);
    expect(
      logpull.notes.some(
        (note) => note.startsWith('Logpush job 1 "job-1" (firewall_events') && note.includes('access-key-id=REDACTED&secret-access-key=REDACTED'),
      ),
    ).toBe(true);
    expect(logpull.notes.some((note) => note.startsWith('Logpush job 3') && note.includes('ships ClientIP to'))).toBe(true);
    expect(logpull.notes.some((note) => note.startsWith(`Logpush job 4 "job-4" (audit_logs, account ${ACCOUNT}) ships ClientCountry`))).toBe(true);

    // Gated features were not even asked for, and nothing failed.
    expect(emulator.requests.filter((r) => r.path === `/zones/${ZONE_FREE}/firewall/lockdowns`)).toHaveLength(0);
    expect(emulator.requests.filter((r) => r.status >= 500 || r.status === 429)).toHaveLength(0);
    // The SDK walked every page: access rules past the end (empty page), list items by cursor.
    const entPages = emulator.requests.filter((r) => r.path === `/zones/${ZONE_ENT}/firewall/access_rules/rules`).map((r) => r.query['page'] ?? '1');
    expect(entPages).toEqual(['1', '2', '3']);
    expect(emulator.requests.filter((r) => r.path.endsWith('/items') && r.method === 'GET')).toHaveLength(3 + 1);

    // The Korean report words every note in Korean; names, ids and Cloudflare's own words stay as they are.
    const ko = await runCli(['inventory', '--format', 'html', '--lang', 'ko'], { env, cwd });
    expect(ko.code).toBe(0);
    for (const note of [...result.byId.values()].flatMap((location) => location.notes)) expect(ko.stdout).not.toContain(`<li>${escapeHtml(note)}</li>`);
    expect(ko.stdout).toContain('목록 blocked_ips (관리 대상: 보유기간이 지난 항목은 파기): 항목 1203개');
    expect(ko.stdout).toContain(`영역 blog.luxeret.com (${ZONE_FREE}): 이 요금제에서는 제공되지 않음 (free)`);
    expect(ko.stdout).toContain(`영역 pro.luxeret.com (${ZONE_PRO})의 Logpull 보존 설정: 이 요금제에서는 제공되지 않음 (pro)`);
    expect(ko.stdout).toContain('보고만 하고 삭제하지 않음: 대개 회사 자체의 허용 목록입니다');
    expect(ko.stdout).toMatch(/\d+개 보관 \(판단 보류: 영역 [0-9a-f]{32}의 보안 이벤트를 아직 가져오지\(pull\) 않음\)/);
  });

  it('a zone with only the Free plan: lockdowns and logs are "not available", exit 0', async () => {
    await setUp();
    writeConfig(home, [ZONE_FREE]);
    const result = await inventory();
    expect(result.code).toBe(0);
    expect(result.get('cloudflare/lockdowns')).toMatchObject({ status: 'not_available', records: 0 });
    const logpull = result.get('cloudflare/logpull');
    // Account-level Logpush (Enterprise account) is still read.
    expect(logpull.status).toBe('ok');
    expect(logpull.notes).toContain(`Logpull retention of zone blog.luxeret.com (${ZONE_FREE}): not available on this plan (free)`);
    expect(logpull.notes).toContain(`Logpush jobs of zone blog.luxeret.com (${ZONE_FREE}): not available on this plan (free)`);
  });

  it('a token without Account Filter Lists Read: list-items is "not readable", the rest completes, exit 0', async () => {
    const { ALL_PERMISSIONS } = await import('@luxeret/cloudflare-emulator');
    await setUp(ALL_PERMISSIONS.filter((p) => !p.startsWith('Account Filter Lists')));
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const result = await inventory();
    expect(result.code).toBe(0);
    const items = result.get('cloudflare/list-items');
    expect(items).toMatchObject({ status: 'not_readable', records: 0 });
    expect(items.notes).toContain(`account ${ACCOUNT}: not readable with this token: needs Account Filter Lists Read`);
    expect(result.get('cloudflare/access-rules')).toMatchObject({ status: 'ok', records: truth.accessRules.records });
    expect(result.get('cloudflare/custom-rules')).toMatchObject({ status: 'ok', records: truth.customRules.records });
  });

  it('a part that fails for real (an unknown zone) makes the location an error and the run exit 4', async () => {
    await setUp();
    writeConfig(home, [ZONE_ENT, 'deaddeaddeaddeaddeaddeaddeaddead']);
    const result = await inventory();
    expect(result.code).toBe(4);
    expect(result.get('cloudflare/access-rules').status).toBe('error');
    expect(result.get('cloudflare/list-items').status).toBe('ok');
  });

  it('under an emulated limit of 20 requests per 5 s the inventory completes with zero 429s', async () => {
    await setUp();
    emulator.state.limits = { ...emulator.state.limits, restRequests: 20, windowMs: 5_000 };
    env['LUXERET_REST_BUDGET'] = '20/5s';
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const started = testClock.now();
    const result = await inventory();
    expect(result.code).toBe(0);
    const rest = emulator.requests.filter((r) => r.kind === 'rest');
    expect(rest.length).toBeGreaterThan(20);
    expect(rest.filter((r) => r.status === 429)).toHaveLength(0);
    expect(result.get('cloudflare/access-rules').records).toBe(truth.accessRules.records);
    // More than one window's worth of requests had to wait for the window to move on.
    expect(testClock.now() - started).toBeGreaterThanOrEqual(5_000);
  }, 40_000);

  it('no secret from a Logpush destination appears in stdout, stderr or any file under LUXERET_HOME', async () => {
    await setUp();
    writeConfig(home, [ZONE_ENT, ZONE_PRO, ZONE_FREE]);
    const outputs: string[] = [];
    for (const format of ['json', 'csv', 'table', 'md', 'html']) {
      const result = await runCli(['inventory', '--format', format], { env, cwd });
      expect(result.code).toBe(0);
      outputs.push(result.stdout, result.stderr);
    }
    const written = await runCli(['inventory', '--format', 'json', '--output', join(home, 'inventory.json')], { env, cwd });
    outputs.push(written.stdout, written.stderr);
    const files = walk(home).map((path) => readFileSync(path).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    for (const text of [...outputs, ...files]) {
      for (const secret of [...SECRETS, TOKEN]) expect(text).not.toContain(secret);
    }
    expect(outputs.join('')).toContain('secret-access-key=REDACTED');
  });

  it('--local-only needs no token; without a token the Cloudflare objects are skipped with a note', async () => {
    await setUp();
    writeConfig(home, [ZONE_ENT]);
    const local = await runCli(['inventory', '--format', 'json', '--local-only'], { env: { LUXERET_HOME: home }, cwd });
    expect(local.code).toBe(0);
    expect(local.stderr).toBe('');
    const ids = (JSON.parse(local.stdout) as { locations: LocationJson[] }).locations.map((l) => l.id);
    expect(ids.filter((id) => id.startsWith('cloudflare/') && id !== 'cloudflare/firewall-events' && id !== 'cloudflare/http-analytics')).toEqual([]);

    const noToken = await runCli(['inventory', '--format', 'json'], { env: { LUXERET_HOME: home }, cwd });
    expect(noToken.code).toBe(0);
    expect(noToken.stderr).toContain('CLOUDFLARE_API_TOKEN is not set');
    expect(emulator.requests).toHaveLength(0);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
