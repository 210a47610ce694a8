import { describe, expect, it } from 'vitest';
import type { PullSummary } from '../pull/summary.js';
import { emptyDatasetResult } from '../pull/summary.js';
import { buildPullJson, renderPullText } from './pull-summary.js';

const T = Date.parse('2026-10-20T10:00:00Z') / 1000;
const summary: PullSummary = {
  startedAt: T,
  finishedAt: T + 12,
  outcome: 'done',
  zones: [
    {
      zoneId: '023e105f4ecef8ad9ca31a8372d0c353',
      zoneName: 'shop, "main"\n<script>',
      status: 'ok',
      datasets: [
        {
          ...emptyDatasetResult('firewall_events'),
          inserted: 1200,
          duplicates: 3,
          lateRows: 17,
          windows: 2,
          requests: 5,
          pulledFrom: T - 86_340,
          pulledTo: T,
          coveredFrom: T - 86_340,
          coveredTo: T,
          settledTo: T - 600,
          gaps: [{ from: T - 172_800, to: T - 86_340, reason: 'older than the plan allows (notOlderThan 86400s)' }],
        },
        { ...emptyDatasetResult('http_analytics'), inserted: 40, windows: 7, perCountryOnly: true, coveredFrom: T - 7 * 86_400, coveredTo: T, settledTo: T },
      ],
    },
    {
      zoneId: 'b'.repeat(32),
      zoneName: undefined,
      status: 'failed',
      datasets: [],
      error: { message: 'Zone bbbb is not visible to this API token', status: undefined },
    },
  ],
};

describe('pull summary formatters', () => {
  it('JSON: snake_case, ISO-8601 UTC, stable order', () => {
    const json = buildPullJson(summary) as { zones: { datasets: Record<string, unknown>[] }[] };
    expect(Object.keys(json)).toEqual(['started_at', 'finished_at', 'zones']);
    expect(json.zones[0]!.datasets[0]).toMatchObject({
      dataset: 'firewall_events',
      new: 1200,
      duplicates_skipped: 3,
      late_rows: 17,
      covered: { from: '2026-10-19T10:01:00Z', to: '2026-10-20T10:00:00Z' },
      settled_to: '2026-10-20T09:50:00Z',
      gaps: [{ from: '2026-10-18T10:00:00Z', to: '2026-10-19T10:01:00Z', reason: 'older than the plan allows (notOlderThan 86400s)' }],
    });
    expect(json.zones[0]!.datasets[1]).toMatchObject({ per_country_only: true, late_rows: 0, settled_to: '2026-10-20T10:00:00Z' });
  });

  it('text: a row per zone and dataset, notes for gaps, per-country only and failures; control characters escaped', () => {
    const text = renderPullText(summary);
    expect(text).toContain('firewall_events');
    expect(text).toContain('1200');
    expect(text).toContain('only per-country counts are held');
    expect(text).toMatch(/│ Late │/);
    expect(text).toContain('firewall_events: 17 late rows found in the re-read overlap');
    expect(text).toContain('firewall_events: settled up to 2026-10-20T09:50:00Z; later rows may still arrive');
    expect(text).not.toContain('http_analytics: settled up to');
    expect(text).toContain('gap 2026-10-18 10:00 – 2026-10-19 10:01: older than the plan allows');
    expect(text).toContain('failed: Zone bbbb is not visible');
    expect(text).toContain('\\u000a<script>');
    expect(text).not.toContain('\x1b');
  });
});
