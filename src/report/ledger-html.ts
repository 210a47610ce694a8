import { formatTimestamp } from '../inventory/inventory.js';
import type { Ledger } from '../ledger/ledger.js';
import { escapeHtml } from './escape.js';
import { buildLedgerCells, buildLedgerHeader, describeKeyRotations, describePeriod } from './ledger-cells.js';
import { LEDGER_COLUMNS, selectMessages, type LedgerColumn, type Lang } from './messages/index.js';

// Nothing may run or load: the page is opened from disk and printed; it needs no script and no network.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", system-ui, sans-serif; font-size: 9pt; color: #111; margin: 0; padding: 12px; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 8px; letter-spacing: 0.1em; }
dl.meta { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 8px; }
dl.meta div { display: flex; gap: 6px; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 8pt; }
th, td { border: 1px solid #333; padding: 3px 4px; vertical-align: top; word-break: keep-all; overflow-wrap: anywhere; }
th { background: #eee; font-weight: bold; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
td.hash { font-family: ui-monospace, monospace; font-size: 6.5pt; word-break: break-all; }
p.note { font-size: 8pt; color: #444; margin: 6px 0; }
.signatures { display: flex; justify-content: flex-end; gap: 32px; margin-top: 18px; page-break-inside: avoid; }
.signatures div { white-space: nowrap; }
.signatures span.line { display: inline-block; width: 45mm; border-bottom: 1px solid #111; margin: 0 4px; }
@media print { body { padding: 0; } th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

const NUMERIC = new Set(['no', 'deleted', 'before', 'after', 'audit_seq']);
const TIMES = new Set(['created', 'destroyed']);
/** Column widths (%) for A4 landscape: text columns wide, counts narrow; the 처리부서장 cell leaves room to sign. */
const WIDTHS: Record<LedgerColumn, number> = {
  no: 3,
  file_name: 9,
  items: 9,
  created: 7,
  destroyed: 7,
  reason: 10,
  handler: 5,
  approver: 7,
  kind: 6,
  location: 6,
  deleted: 4,
  before: 4,
  after: 4,
  method: 8,
  audit_seq: 3,
  audit_hash: 8,
};

/** `ledger --format html`: one self-contained, printable page (A4 landscape), every value escaped, a signature line. */
export function renderLedgerHtml(ledger: Ledger, options: { lang: Lang }): string {
  const labels = selectMessages(options.lang).ledger;
  const meta: [string, string][] = [];
  if (ledger.controller !== undefined) meta.push([labels.controller, ledger.controller]);
  meta.push(
    [labels.period, describePeriod(ledger, labels)],
    [labels.generated, formatTimestamp(ledger.generatedAt)],
    [labels.rows, String(ledger.rows.length)],
  );
  const header = buildLedgerHeader(labels)
    .map((label) => `<th scope="col">${escapeHtml(label)}</th>`)
    .join('');
  const rows = ledger.rows.map((row) => {
    const cells = buildLedgerCells(row, labels).map((cell, i) => {
      const column = LEDGER_COLUMNS[i]!;
      const className = NUMERIC.has(column) ? 'num' : column === 'audit_hash' ? 'hash' : '';
      // A time breaks between date and time of day, never inside either.
      const text = cell === null ? '' : TIMES.has(column) ? escapeHtml(cell).replace('T', 'T<wbr>') : escapeHtml(cell);
      return `<td${className ? ` class="${className}"` : ''}>${text}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  const table =
    ledger.rows.length === 0
      ? `<p>${escapeHtml(labels.none)}</p>`
      : `<table>\n<colgroup>${LEDGER_COLUMNS.map((column) => `<col style="width: ${WIDTHS[column]}%">`).join('')}</colgroup>\n<thead><tr>${header}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
  const signature = (label: string) => `<div>${escapeHtml(label)}<span class="line"></span>${escapeHtml(labels.signHere)}</div>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${options.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(`${labels.title}${ledger.controller ? ` — ${ledger.controller}` : ''}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(labels.title)}</h1>`,
    `<dl class="meta">${meta.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`,
    table,
    ...describeKeyRotations(ledger, labels).map((line) => `<p class="note">${escapeHtml(line)}</p>`),
    `<p class="note">${escapeHtml(labels.verify)}</p>`,
    `<div class="signatures">${signature(labels.signatureHandler)}${signature(labels.signatureHead)}<div>${escapeHtml(labels.signatureDate)}<span class="line"></span></div></div>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
