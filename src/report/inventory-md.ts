import { escapeMarkdown } from './escape.js';
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
import { sortChecks } from '../policy/policy-drift.js';
import { formatCount } from './svg-charts.js';

type Align = 'left' | 'right';

/** The same content as the HTML report, as Markdown tables: every value escaped (`|`, line breaks, HTML, emphasis). */
export function renderInventoryMarkdown(data: InventoryReportData, options: ReportOptions = {}): string {
  const labels = selectReportLabels(options);
  const sections = [
    renderHeader(data, labels),
    renderSummary(data, labels),
    renderDrift(data, labels),
    renderLocations(data, labels),
    renderCountries(data, labels),
    renderAges(data, labels),
    renderHosts(data, labels),
    `---\n\n${escapeMarkdown(labels.footer(data.toolVersion))} ${escapeMarkdown(labels.noIpsNotice)}\n`,
  ];
  return sections.join('\n');
}

/** A GitHub-flavoured Markdown table; cells are escaped here, so callers pass plain text. */
export function renderMarkdownTable(head: readonly string[], rows: readonly (readonly (string | number)[])[], align: readonly Align[] = []): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((cell) => escapeMarkdown(cell, { isCell: true }) || ' ').join(' | ')} |`;
  const rule = `| ${head.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n') + '\n';
}

function renderHeader(data: InventoryReportData, labels: Messages): string {
  const at = data.inventory.generatedAt;
  const rows: [string, string][] = [
    [labels.controller, data.controller ?? labels.controllerUnset],
    [labels.generatedUtc, formatUtc(at)],
    [labels.generatedKst, formatKst(at)],
    [labels.toolVersion, `luxeret-privacy ${data.toolVersion}`],
    [labels.policyHash, data.policyHash],
    [labels.lastPull, data.lastPullAt ? formatUtc(data.lastPullAt) : labels.never],
    [labels.lastPurge, data.lastPurgeAt ? formatUtc(data.lastPurgeAt) : labels.never],
    [labels.privacyPolicy, labels.privacyPolicyName],
  ];
  return `# ${escapeMarkdown(labels.title)}\n\n${escapeMarkdown(labels.subtitle)}\n\n${renderMarkdownTable([labels.colItem, labels.colValue], rows)}`;
}

function renderSummary(data: InventoryReportData, labels: Messages): string {
  const totals = buildTotals(data);
  const rows: [string, string][] = [
    [labels.cardRecordsUs, formatCount(totals.recordsUs)],
    [labels.cardRecordsCloudflare, formatCount(totals.recordsCloudflare)],
    [labels.cardPastRetention, formatCount(totals.pastRetention)],
    [labels.cardHeld, formatCount(totals.held)],
    [labels.cardDrift, totals.contradictions > 0 ? formatCount(totals.contradictions) : labels.cardDriftNone],
  ];
  return renderMarkdownTable([labels.colItem, labels.colValue], rows, ['left', 'right']);
}

function renderDrift(data: InventoryReportData, labels: Messages): string {
  const rows = sortChecks(data.drift).map((check) => {
    const clause = POLICY_CLAUSES[check.rule];
    const translation = labels.policyQuoteTranslation[check.rule];
    const policy = `${clause.section}: ${clause.text}${translation === undefined ? '' : `\n(${translation})`}`;
    return [labels.driftState[check.state], labels.driftRule[check.rule], describeCheck(labels, check).join('\n'), policy];
  });
  const head = [labels.colStatus, labels.colCheck, labels.colNotes, labels.policySays];
  return `## ${escapeMarkdown(labels.driftTitle)}\n\n${escapeMarkdown(labels.driftIntro)}\n\n${renderMarkdownTable(head, rows)}`;
}

