import { describe, expect, it } from 'vitest';
import type { InventoryLocation } from '../inventory/inventory.js';
import { renderInventoryHtml } from './inventory-html.js';
import { renderInventoryMarkdown } from './inventory-md.js';
import type { InventoryReportData } from './inventory-report.js';
import { buildPolicyDrift } from '../policy/policy-drift.js';

const NOW = new Date('2025-03-01T00:00:00Z');
const HOSTILE = '<script>alert(1)</script>';
const ATTR = '"><img src=x onerror=alert(2)>';

function location(overrides: Partial<InventoryLocation>): InventoryLocation {
  return {
    id: 'local/firewall-events',
    kind: 'local',
    records: 1234,
    distinctIps: 56,
    countries: [
      { code: 'KR', count: 1000 },
      { code: HOSTILE, count: 200 },
      { code: 'XX', count: 34 },
    ],
    oldest: new Date('2025-01-01T00:00:00Z'),
    newest: new Date('2025-02-28T23:59:00Z'),
    pastRetention: 100,
    held: 3,
    retention: '30d',
    controlledBy: 'us',
    expires: undefined,
    status: 'ok',
    notes: [{ code: 'verbatim', text: `note with ${ATTR}, commas, "quotes"\nand a newline | pipe` }],
    ...overrides,
  };
}

export function buildFixture(): InventoryReportData {
  const counts = Array.from({ length: 61 }, (_, i) => (i < 40 ? 30 - Math.floor(i / 2) : 0));
  counts[60] = 17;
  return {
    inventory: {
      generatedAt: NOW,
      locations: [
        location({}),
        location({ id: 'local/http-analytics', records: 10, distinctIps: 2, countries: [{ code: 'US', count: 10 }], retention: '7d', notes: [], requests: 99 }),
        location({
          id: 'cloudflare/firewall-events',
          kind: 'cloudflare',
          controlledBy: 'cloudflare',
          expires: new Date('2025-03-04T00:00:00Z'),
          pastRetention: 0,
          held: 0,
          retention: '3d',
          zones: [
            {
              zoneId: '0123456789abcdef0123456789abcdef',
              name: HOSTILE,
              windowSeconds: 259_200,
              records: 5,
              oldest: NOW,
              newest: NOW,
              expires: new Date('2025-03-04T00:00:00Z'),
            },
          ],
        }),
        location({
          id: 'cloudflare/logpull',
          kind: 'cloudflare',
          controlledBy: 'cloudflare',
          status: 'not_readable',
          records: 0,
          countries: [],
          notes: [{ code: 'verbatim', text: ATTR }],
        }),
      ],
    },
    controller: `룩세렛 ${HOSTILE}`,
    toolVersion: '0.1.0',
    policyHash: 'sha256:abc',
    lastPullAt: new Date('2025-02-28T23:00:00Z'),
    lastPurgeAt: undefined,
    ageHistogram: {
      days: 60,
      series: [
        { locationId: 'local/firewall-events', retention: '30d', retentionSeconds: 2_592_000, counts },
        { locationId: 'local/http-analytics', retention: '7d', retentionSeconds: 604_800, counts: counts.map((n) => Math.floor(n / 10)) },
      ],
    },
    topHosts: [
      { host: 'shop.luxeret.com', count: 1000 },
      { host: HOSTILE, count: 5 },
      { host: ATTR, count: 1 },
    ],
    keptFields: ['clientRequestPath', 'userAgent'],
    drift: buildPolicyDrift({
      now: NOW,
      lastPurgeAt: undefined,
      overdue: [{ locationId: 'local/firewall-events', retention: '30d', count: 7 }],
      logSettings: undefined,
    }),
  };
}

