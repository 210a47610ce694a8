import { escapeHtml } from './escape.js';

// Inline SVG charts for the HTML report: no script, no external asset, every text and attribute escaped
// (labels are country codes and location names that can come from visitors' requests).

export interface ChartSeries {
  readonly name: string;
  /** A CSS colour written by us, never from data. */
  readonly color: string;
}

/** A histogram series whose buckets from `pastFrom` on are drawn in `pastColor` (past its retention). */
export interface HistogramSeries extends ChartSeries {
  readonly pastColor?: string;
  readonly pastFrom?: number;
}

export interface BarRow {
  readonly label: string;
  /** One value per series, stacked left to right. */
  readonly values: readonly number[];
  /** Drawn in grey: a catch-all row such as "other". */
  readonly isMuted?: boolean;
}

const MUTED_COLORS = ['#94a3b8', '#cbd5e1', '#64748b', '#e2e8f0'];

export interface BarChartSpec {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly rows: readonly BarRow[];
  readonly width?: number;
}

/** `1234567` → `1,234,567`, the same on every machine (no locale). */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', 'Noto Sans KR', 'Noto Sans CJK KR', sans-serif\"";

/** Horizontal stacked bars, one row per label, the total at the end of each bar; a legend when there are 2+ series. */
export function renderBarChartSvg(spec: BarChartSpec): string {
  const width = spec.width ?? 720;
  const labelWidth = 150;
  const valueWidth = 80;
  const rowHeight = 28;
  const legendHeight = spec.series.length > 1 ? 28 : 0;
  const top = legendHeight + 6;
  const height = top + Math.max(1, spec.rows.length) * rowHeight + 8;
  const plotWidth = width - labelWidth - valueWidth;
  const max = Math.max(1, ...spec.rows.map((row) => sum(row.values)));
  const parts: string[] = [];
  parts.push(...renderLegend(spec.series, labelWidth, 18));
  spec.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const total = sum(row.values);
    parts.push(
      `<text class="bar-label" x="${labelWidth - 10}" y="${y + rowHeight / 2 + 4}" text-anchor="end" font-size="13" fill="#1f2937">${escapeHtml(truncate(row.label, 18))}<title>${escapeHtml(row.label)}</title></text>`,
    );
    let x = labelWidth;
    row.values.forEach((value, s) => {
      if (value <= 0) return;
      const w = Math.max(1, (value / max) * plotWidth);
      const series = spec.series[s];
      const tip = `${row.label} — ${series?.name ?? ''}: ${formatCount(value)}`;
      parts.push(
        `<rect class="bar" x="${fixed(x)}" y="${y + 5}" width="${fixed(w)}" height="${rowHeight - 10}" rx="2" fill="${escapeHtml(row.isMuted ? MUTED_COLORS[s % MUTED_COLORS.length]! : (series?.color ?? '#64748b'))}"><title>${escapeHtml(tip)}</title></rect>`,
      );
      x += w;
    });
    parts.push(`<text x="${fixed(x + 6)}" y="${y + rowHeight / 2 + 4}" font-size="12" fill="#374151">${escapeHtml(formatCount(total))}</text>`);
  });
  return svg(width, height, spec.title, parts);
}

export interface HistogramMarker {
  /** Position on the x axis, in buckets (days): the line is drawn at the left edge of this bucket. */
  readonly at: number;
  readonly label: string;
  readonly color: string;
  readonly isDashed?: boolean;
}

