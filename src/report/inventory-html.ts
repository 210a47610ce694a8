import type { CloudflareZoneWindow, InventoryLocation, LocationId } from '../inventory/inventory.js';
import { escapeHtml } from './escape.js';
import type { Messages } from './messages/index.js';
import {
  buildCountryRows,
  buildTotals,
  describeCheck,
  describeControl,
  describeCountry,
  describeLocation,
  formatCountryList,
  formatKst,
  formatMinute,
  formatUtc,
  selectItems,
  selectLocalLocations,
  selectNotes,
  selectReportLabels,
  type InventoryReportData,
  type ReportOptions,
} from './inventory-report.js';
import { DRIFT_GRACE_DAYS } from '../policy/tolerances.js';
import { POLICY_CLAUSES } from './messages/policy-clauses.js';
import { sortChecks, type DriftCheck } from '../policy/policy-drift.js';
import { formatCount, renderBarChartSvg, renderHistogramSvg, type ChartSeries, type HistogramMarker } from './svg-charts.js';

/** Series colours of the local locations, in inventory order (firewall events, then request analytics). */
const SERIES_COLORS = ['#2563eb', '#0d9488', '#9333ea', '#ea580c'];
/** The same series past their retention: reds, so what the next purge deletes stands out. */
const PAST_COLORS = ['#dc2626', '#f87171', '#b91c1c', '#fca5a5'];
/** Retention and grace lines, a darker shade of their series' colour. */
const MARKER_COLORS = ['#1e3a8a', '#115e59', '#581c87', '#7c2d12'];

