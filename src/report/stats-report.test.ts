import { describe, expect, it } from 'vitest';
import { buildStatsReport, selectDayRange } from '../stats/stats-report.js';
import { renderStatsCsv } from './stats-csv.js';
import { renderStatsJson } from './stats-json.js';
import { renderStatsTable } from './stats-table.js';

const DAY = 86_400;
const D0 = Date.parse('2025-01-30T00:00:00Z') / 1000;

const report = buildStatsReport({
  cells: [
    { dataset: 'firewall_events', day: D0, zoneId: 'z1', country: 'KR', count: 120, distinctIps: 31 },
    { dataset: 'firewall_events', day: D0, zoneId: 'z2', country: '', count: 12, distinctIps: 10 },
    { dataset: 'http_analytics', day: D0 + DAY, zoneId: 'z1', country: 'JP', count: 960, distinctIps: null },
  ],
  markers: [
    { dataset: 'firewall_events', day: D0, zoneId: 'z1', rolledUpFor: 'purge', cells: 1, suppressedCells: 2 },
    { dataset: 'firewall_events', day: D0, zoneId: 'z2', rolledUpFor: 'purge', cells: 1, suppressedCells: 0 },
    { dataset: 'http_analytics', day: D0 + DAY, zoneId: 'z1', rolledUpFor: 'subject-erase', cells: 1, suppressedCells: 1 },
  ],
  zoneNames: new Map([['z1', '=evil,"name"\nx']]),
  minCount: 10,
  from: new Date('2025-01-30T06:00:00Z'),
  to: undefined,
  generatedAt: new Date('2025-03-01T00:00:00Z'),
});

describe('stats formatters', () => {
  it('CSV: one row per cell, RFC 4180, formulas defused, unknown distinct IPs empty', () => {
    expect(renderStatsCsv(report)).toMatchInlineSnapshot(`
      "day,dataset,zone_id,zone_name,country,unit,count,distinct_ips
      2025-01-30,firewall_events,z1,"'=evil,""name""
      x",KR,events,120,31
      2025-01-30,firewall_events,z2,,,events,12,10
      2025-01-31,http_analytics,z1,"'=evil,""name""
      x",JP,requests,960,
      "
    `);
  });

  it('JSON: stable keys, suppression stated, null where distinct IPs are unknown', () => {
    const json = JSON.parse(renderStatsJson(report));
    expect(Object.keys(json)).toEqual(['generated_at', 'from', 'to', 'min_count', 'suppression', 'rolled_up_units', 'suppressed_cells', 'cells']);
    expect(json).toMatchObject({ from: '2025-01-30T06:00:00Z', to: null, min_count: 10, rolled_up_units: 3, suppressed_cells: 3 });
    expect(json.cells[2]).toEqual({
      day: '2025-01-31',
      dataset: 'http_analytics',
      zone_id: 'z1',
      zone_name: '=evil,"name"\nx',
      country: 'JP',
      unit: 'requests',
      count: 960,
      distinct_ips: null,
    });
  });

  it('table: terminal-safe cells and the suppression note', () => {
    const table = renderStatsTable(report);
    expect(table).toContain('=evil,"name"\\u000ax');
    expect(table).toContain('(unknown)');
    expect(table).toContain('(not known)');
    expect(table).toContain('3 day/zone units rolled up; 3 cells with fewer than 10 events or distinct IPs were suppressed (never stored).');
    expect(renderStatsTable({ ...report, rows: [] })).toContain('No statistics in this range yet');
  });
});

describe('selectDayRange', () => {
  it.each([
    [undefined, undefined, {}],
    [new Date('2025-01-30T06:00:00Z'), undefined, { fromDay: D0 }],
    [new Date('2025-01-30T00:00:00Z'), new Date('2025-01-31T00:00:00Z'), { fromDay: D0, toDay: D0 + DAY }],
    [undefined, new Date('2025-01-31T00:00:00.001Z'), { toDay: D0 + DAY + 1 }],
  ])('%s – %s → %j', (from, to, expected) => {
    expect(selectDayRange(from, to)).toEqual(expected);
  });
});