export interface HistogramSpec {
  readonly title: string;
  readonly series: readonly HistogramSeries[];
  /** The legend's entries; by default one per series. */
  readonly legend?: readonly ChartSeries[];
  /** Per series: counts for buckets 0..buckets-1, then one overflow bucket (everything older). */
  readonly counts: readonly (readonly number[])[];
  readonly buckets: number;
  readonly markers: readonly HistogramMarker[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly overflowLabel: string;
  readonly width?: number;
  readonly height?: number;
}

/** A stacked column per bucket (age in days), an overflow column, vertical marker lines (retention, grace). */
export function renderHistogramSvg(spec: HistogramSpec): string {
  const width = spec.width ?? 900;
  const height = spec.height ?? 320;
  const legendHeight = (spec.legend ?? spec.series).length > 1 ? 26 : 0;
  const margin = { left: 64, right: 16, top: legendHeight + 34, bottom: 46 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const columns = spec.buckets + 1;
  const gap = 8; // between the last day and the overflow column
  const step = (plotW - gap) / columns;
  const xOf = (bucket: number) => margin.left + bucket * step + (bucket >= spec.buckets ? gap : 0);
  const totals = Array.from({ length: columns }, (_, b) => sum(spec.counts.map((counts) => counts[b] ?? 0)));
  const yMax = 4 * niceStep(Math.max(1, ...totals) / 4);
  const yOf = (value: number) => margin.top + plotH - (value / yMax) * plotH;
  const parts: string[] = [];
  parts.push(...renderLegend(spec.legend ?? spec.series, margin.left, 16));

  for (let i = 0; i <= 4; i++) {
    const value = (yMax / 4) * i;
    const y = yOf(value);
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${fixed(y)}" y2="${fixed(y)}" stroke="#e5e7eb" stroke-width="1"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${fixed(y + 4)}" text-anchor="end" font-size="11" fill="#6b7280">${escapeHtml(formatCount(value))}</text>`);
  }
  for (let b = 0; b < columns; b++) {
    let base = 0;
    spec.counts.forEach((counts, s) => {
      const value = counts[b] ?? 0;
      if (value <= 0) return;
      const y1 = yOf(base + value);
      const h = Math.max(1, yOf(base) - y1);
      const series = spec.series[s];
      const range = b >= spec.buckets ? spec.overflowLabel : `${b}–${b + 1}d`;
      const isPast = series?.pastColor !== undefined && series.pastFrom !== undefined && b >= series.pastFrom;
      const color = (isPast ? series.pastColor : series?.color) ?? '#64748b';
      parts.push(
        `<rect class="bar${isPast ? ' past' : ''}" x="${fixed(xOf(b) + 0.5)}" y="${fixed(y1)}" width="${fixed(Math.max(1, step - 1))}" height="${fixed(h)}" fill="${escapeHtml(color)}"><title>${escapeHtml(`${series?.name ?? ''} ${range}: ${formatCount(value)}`)}</title></rect>`,
      );
      base += value;
    });
  }
  const axisY = margin.top + plotH;
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${axisY}" y2="${axisY}" stroke="#9ca3af" stroke-width="1"/>`);
  const tickEvery = spec.buckets <= 30 ? 5 : spec.buckets <= 120 ? 10 : 30;
  for (let b = 0; b < spec.buckets; b += tickEvery) {
    parts.push(`<text x="${fixed(xOf(b))}" y="${axisY + 16}" text-anchor="middle" font-size="11" fill="#6b7280">${b}</text>`);
  }
  parts.push(
    `<text x="${fixed(xOf(spec.buckets) + step / 2)}" y="${axisY + 16}" text-anchor="middle" font-size="11" fill="#b91c1c">${escapeHtml(spec.overflowLabel)}</text>`,
  );
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12" fill="#374151">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" font-size="12" fill="#374151" transform="rotate(-90 14 ${margin.top + plotH / 2})">${escapeHtml(spec.yLabel)}</text>`,
  );
  // Marker labels are staggered so that close lines (30d and 35d) do not print over each other.
  spec.markers.forEach((marker, i) => {
    if (marker.at > spec.buckets) return;
    const x = xOf(marker.at);
    const dash = marker.isDashed ? ' stroke-dasharray="5 4"' : '';
    const labelY = margin.top - 8 - (i % 2) * 13;
    const anchor = x > margin.left + plotW * 0.75 ? 'end' : 'start';
    const dx = anchor === 'end' ? -4 : 4;
    parts.push(
      `<line class="marker" x1="${fixed(x)}" x2="${fixed(x)}" y1="${labelY + 3}" y2="${axisY}" stroke="${escapeHtml(marker.color)}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<text x="${fixed(x + dx)}" y="${labelY}" text-anchor="${anchor}" font-size="11" font-weight="600" fill="${escapeHtml(marker.color)}">${escapeHtml(marker.label)}</text>`,
    );
  });
  return svg(width, height, spec.title, parts);
}

function renderLegend(series: readonly ChartSeries[], x0: number, y: number): string[] {
  if (series.length < 2) return [];
  const parts: string[] = [];
  let x = x0;
  for (const s of series) {
    parts.push(`<rect x="${fixed(x)}" y="${y - 10}" width="12" height="12" rx="2" fill="${escapeHtml(s.color)}"/>`);
    parts.push(`<text x="${fixed(x + 17)}" y="${y}" font-size="12" fill="#374151">${escapeHtml(s.name)}</text>`);
    x += 30 + measureText(s.name, 7.2);
  }
  return parts;
}

function svg(width: number, height: number, title: string, parts: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${escapeHtml(title)}" ${FONT}>`,
    `<title>${escapeHtml(title)}</title>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** A whole gridline step of 1, 2 or 5 times a power of ten, at or above `value`. */
function niceStep(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}

/** Roughly how wide a label is at 12px: Hangul and other wide characters take about twice a Latin letter. */
function measureText(text: string, latinWidth: number): number {
  return [...text].reduce((width, ch) => width + (/[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? latinWidth * 1.7 : latinWidth), 0);
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function fixed(n: number): string {
  return String(Math.round(n * 10) / 10);
}
