import { describe, expect, it } from 'vitest';
import { formatCount, renderBarChartSvg, renderHistogramSvg } from './svg-charts.js';

const HOSTILE = '<script>alert(1)</script>"\'&';

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [12.6, '13'],
  ])('%d → %s', (n, text) => expect(formatCount(n)).toBe(text));
});

describe('renderBarChartSvg', () => {
  it('draws one bar per non-zero value, escapes labels in text, titles and attributes', () => {
    const svg = renderBarChartSvg({
      title: `Countries ${HOSTILE}`,
      series: [
        { name: `A ${HOSTILE}`, color: '#2563eb' },
        { name: 'B', color: '#0d9488' },
      ],
      rows: [
        { label: 'KR', values: [10, 5] },
        { label: HOSTILE, values: [3, 0] },
        { label: 'other', values: [1, 1], isMuted: true },
      ],
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toMatch(/"[^"=]*"'/);
    expect(svg).toContain('aria-label="Countries &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</title>');
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(5);
    // Totals at the end of each bar; the catch-all row in grey.
    expect(svg).toContain('>15</text>');
    expect(svg).toMatch(/fill="#94a3b8"><title>other/);
    // Long labels are shortened on screen, the full text stays in the tooltip.
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;…');
  });

  it('draws an empty frame for no rows', () => {
    const svg = renderBarChartSvg({ title: 't', series: [{ name: 'a', color: '#000' }], rows: [] });
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 720 42"/);
    expect(svg).not.toContain('class="bar"');
  });
});

describe('renderHistogramSvg', () => {
  const spec = {
    title: 'Ages',
    series: [
      { name: 'events', color: '#2563eb', pastColor: '#dc2626', pastFrom: 3 },
      { name: 'analytics', color: '#0d9488' },
    ],
    counts: [
      [5, 4, 0, 2, 1, 7],
      [1, 0, 0, 0, 0, 0],
    ],
    buckets: 5,
    markers: [
      { at: 3, label: 'retention 3d', color: '#1e3a8a' },
      { at: 8, label: '+5d grace', color: '#1e3a8a', isDashed: true },
      { at: 99, label: 'off the chart', color: '#000' },
    ],
    xLabel: 'age (days)',
    yLabel: 'records',
    overflowLabel: `≥5d ${HOSTILE}`,
  };

  it('stacks the series per bucket, colours buckets past retention, and marks the retention line', () => {
    const svg = renderHistogramSvg(spec);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg.match(/<rect class="bar past"/g)).toHaveLength(3);
    expect(svg.match(/<line class="marker"/g)).toHaveLength(1);
    expect(svg).toContain('retention 3d');
    expect(svg).not.toContain('off the chart');
    expect(svg).toContain('≥5d &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(svg).not.toContain('<script');
  });

  it('labels the y axis with whole numbers', () => {
    const svg = renderHistogramSvg({ ...spec, counts: [[1, 0, 0, 0, 0, 0]] });
    const ticks = [...svg.matchAll(/text-anchor="end" font-size="11" fill="#6b7280">([^<]+)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '1', '2', '3', '4']);
  });
});
