import { describe, expect, it } from 'vitest';
import { LOCATION_IDS, type InventoryLocation } from '../inventory/inventory.js';
import { selectMessages } from './messages/index.js';
import { renderInventoryHtml } from './inventory-html.js';
import { renderInventoryMarkdown } from './inventory-md.js';
import type { InventoryReportData } from './inventory-report.js';
import { buildPolicyDrift } from '../policy/policy-drift.js';

const NOW = new Date('2025-03-01T00:00:00Z');

const HTTP_ANALYTICS: InventoryLocation = {
  id: 'cloudflare/http-analytics',
  kind: 'cloudflare',
  records: 7,
  distinctIps: 3,
  countries: [{ code: 'KR', count: 7 }],
  oldest: undefined,
  newest: undefined,
  pastRetention: 0,
  held: 0,
  retention: '30d',
  controlledBy: 'cloudflare',
  expires: undefined,
  status: 'ok',
  notes: [],
};

function withHttpAnalytics(): InventoryReportData {
  return {
    inventory: { generatedAt: NOW, locations: [HTTP_ANALYTICS] },
    controller: 'Luxeret',
    toolVersion: '0.1.0',
    policyHash: 'sha256:abc',
    lastPullAt: NOW,
    lastPurgeAt: undefined,
    ageHistogram: { days: 60, series: [] },
    topHosts: [],
    keptFields: [],
    drift: buildPolicyDrift({ now: NOW, lastPurgeAt: undefined, overdue: [], logSettings: undefined }),
  };
}

describe('location labels', () => {
  it.each(['en', 'ko'] as const)('every location id has its own label in %s', (lang) => {
    const labels = selectMessages(lang);
    const names = LOCATION_IDS.map((id) => labels.location[id]);
    expect(new Set(names).size).toBe(LOCATION_IDS.length);
    for (const [i, id] of LOCATION_IDS.entries()) expect(names[i]).not.toBe(id);
  });

  it.each([
    ['en', 'Requests per IP and country kept by Cloudflare'],
    ['ko', 'Cloudflare가 보관하는 IP·국가별 요청 수'],
  ] as const)('the HTML and Markdown reports name cloudflare/http-analytics by its label in %s', (lang, label) => {
    const html = renderInventoryHtml(withHttpAnalytics(), { lang });
    const md = renderInventoryMarkdown(withHttpAnalytics(), { lang });
    expect(html).toContain(`<a href="#loc-cloudflare-http-analytics">${label}</a>`);
    expect(html).toContain(`<h3>${label}</h3>`);
    expect(md).toContain(`| ${label} |`);
    // The raw id may follow the label, but never stands in for it.
    expect(html).not.toContain('>cloudflare/http-analytics</a>');
    expect(html).not.toContain('<h3>cloudflare/http-analytics</h3>');
    expect(md).not.toContain('| cloudflare/http-analytics |');
  });
});