// Only what is written below may run or load: even a value that slipped through escaping could not run a script
// or fetch anything (the report is opened from disk by people who may not expect it to reach out).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The inventory as one self-contained HTML page (inline CSS and SVG, no script), every value escaped. */
export function renderInventoryHtml(data: InventoryReportData, options: ReportOptions = {}): string {
  const labels = selectReportLabels(options);
  const body = [
    renderHeader(data, labels),
    renderCards(data, labels),
    renderDrift(data.drift, labels),
    renderLocations(data, labels),
    renderCharts(data, labels),
    renderHosts(data, labels),
    `<footer><p>${escapeHtml(labels.footer(data.toolVersion))} ${escapeHtml(labels.noIpsNotice)}</p></footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    `<html lang="${labels.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${labels.title} — ${data.controller ?? 'luxeret-privacy'} — ${formatMinute(data.inventory.generatedAt)} UTC`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderHeader(data: InventoryReportData, labels: Messages): string {
  const generatedAt = data.inventory.generatedAt;
  const rows: [string, string, string?][] = [
    [labels.controller, data.controller ?? labels.controllerUnset, data.controller === undefined ? 'muted' : undefined],
    [labels.generatedUtc, formatUtc(generatedAt)],
    [labels.generatedKst, formatKst(generatedAt)],
    [labels.toolVersion, `luxeret-privacy ${data.toolVersion}`],
    [labels.policyHash, data.policyHash, 'mono'],
    [labels.lastPull, data.lastPullAt ? formatUtc(data.lastPullAt) : labels.never],
    [labels.lastPurge, data.lastPurgeAt ? formatUtc(data.lastPurgeAt) : labels.never],
    [labels.privacyPolicy, labels.privacyPolicyName],
  ];
  const meta = rows.map(([term, value, cls]) => `<div><dt>${escapeHtml(term)}</dt><dd${cls ? ` class="${cls}"` : ''}>${escapeHtml(value)}</dd></div>`);
  return [
    '<header class="report-header">',
    '<div class="eyebrow">luxeret-privacy · inventory</div>',
    `<h1>${escapeHtml(labels.title)}</h1>`,
    `<p class="lede">${escapeHtml(labels.subtitle)}</p>`,
    `<dl class="meta">${meta.join('')}</dl>`,
    '</header>',
  ].join('\n');
}

function renderCards(data: InventoryReportData, labels: Messages): string {
  const totals = buildTotals(data);
  const card = (label: string, value: string, tone: string) =>
    `<div class="card ${tone}"><div class="card-value">${escapeHtml(value)}</div><div class="card-label">${escapeHtml(label)}</div></div>`;
  return [
    '<section class="cards" aria-label="summary">',
    card(labels.cardRecordsUs, formatCount(totals.recordsUs), 'neutral'),
    card(labels.cardRecordsCloudflare, formatCount(totals.recordsCloudflare), 'neutral'),
    card(labels.cardPastRetention, formatCount(totals.pastRetention), totals.pastRetention > 0 ? 'warn' : 'good'),
    card(labels.cardHeld, formatCount(totals.held), totals.held > 0 ? 'info' : 'neutral'),
    card(labels.cardDrift, totals.contradictions > 0 ? formatCount(totals.contradictions) : labels.cardDriftNone, totals.contradictions > 0 ? 'bad' : 'good'),
    '</section>',
  ].join('\n');
}

function renderDrift(checks: readonly DriftCheck[], labels: Messages): string {
  const items = sortChecks(checks).map((check) => {
    const clause = POLICY_CLAUSES[check.rule];
    const translation = labels.policyQuoteTranslation[check.rule];
    const lines = describeCheck(labels, check).map((line) => `<li>${escapeHtml(line)}</li>`);
    return [
      `<div class="check state-${check.state}">`,
      `<div class="check-head"><span class="badge badge-${check.state}">${escapeHtml(labels.driftState[check.state])}</span><h3>${escapeHtml(labels.driftRule[check.rule])}</h3></div>`,
      `<ul class="findings">${lines.join('')}</ul>`,
      `<blockquote lang="ko"><div class="quote-source">${escapeHtml(labels.policySays)} · ${escapeHtml(clause.section)}</div>${escapeHtml(clause.text)}`,
      translation === undefined ? '' : `<div class="translation" lang="en">${escapeHtml(translation)}</div>`,
      '</blockquote>',
      '</div>',
    ].join('');
  });
  return [
    '<section id="drift">',
    `<h2>${escapeHtml(labels.driftTitle)}</h2>`,
    `<p class="intro">${escapeHtml(labels.driftIntro)}</p>`,
    ...items,
    '</section>',
  ].join('\n');
}

function renderLocations(data: InventoryReportData, labels: Messages): string {
  const head = [
    labels.colLocation,
    labels.colRecords,
    labels.colDistinctIps,
    labels.colOldest,
    labels.colNewest,
    labels.colPastRetention,
    labels.colHeld,
    labels.colControlledBy,
    labels.colStatus,
  ];
  const numeric = new Set([1, 2, 5, 6]);
  const rows = data.inventory.locations.map((location) => {
    const cells = [
      `<a href="#${escapeHtml(anchor(location.id))}">${escapeHtml(describeLocation(labels, location.id))}</a><div class="id">${escapeHtml(location.id)}</div>`,
      escapeHtml(formatCount(location.records)),
      escapeHtml(formatCount(location.distinctIps)),
      escapeHtml(formatMinute(location.oldest)),
      escapeHtml(formatMinute(location.newest)),
      `<span class="${location.pastRetention > 0 ? 'num-warn' : ''}">${escapeHtml(formatCount(location.pastRetention))}</span>`,
      `<span class="${location.held > 0 ? 'num-info' : ''}">${escapeHtml(formatCount(location.held))}</span>`,
      escapeHtml(describeControl(labels, location)),
      renderStatus(location, labels),
    ];
    return `<tr class="kind-${location.kind}">${cells.map((cell, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`;
  });
  const table = [
    '<div class="table-wrap"><table class="overview">',
    `<thead><tr>${head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table></div>',
  ].join('\n');
  const details = data.inventory.locations.map((location) => renderLocationDetail(location, data, labels));
  return [
    '<section id="locations">',
    `<h2>${escapeHtml(labels.locationsTitle)}</h2>`,
    `<p class="intro">${escapeHtml(labels.locationsIntro)}</p>`,
    table,
    ...details,
    '</section>',
  ].join('\n');
}

function renderStatus(location: InventoryLocation, labels: Messages): string {
  const tone = location.status === 'ok' ? 'ok' : location.status === 'error' ? 'drift' : 'unknown';
  return `<span class="badge badge-${tone}">${escapeHtml(labels.statusLabel[location.status])}</span>`;
}

function renderLocationDetail(location: InventoryLocation, data: InventoryReportData, labels: Messages): string {
  const facts: [string, string][] = [
    [labels.colItems, selectItems(labels, location, data.keptFields).join(', ')],
    [labels.colControlledBy, describeControl(labels, location)],
    [labels.colRetention, location.retention ?? labels.unknown],
    [labels.colRecords, formatCount(location.records)],
    [labels.colDistinctIps, formatCount(location.distinctIps)],
    [labels.colOldest, formatMinute(location.oldest)],
    [labels.colNewest, formatMinute(location.newest)],
    [labels.colPastRetention, formatCount(location.pastRetention)],
    [labels.colHeld, formatCount(location.held)],
    [labels.colExpires, formatMinute(location.expires)],
    [labels.colCountries, formatCountryList(labels, location.countries, 12)],
  ];
  if (location.requests !== undefined) facts.splice(4, 0, [labels.colRequests, formatCount(location.requests)]);
  const parts = [
    `<article class="location kind-${location.kind}" id="${escapeHtml(anchor(location.id))}">`,
    `<div class="location-head"><h3>${escapeHtml(describeLocation(labels, location.id))}</h3><code>${escapeHtml(location.id)}</code>${renderStatus(location, labels)}</div>`,
    `<dl class="facts">${facts.map(([term, value]) => `<div${term === labels.colCountries ? ' class="wide"' : ''}><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`,
  ];
  if (location.zones !== undefined && location.zones.length > 0) parts.push(renderZones(location.zones, labels));
  const notes = selectNotes(labels, location);
  if (notes.length > 0) {
    parts.push(`<div class="notes"><h4>${escapeHtml(labels.notesTitle)}</h4><ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></div>`);
  }
  parts.push('</article>');
  return parts.join('\n');
}

function renderZones(zones: readonly CloudflareZoneWindow[], labels: Messages): string {
  const head = [labels.colZone, labels.colWindow, labels.colRecords, labels.colOldest, labels.colNewest, labels.colExpires];
  const rows = zones.map((zone) => {
    const window = zone.windowSeconds === undefined ? labels.unknown : `${Math.round((zone.windowSeconds / 86_400) * 10) / 10}d`;
    const cells = [
      zone.name ? `${zone.name} (${zone.zoneId})` : zone.zoneId,
      window,
      zone.records === undefined ? '-' : formatCount(zone.records),
      formatMinute(zone.oldest),
      formatMinute(zone.newest),
      formatMinute(zone.expires),
    ];
    return `<tr>${cells.map((cell, i) => `<td${i === 2 ? ' class="num"' : i === 1 ? ' class="nowrap"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return [
    `<h4>${escapeHtml(labels.zonesTitle)}</h4>`,
    '<div class="table-wrap"><table class="zones">',
    `<thead><tr>${head.map((h, i) => `<th${i === 2 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('');
}

function renderCharts(data: InventoryReportData, labels: Messages): string {
  const locals = selectLocalLocations(data.inventory);
  const series: ChartSeries[] = locals.map((location, i) => ({ name: describeLocation(labels, location.id), color: SERIES_COLORS[i % SERIES_COLORS.length]! }));
  const countryRows = buildCountryRows(locals, labels.otherCountries);
  const countryChart =
    countryRows.length === 0
      ? `<p class="empty">${escapeHtml(labels.noLocalRecords)}</p>`
      : renderBarChartSvg({
          title: labels.countryChartTitle,
          series,
          rows: countryRows.map((row) => ({ label: row.isOther ? row.code : describeCountry(labels, row.code), values: row.values, isMuted: row.isOther })),
          width: 1100,
        });
  return [
    '<section id="charts">',
    `<h2>${escapeHtml(labels.chartsTitle)}</h2>`,
    `<figure class="chart-card" id="chart-countries"><figcaption><strong>${escapeHtml(labels.countryChartTitle)}</strong> ${escapeHtml(labels.countryChartCaption)}</figcaption>`,
    countryChart,
    '</figure>',
    `<figure class="chart-card" id="chart-age"><figcaption><strong>${escapeHtml(labels.ageChartTitle)}</strong> ${escapeHtml(labels.ageChartCaption(data.ageHistogram.days))}</figcaption>`,
    renderAgeChart(
      data,
      labels,
      locals.map((location) => location.id),
      series,
    ),
    '</figure>',
    '</section>',
  ].join('\n');
}

function renderAgeChart(data: InventoryReportData, labels: Messages, localIds: readonly LocationId[], series: readonly ChartSeries[]): string {
  const { days } = data.ageHistogram;
  // Series in the order of the local locations, so colours match the country chart.
  const byId = new Map(data.ageHistogram.series.map((s) => [s.locationId, s]));
  const ordered = localIds.map((id) => byId.get(id));
  const counts = ordered.map((s) => s?.counts ?? []);
  if (counts.every((c) => c.every((n) => n === 0))) return `<p class="empty">${escapeHtml(labels.noLocalRecords)}</p>`;
  const isShared = new Set(ordered.map((s) => s?.retentionSeconds)).size === 1;
  const markers: HistogramMarker[] = [];
  const seen = new Set<number>();
  ordered.forEach((s, i) => {
    if (s === undefined || seen.has(s.retentionSeconds)) return;
    seen.add(s.retentionSeconds);
    const at = s.retentionSeconds / 86_400;
    const color = isShared ? '#991b1b' : MARKER_COLORS[i % MARKER_COLORS.length]!;
    markers.push({ at, label: labels.retentionLine(s.retention), color });
    markers.push({ at: at + DRIFT_GRACE_DAYS, label: labels.graceLine(DRIFT_GRACE_DAYS), color, isDashed: true });
  });
  // A bucket of whole days [b, b+1) is past retention once b reaches the retention (in days, rounded up).
  const histogramSeries = series.map((s, i) => {
    const fact = ordered[i];
    return fact === undefined ? s : { ...s, pastColor: PAST_COLORS[i % PAST_COLORS.length]!, pastFrom: Math.ceil(fact.retentionSeconds / 86_400) };
  });
  return renderHistogramSvg({
    title: labels.ageChartTitle,
    series: histogramSeries,
    legend: [...series, { name: labels.pastRetention, color: PAST_COLORS[0]! }],
    counts,
    buckets: days,
    markers,
    xLabel: labels.ageAxis,
    yLabel: labels.countAxis,
    overflowLabel: labels.olderBucket(days),
    width: 1100,
  });
}

function renderHosts(data: InventoryReportData, labels: Messages): string {
  const body =
    data.topHosts.length === 0
      ? `<p class="empty">${escapeHtml(labels.none)}</p>`
      : [
          '<div class="table-wrap"><table class="hosts">',
          `<thead><tr><th>${escapeHtml(labels.colHost)}</th><th class="num">${escapeHtml(labels.colCount)}</th></tr></thead>`,
          `<tbody>${data.topHosts.map((h) => `<tr><td class="host">${escapeHtml(h.host === '' ? '-' : h.host)}</td><td class="num">${escapeHtml(formatCount(h.count))}</td></tr>`).join('')}</tbody>`,
          '</table></div>',
        ].join('');
  return [
    '<section id="hosts">',
    `<h2>${escapeHtml(labels.hostsTitle)}</h2>`,
    `<p class="intro">${escapeHtml(labels.hostsIntro)}</p>`,
    body,
    '</section>',
  ].join('\n');
}

/** A fragment id from a location id: letters, digits and dashes only. */
function anchor(id: string): string {
  return `loc-${id.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

const STYLE = `
:root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--accent:#1d4ed8;
--ok:#15803d;--ok-bg:#dcfce7;--bad:#b91c1c;--bad-bg:#fee2e2;--warn:#b45309;--warn-bg:#fef3c7;--info:#1d4ed8;--info-bg:#dbeafe;--unk:#4b5563;--unk-bg:#f3f4f6}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans KR","Noto Sans CJK KR","Malgun Gothic","Apple SD Gothic Neo",sans-serif}
main{max-width:1200px;margin:0 auto;padding:32px 28px 48px}
h1{font-size:28px;margin:4px 0 6px;letter-spacing:-.01em}
h2{font-size:20px;margin:36px 0 8px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:0}
h4{font-size:13px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK KR",monospace;font-size:12.5px}
.eyebrow{font-size:12px;font-weight:600;color:var(--accent);text-transform:uppercase;letter-spacing:.08em}
.lede{margin:0 0 18px;color:#374151;max-width:820px}
.intro{margin:4px 0 14px;color:#374151}
.muted{color:var(--muted);font-style:italic}
.report-header{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:22px 24px 14px}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px 24px;margin:0}
.meta div{border-top:1px solid var(--line);padding-top:6px}
.meta dt{font-size:12px;color:var(--muted)}
.meta dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:18px 0 0}
.card{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--unk);border-radius:10px;padding:12px 14px}
.card-value{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.card-label{font-size:13px;color:var(--muted)}
.card.good{border-left-color:var(--ok)}.card.good .card-value{color:var(--ok)}
.card.bad{border-left-color:var(--bad)}.card.bad .card-value{color:var(--bad)}
.card.warn{border-left-color:var(--warn)}.card.warn .card-value{color:var(--warn)}
.card.info{border-left-color:var(--info)}.card.info .card-value{color:var(--info)}
.check{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--unk);border-radius:10px;padding:12px 16px;margin:10px 0}
.check.state-ok{border-left-color:var(--ok)}.check.state-drift{border-left-color:var(--bad);background:#fffafa}
.check-head{display:flex;align-items:center;gap:10px}
.findings{margin:8px 0 8px;padding-left:20px}
.findings li{margin:2px 0;overflow-wrap:anywhere}
.state-drift .findings li{color:#7f1d1d;font-weight:500}
blockquote{margin:6px 0 0;padding:8px 12px;background:#f9fafb;border-left:3px solid #d1d5db;color:#374151;font-size:13.5px}
.quote-source{font-size:11.5px;font-weight:600;color:var(--muted);margin-bottom:2px}
.translation{margin-top:4px;color:var(--muted);font-style:italic}
.badge{display:inline-block;padding:2px 9px;border-radius:999px;font-size:12px;font-weight:700;white-space:nowrap}
.badge-ok{background:var(--ok-bg);color:var(--ok)}.badge-drift{background:var(--bad-bg);color:var(--bad)}.badge-unknown{background:var(--unk-bg);color:var(--unk)}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:8px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{background:#f3f4f6;font-size:12px;color:#374151;font-weight:600}
tbody tr:last-child td{border-bottom:0}
td{overflow-wrap:break-word;word-break:break-word}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap{white-space:nowrap}
.num-warn{color:var(--warn);font-weight:700}.num-info{color:var(--info);font-weight:700}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11.5px;color:var(--muted)}
a{color:var(--accent);text-decoration:none}
.overview tr.kind-cloudflare td:first-child{border-left:4px solid #f59e0b}
.overview tr.kind-local td:first-child{border-left:4px solid #2563eb}
.overview tr.kind-engine td:first-child{border-left:4px solid #7c3aed}
.overview tr.kind-archive td:first-child{border-left:4px solid #0d9488}
.location{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 18px;margin:14px 0;break-inside:avoid}
.location.kind-local{border-top:4px solid #2563eb}.location.kind-engine{border-top:4px solid #7c3aed}.location.kind-cloudflare{border-top:4px solid #f59e0b}.location.kind-archive{border-top:4px solid #0d9488}
.location-head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.location-head code{color:var(--muted)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:8px 20px;margin:12px 0 0}
.facts div:first-child,.facts div:nth-child(2),.facts div.wide{grid-column:1/-1}
.facts dt{font-size:12px;color:var(--muted)}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.notes ul{margin:0;padding-left:20px;font-size:13.5px;color:#374151}
.notes li{overflow-wrap:anywhere}
.chart-card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 18px;margin:14px 0}
.chart-card figcaption{font-size:13.5px;color:#374151;margin-bottom:8px}
.chart-card figcaption strong{display:block;font-size:15px;color:var(--ink)}
.chart{display:block;max-width:100%;height:auto}
.empty{color:var(--muted);font-style:italic}
.hosts{max-width:100%}
.host{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
footer{margin-top:36px;padding-top:12px;border-top:1px solid var(--line);font-size:12.5px;color:var(--muted)}
@media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}}
@media print{body{background:#fff}main{padding:0}.report-header,.check,.location,.chart-card,.card{break-inside:avoid}a{color:inherit}}
`;
