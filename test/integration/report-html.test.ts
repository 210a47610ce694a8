import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from '../helpers/headless-chromium.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

// The HTML inventory report, end to end: a real store with hostile values planted where visitors control the text,
// `inventory --format html` through the CLI, then Debian's headless Chromium loads the file from disk.

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUTPUT = join(REPO, 'test-output');
const DAY_S = 86_400;
const ZONE_A = '0123456789abcdef0123456789abcdef';
const ZONE_B = 'fedcba9876543210fedcba9876543210';
const PLANTED_HOST = '<script>alert(1)</script>';
const PLANTED_COUNTRY = '<script>alert(2)</script>';
const PLANTED_ZONE_NAME = '"><svg onload=alert(3)><script>alert(4)</script>';
const PLANTED_PATH_HOST = 'evil.example/"|x\n<img src=x onerror=alert(5)>';
const COUNTRIES = ['KR', 'US', 'CN', 'JP', 'DE', 'RU', 'VN', 'BR', 'IN', 'FR', 'GB', 'NL', 'SG', 'ID', ''];

let temp: { dir: string; cleanup: () => void };
let home: string;
let env: Record<string, string>;
let browser: Browser | undefined;

/** ~3,000 events over 75 days (some past the 30-day retention and its 5-day grace), analytics over 12 days. */
function seedStore(storePath: string, nowS: number): { events: number; planted: number } {
  const db = new Database(storePath);
  const next = seededRandom(7);
  const insertEvent = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host)
     VALUES (?, ?, ?, ?, ?, '64500', 'block', 'firewallCustom', 'rule-1', ?)`,
  );
  const insertAnalytics = db.prepare('INSERT INTO http_analytics (zone_id, hour, client_ip, client_country, requests) VALUES (?, ?, ?, ?, ?)');
  let events = 0;
  let planted = 0;
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      // Skewed towards recent days, with a tail past retention.
      const age = Math.floor(next() ** 1.6 * 75 * DAY_S);
      const country = COUNTRIES[Math.min(COUNTRIES.length - 1, Math.floor(next() ** 2 * COUNTRIES.length))]!;
      const ip = i % 10 === 0 ? `203.0.113.${(i % 200) + 1}` : `198.18.${(i >> 8) & 255}.${i & 255}`;
      const host = i % 97 === 0 ? PLANTED_HOST : i % 101 === 0 ? PLANTED_PATH_HOST : i % 3 === 0 ? 'www.luxeret.com' : 'shop.luxeret.com';
      if (host === PLANTED_HOST) planted += 1;
      insertEvent.run(i % 4 === 0 ? ZONE_B : ZONE_A, nowS - age, `ray${i.toString(16).padStart(12, '0')}`, ip, country, host);
      events += 1;
    }
    // Hostile "country" values: the API is trusted to send ISO codes, the report is not.
    for (let i = 0; i < 150; i++) {
      insertEvent.run(ZONE_A, nowS - (i + 1) * 3000, `rayplant${i}`, `192.0.2.${i + 1}`, PLANTED_COUNTRY, 'shop.luxeret.com');
      events += 1;
    }
    for (let h = 0; h < 12 * 24; h += 3) {
      for (const [c, country] of ['KR', 'US', 'JP', 'CN'].entries()) {
        insertAnalytics.run(ZONE_A, Math.floor((nowS - h * 3600) / 3600) * 3600, `198.51.100.${c + 1}`, country, 5 + ((h * 7 + c) % 40));
      }
    }
    const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    meta.run(`zone_settings:${ZONE_A}`, JSON.stringify({ firewallEventsAdaptive: { notOlderThan: 3 * DAY_S } }));
    meta.run('last_pull_at', new Date((nowS - 3600) * 1000).toISOString());
    meta.run('last_purge_at', new Date((nowS - 9 * DAY_S) * 1000).toISOString());
    db.prepare(
      `INSERT INTO holds (id, network, reason, reference, created_at, created_by) VALUES ('hold-1', '203.0.113.0/24', 'Police investigation', 'KNPA-2025-1', ?, 'test')`,
    ).run(nowS - DAY_S);
  })();
  db.close();
  return { events, planted };
}

beforeAll(async () => {
  temp = makeTempDir();
  home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home };
  expect((await runCli(['init'], { env, cwd: temp.dir })).code).toBe(0);
  writeFileSync(
    join(home, 'config.yaml'),
    [
      'controller: "룩세렛 (Luxeret) — cs@luxeret.com"',
      'zones:',
      `  - id: "${ZONE_A}"`,
      `    name: ${JSON.stringify(PLANTED_ZONE_NAME)}`,
      `  - id: "${ZONE_B}"`,
      '    name: "www.luxeret.com"',
      'retention:',
      '  firewall_events: 30d',
      '  http_analytics: 7d',
      'fields: [clientRequestPath]',
      '',
    ].join('\n'),
  );
  seedStore(join(home, 'luxeret.db'), Math.floor(Date.now() / 1000));
  mkdirSync(OUTPUT, { recursive: true });
  // Fails (does not skip) without Chromium: CI installs it.
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  temp?.cleanup();
});

describe('inventory --format html', () => {
  it('writes one self-contained file with every planted value escaped', async () => {
    const out = join(temp.dir, 'report.html');
    const result = await runCli(['inventory', '--format', 'html', '--output', out], { env, cwd: temp.dir });
    expect(result.stderr).toContain('Wrote the inventory (html)');
    expect(result.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    writeFileSync(join(OUTPUT, 'report.html'), html);
    // No script element, no event handler, nothing fetched from anywhere.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:|\/\/)/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(3)&gt;');
    // No IP address reaches the report.
    expect(html).not.toMatch(/\b(?:198\.18|203\.0\.113|198\.51\.100|192\.0\.2)\.\d+\b/);
  });

  it('renders in headless Chromium without script errors, with charts, and shows the planted <script> as text', async () => {
    const out = join(temp.dir, 'report.html');
    expect((await runCli(['inventory', '--format', 'html', '--output', out], { env, cwd: temp.dir })).code).toBe(0);
    const page = await browser!.open(pathToFileURL(out).href, { width: 1280, height: 2400 });
    const dom = await page.evaluate<{
      scripts: number;
      dangerous: number;
      text: string;
      svgTitles: string[];
      countryBars: number;
      countryLabels: string[];
      ageBars: number;
      markers: number;
      chartSizes: { width: number; height: number }[];
      drift: { state: string; text: string }[];
      locations: number;
      heading: string;
    }>(`(() => ({
      scripts: document.querySelectorAll('script').length,
      dangerous: document.querySelectorAll('img, iframe, object, embed, foreignObject, [onload], [onerror]').length,
      text: document.body.innerText,
      svgTitles: [...document.querySelectorAll('svg title')].map((t) => t.textContent),
      countryBars: document.querySelectorAll('#chart-countries svg rect.bar').length,
      countryLabels: [...document.querySelectorAll('#chart-countries svg text.bar-label title')].map((t) => t.textContent),
      ageBars: document.querySelectorAll('#chart-age svg rect.bar').length,
      markers: document.querySelectorAll('#chart-age svg line.marker').length,
      chartSizes: [...document.querySelectorAll('svg.chart')].map((s) => { const r = s.getBoundingClientRect(); return { width: r.width, height: r.height }; }),
      drift: [...document.querySelectorAll('#drift .check')].map((c) => ({ state: c.className, text: c.innerText })),
      locations: document.querySelectorAll('#locations article.location').length,
      heading: document.querySelector('h1').textContent,
    }))()`);
    writeFileSync(join(OUTPUT, 'report.png'), await page.screenshot());

    expect(page.problems.errors).toEqual([]);
    expect(page.problems.dialogs).toEqual([]);
    expect(dom.scripts).toBe(0);
    expect(dom.dangerous).toBe(0);
    // Shown as text, exactly as planted: in the hosts table, the country chart (SVG) and the notes (zone name).
    expect(dom.text).toContain(PLANTED_HOST);
    expect(dom.text).toContain(PLANTED_ZONE_NAME);
    expect(dom.countryLabels).toContain(PLANTED_COUNTRY);
    expect(dom.svgTitles.some((t) => t.includes(PLANTED_COUNTRY))).toBe(true);
    // Charts: 10 countries + other, two local series; a bar per day with records; retention and grace lines.
    expect(dom.chartSizes).toHaveLength(2);
    for (const size of dom.chartSizes) expect(size.width * size.height).toBeGreaterThan(10_000);
    expect(dom.countryBars).toBeGreaterThanOrEqual(11);
    expect(dom.ageBars).toBeGreaterThan(40);
    expect(dom.markers).toBe(4);
    expect(dom.heading).toBe('Inventory of visitor personal data');
    expect(dom.locations).toBeGreaterThanOrEqual(3);
    // Policy drift: data past 30d + 5d, and a purge 9 days ago, are contradictions; log settings were not read.
    const states = Object.fromEntries(dom.drift.map((d) => [d.state.replace('check state-', ''), d.text]));
    expect(Object.keys(states).sort()).toEqual(['drift', 'unknown']);
    expect(dom.drift.filter((d) => d.state === 'check state-drift')).toHaveLength(2);
    expect(dom.text).toMatch(/The last purge ran 9 days ago/);
    expect(dom.text).toMatch(/Security events \(our store\): \d+ record\(s\) older than the retention \(30d\) plus 5 days/);
  });

  it('labels the report in Korean with --lang ko', async () => {
    const out = join(temp.dir, 'report-ko.html');
    expect((await runCli(['inventory', '--format', 'html', '--lang', 'ko', '--output', out], { env, cwd: temp.dir })).code).toBe(0);
    writeFileSync(join(OUTPUT, 'report-ko.html'), readFileSync(out));
    const page = await browser!.open(pathToFileURL(out).href, { width: 1280, height: 2400 });
    const dom = await page.evaluate<{ lang: string; heading: string; text: string }>(
      `({ lang: document.documentElement.lang, heading: document.querySelector('h1').textContent, text: document.body.innerText })`,
    );
    writeFileSync(join(OUTPUT, 'report-ko.png'), await page.screenshot());
    expect(page.problems.errors).toEqual([]);
    expect(dom.lang).toBe('ko');
    expect(dom.heading).toBe('방문자 개인정보 보유 현황');
    expect(dom.text).toContain('처리방침 불일치 점검');
    expect(dom.text).toContain('지체 없이 파기');
    expect(dom.text).toContain(PLANTED_HOST);
  });
});

describe('inventory --format md', () => {
  it('has the same content as tables, with | and line breaks escaped and no raw HTML from the data', async () => {
    const result = await runCli(['inventory', '--format', 'md'], { env, cwd: temp.dir });
    expect(result.code).toBe(0);
    const md = result.stdout;
    writeFileSync(join(OUTPUT, 'report.md'), md);
    expect(md).toMatch(/^# Inventory of visitor personal data/);
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toMatch(/<img/i);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The planted `|` and newline stay inside their cell.
    expect(md).toContain('evil.example/"\\|x<br>&lt;img src=x onerror=alert(5)&gt;');
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
      const cells = line.replace(/\\\|/g, '').split('|').length;
      expect(cells).toBeGreaterThan(2);
    }
    // Every table row of a table has as many cells as its header.
    const tables = md.match(/(?:^\|.*\n)+/gm) ?? [];
    for (const table of tables) {
      const widths = table
        .trimEnd()
        .split('\n')
        .map((row) => row.replace(/\\\|/g, '').split('|').length);
      expect(new Set(widths).size).toBe(1);
    }
    expect(md).toContain('## Policy drift');
    expect(md).toContain('Security events (our store): retention 30d');
  });

  it('uses Korean labels with --lang ko', async () => {
    const result = await runCli(['inventory', '--format', 'md', '--lang', 'ko'], { env, cwd: temp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# 방문자 개인정보 보유 현황/);
    expect(result.stdout).toContain('## 처리방침 불일치 점검');
  });

  it('takes its language from lang: of the config, else from a Korean LANG; --lang overrides both', async () => {
    const korean = join(temp.dir, 'korean.yaml');
    writeFileSync(korean, `${readFileSync(join(home, 'config.yaml'), 'utf8')}lang: ko\n`);
    const title = async (argv: string[], extraEnv: Record<string, string> = {}) =>
      (await runCli(argv, { env: { ...env, ...extraEnv }, cwd: temp.dir })).stdout.split('\n')[0];
    expect(await title(['inventory', '--format', 'md'])).toBe('# Inventory of visitor personal data');
    expect(await title(['--config', korean, 'inventory', '--format', 'md'])).toBe('# 방문자 개인정보 보유 현황');
    expect(await title(['inventory', '--format', 'md'], { LANG: 'ko_KR.UTF-8' })).toBe('# 방문자 개인정보 보유 현황');
    expect(await title(['--config', korean, 'inventory', '--format', 'md', '--lang', 'en'])).toBe('# Inventory of visitor personal data');
  });

  it('refuses an unknown lang: in the config as a configuration error', async () => {
    const french = join(temp.dir, 'french.yaml');
    writeFileSync(french, 'lang: fr\n');
    const result = await runCli(['--config', french, 'inventory', '--format', 'md'], { env, cwd: temp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lang: "fr" is not a language of the reports (use en or ko)');
  });

  it('rejects an unknown language as a usage error', async () => {
    const result = await runCli(['inventory', '--format', 'md', '--lang', 'fr'], { env, cwd: temp.dir });
    expect(result.code).toBe(2);
  });
});
