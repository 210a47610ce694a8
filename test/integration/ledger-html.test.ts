import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '../../src/audit/log.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { openStore } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { launchChromium, type Browser } from '../helpers/headless-chromium.js';
import { insertAnalytics, insertEvents, writeConfig, ZONE_ID, type SeedEvent } from '../helpers/store.js';

// `ledger --format html` through the CLI, then Debian's headless Chromium loads the file from disk and prints it.

const OUTPUT = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'test-output');
const DAY = 86_400_000;
const PLANTED = '<script>alert(1)</script><img src=x onerror=alert(2)>';

let temp: { dir: string; cleanup: () => void };
let env: Record<string, string>;
let browser: Browser | undefined;

beforeAll(async () => {
  temp = makeTempDir();
  const home = join(temp.dir, 'home');
  env = { LUXERET_HOME: home };
  expect((await runCli(['init'], { env })).code).toBe(0);
  writeConfig(home, 'controller: "주식회사 럭셔렛 <Luxeret>"\nretention:\n  firewall_events: 30d\n  http_analytics: 30d\n');
  const now = Date.now();
  const events: SeedEvent[] = Array.from({ length: 600 }, (_, i) => ({
    zone: ZONE_ID,
    at: new Date(now - (i % 60) * DAY - 3_600_000),
    ray: `ray${i}`,
    ip: `198.18.${i % 60}.${i % 250}`,
    country: ['KR', 'US', 'JP'][i % 3]!,
  }));
  insertEvents(join(home, 'luxeret.db'), events);
  insertAnalytics(join(home, 'luxeret.db'), [{ zone: ZONE_ID, hour: new Date(now - 40 * DAY), ip: '198.18.200.1', country: 'KR', requests: 5 }]);
  expect((await runCli(['purge', '--trust-clock'], { env })).code).toBe(0);
  const db = openStore(join(home, 'luxeret.db'));
  try {
    const signer = { privateKey: loadSigningKey(homePaths(home).signingKey), actor: 'dpo@luxeret', now: () => new Date() };
    appendAuditEntry(db, signer, {
      event: 'subject.erase.outcome',
      command: 'subject erase',
      location: 'cloudflare/list-items',
      counts: { planned: 1, deleted: 1, held: 0, failed: 0 },
      reason: `Request ${PLANTED}`,
      subjects: ['hmac-sha256:' + 'cd'.repeat(32)],
      details: { method: 'Cloudflare API DELETE, re-query verified' },
    });
  } finally {
    db.close();
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  temp?.cleanup();
});

describe('ledger --format html in headless Chromium', () => {
  it.each(['ko', 'en'] as const)('renders (--lang %s) without script errors, one row per destruction, planted markup as text', async (lang) => {
    const out = join(temp.dir, `ledger-${lang}.html`);
    expect((await runCli(['ledger', '--format', 'html', '--lang', lang, '--output', out], { env, cwd: temp.dir })).code).toBe(0);
    const page = await browser!.open(pathToFileURL(out).href, { width: 1123, height: 794 });
    const dom = await page.evaluate<{
      scripts: number;
      images: number;
      rows: number;
      headers: string[];
      text: string;
      heading: string;
      tableWidth: number;
    }>(`(() => ({
      scripts: document.querySelectorAll('script').length,
      images: document.querySelectorAll('img, iframe, object, embed, [onerror], [onload]').length,
      rows: document.querySelectorAll('tbody tr').length,
      headers: [...document.querySelectorAll('thead th')].map((th) => th.textContent),
      text: document.body.innerText,
      heading: document.querySelector('h1').textContent,
      tableWidth: document.querySelector('table').getBoundingClientRect().width,
    }))()`);
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, `ledger-${lang}.png`), await page.screenshot());

    expect(page.problems.errors).toEqual([]);
    expect(page.problems.dialogs).toEqual([]);
    expect(dom.scripts).toBe(0);
    expect(dom.images).toBe(0);
    // Two local purges (events and analytics) and the erasure.
    expect(dom.rows).toBe(3);
    expect(dom.text).toContain(PLANTED);
    expect(dom.text).toContain('주식회사 럭셔렛 <Luxeret>');
    if (lang === 'ko') {
      expect(dom.heading).toBe('개인정보파일 파기 관리대장');
      expect(dom.headers.slice(0, 8)).toEqual(['번호', '개인정보 파일명', '자료의 종류', '생성일', '폐기일', '폐기사유', '처리담당자', '처리부서장']);
      expect(dom.text).toContain('처리부서장');
      expect(dom.text).toContain('(서명)');
    } else {
      expect(dom.heading).toBe('Personal data destruction ledger');
      expect(dom.headers[7]).toBe('Head of department');
    }
    // Fits an A4 landscape page width (297 mm at 96 dpi ≈ 1123 px) without horizontal overflow.
    expect(dom.tableWidth).toBeLessThanOrEqual(1123);
  });
});