describe('renderInventoryHtml', () => {
  const html = renderInventoryHtml(buildFixture());

  it('is one self-contained document: no script, no external reference, a restrictive CSP', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    expect(html).not.toMatch(/(?:src|href)="(?!#)/);
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;`);
  });

  it('escapes every planted value: hosts, countries (SVG too), zone names, notes, the controller', () => {
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    expect(html).toContain(`<dd>룩세렛 ${escaped}</dd>`);
    expect(html).toContain(`<td class="host">${escaped}</td>`);
    expect(html).toContain(`<td class="host">&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>`);
    expect(html).toContain(`${escaped} (0123456789abcdef0123456789abcdef)`);
    expect(html).toMatch(/<text class="bar-label"[^>]*>&lt;script&gt;alert\(1\)&lt;…<title>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    expect(html).toContain('note with &quot;&gt;&lt;img src=x onerror=alert(2)&gt;, commas, &quot;quotes&quot;\nand a newline | pipe');
  });

  it('shows the header, the locations with items and control, the charts and the drift checks', () => {
    expect(html).toContain('<dd>2025-03-01 00:00:00 UTC</dd>');
    expect(html).toContain('<dd>2025-03-01 09:00:00 KST</dd>');
    expect(html).toContain('<dd class="mono">sha256:abc</dd>');
    expect(html).toContain('IP address, country, AS number, host, time, action, rule, Ray ID, path, user agent');
    expect(html).toContain('Us — purged after 30d');
    expect(html).toContain('Cloudflare — ages out by 2025-03-04 00:00; no API deletes it');
    expect(html).toContain('XX (unknown)');
    expect(html).toContain('not readable with this token');
    expect(html.match(/<svg /g)).toHaveLength(2);
    // Contradictions first: purge never ran, then the overdue data; log settings not checked.
    const states = [...html.matchAll(/<div class="check state-(\w+)">/g)].map((m) => m[1]);
    expect(states).toEqual(['drift', 'drift', 'unknown', 'unknown']);
    expect(html).toContain('The purge has never run on this store.');
    expect(html).toContain('Security events (our store): 7 record(s) older than the retention (30d) plus 5 days, not under a legal hold.');
  });

  it('speaks Korean with lang ko', () => {
    const ko = renderInventoryHtml(buildFixture(), { lang: 'ko' });
    expect(ko).toContain('<html lang="ko">');
    expect(ko).toContain('<h1>방문자 개인정보 보유 현황</h1>');
    expect(ko).toContain('당사 — 30d 경과 후 파기');
    expect(ko).toContain('이 저장소에서 파기가 한 번도 실행되지 않았습니다.');
  });
});

describe('renderInventoryMarkdown', () => {
  const md = renderInventoryMarkdown(buildFixture());

  it('escapes pipes, newlines and HTML inside cells', () => {
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toMatch(/<img/i);
    expect(md).toContain('note with "&gt;&lt;img src=x onerror=alert(2)&gt;, commas, "quotes"<br>and a newline \\| pipe');
    expect(md).toContain('| &lt;script&gt;alert(1)&lt;/script&gt; | 5 |');
  });

  it('keeps every table rectangular', () => {
    const tables = md.match(/(?:^\|.*\n)+/gm) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(7);
    for (const table of tables) {
      const widths = table
        .trimEnd()
        .split('\n')
        .map((row) => row.replace(/\\\|/g, '').split('|').length);
      expect(new Set(widths).size).toBe(1);
    }
  });

  it('renders the header and the age table', () => {
    expect(md.split('\n').slice(0, 14).join('\n')).toBe(
      [
        '# Inventory of visitor personal data',
        '',
        'Where visitor IP addresses and countries, collected to protect the website against DDoS and hacking, are held, by whom, and for how long.',
        '',
        '| Item | Value |',
        '| --- | --- |',
        '| Controller | 룩세렛 &lt;script&gt;alert(1)&lt;/script&gt; |',
        '| Generated (UTC) | 2025-03-01 00:00:00 UTC |',
        '| Generated (KST, UTC+9) | 2025-03-01 09:00:00 KST |',
        '| Tool version | luxeret-privacy 0.1.0 |',
        '| Retention policy hash | sha256:abc |',
        '| Last successful pull | 2025-02-28 23:00:00 UTC |',
        '| Last purge | never |',
        '| Privacy policy checked against | 룩세렛 개인정보 처리방침 (Luxeret privacy policy), 2024-08-04 |',
      ].join('\n'),
    );
    expect(md).toContain('| 28–35d | 103 | 7 | Security events (our store): retention 30d |');
    expect(md).toContain('| ≥60d | 17 | 1 |   |');
    expect(md).toContain('| 35–42d | 59 | 5 | Security events (our store): +5d grace |');
  });
});