function renderLocations(data: InventoryReportData, labels: Messages): string {
  const head = [
    labels.colLocation,
    labels.colItems,
    labels.colControlledBy,
    labels.colRecords,
    labels.colDistinctIps,
    labels.colOldest,
    labels.colNewest,
    labels.colRetention,
    labels.colPastRetention,
    labels.colHeld,
    labels.colExpires,
    labels.colStatus,
  ];
  const rows = data.inventory.locations.map((location) => [
    `${describeLocation(labels, location.id)} (${location.id})`,
    selectItems(labels, location, data.keptFields).join(', '),
    describeControl(labels, location),
    formatCount(location.records),
    formatCount(location.distinctIps),
    formatMinute(location.oldest),
    formatMinute(location.newest),
    location.retention ?? labels.unknown,
    formatCount(location.pastRetention),
    formatCount(location.held),
    formatMinute(location.expires),
    labels.statusLabel[location.status],
  ]);
  const align: Align[] = ['left', 'left', 'left', 'right', 'right', 'left', 'left', 'left', 'right', 'right', 'left', 'left'];
  const parts = [`## ${escapeMarkdown(labels.locationsTitle)}\n`, renderMarkdownTable(head, rows, align)];
  const notes = data.inventory.locations.map((location) => [
    describeLocation(labels, location.id),
    formatCountryList(labels, location.countries),
    selectNotes(labels, location).join('\n'),
  ]);
  parts.push(renderMarkdownTable([labels.colLocation, labels.colCountries, labels.colNotes], notes));
  const zoneRows = data.inventory.locations.flatMap((location) =>
    (location.zones ?? []).map((zone) => [
      describeLocation(labels, location.id),
      zone.name ? `${zone.name} (${zone.zoneId})` : zone.zoneId,
      zone.windowSeconds === undefined ? labels.unknown : `${Math.round((zone.windowSeconds / 86_400) * 10) / 10}d`,
      zone.records === undefined ? '-' : formatCount(zone.records),
      formatMinute(zone.oldest),
      formatMinute(zone.newest),
      formatMinute(zone.expires),
    ]),
  );
  if (zoneRows.length > 0) {
    parts.push(`### ${escapeMarkdown(labels.zonesTitle)}\n`);
    parts.push(
      renderMarkdownTable(
        [labels.colLocation, labels.colZone, labels.colWindow, labels.colRecords, labels.colOldest, labels.colNewest, labels.colExpires],
        zoneRows,
        ['left', 'left', 'left', 'right'],
      ),
    );
  }
  return parts.join('\n');
}

function renderCountries(data: InventoryReportData, labels: Messages): string {
  const locals = selectLocalLocations(data.inventory);
  const rows = buildCountryRows(locals, labels.otherCountries);
  const title = `## ${escapeMarkdown(labels.countryChartTitle)}\n\n${escapeMarkdown(labels.countryChartCaption)}\n\n`;
  if (rows.length === 0) return `${title}${escapeMarkdown(labels.noLocalRecords)}\n`;
  const head = [labels.colCountry, ...locals.map((location) => describeLocation(labels, location.id)), labels.colRecords];
  const body = rows.map((row) => [
    row.isOther ? row.code : describeCountry(labels, row.code),
    ...row.values.map(formatCount),
    formatCount(row.values.reduce((a, b) => a + b, 0)),
  ]);
  return title + renderMarkdownTable(head, body, ['left', ...locals.map((): Align => 'right'), 'right']);
}

/** The age histogram as a table: one row per week of age (days would make 60 rows), retention rows marked. */
function renderAges(data: InventoryReportData, labels: Messages): string {
  const { days, series } = data.ageHistogram;
  const title = `## ${escapeMarkdown(labels.ageChartTitle)}\n\n${escapeMarkdown(labels.ageTableCaption(days))}\n\n`;
  if (series.every((s) => s.counts.every((n) => n === 0))) return `${title}${escapeMarkdown(labels.noLocalRecords)}\n`;
  const rows: string[][] = [];
  const week = 7;
  for (let from = 0; from < days; from += week) {
    const to = Math.min(days, from + week);
    const marks = series.flatMap((s) => {
      const retentionDays = s.retentionSeconds / 86_400;
      const out: string[] = [];
      if (retentionDays >= from && retentionDays < to) out.push(`${describeLocation(labels, s.locationId)}: ${labels.retentionLine(s.retention)}`);
      if (retentionDays + DRIFT_GRACE_DAYS >= from && retentionDays + DRIFT_GRACE_DAYS < to) {
        out.push(`${describeLocation(labels, s.locationId)}: ${labels.graceLine(DRIFT_GRACE_DAYS)}`);
      }
      return out;
    });
    rows.push([`${from}–${to}d`, ...series.map((s) => formatCount(s.counts.slice(from, to).reduce((a, b) => a + b, 0))), [...new Set(marks)].join('; ')]);
  }
  rows.push([labels.olderBucket(days), ...series.map((s) => formatCount(s.counts[days] ?? 0)), '']);
  const head = [labels.ageAxis, ...series.map((s) => describeLocation(labels, s.locationId)), labels.colNotes];
  return title + renderMarkdownTable(head, rows, ['left', ...series.map((): Align => 'right'), 'left']);
}

function renderHosts(data: InventoryReportData, labels: Messages): string {
  const title = `## ${escapeMarkdown(labels.hostsTitle)}\n\n${escapeMarkdown(labels.hostsIntro)}\n\n`;
  if (data.topHosts.length === 0) return `${title}${escapeMarkdown(labels.none)}\n`;
  return (
    title +
    renderMarkdownTable(
      [labels.colHost, labels.colCount],
      data.topHosts.map((h) => [h.host === '' ? '-' : h.host, formatCount(h.count)]),
      ['left', 'right'],
    )
  );
}
