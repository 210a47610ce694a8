import { formatTimestamp, type Inventory } from '../inventory/inventory.js';
import { renderMessage, selectMessages } from './messages/index.js';

// CSV is for machines and spreadsheets: English, like JSON.
const ENGLISH = selectMessages('en');

export type CsvCell = string | number | null | undefined;
export type CsvOptions = Record<string, never>;

// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); tab and CR too.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

// Control characters other than line breaks (kept, quoted) and tab: escape sequences and the like from data.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** One CSV field: control characters shown as `\uXXXX`, formula-looking text gets a leading `'`, then RFC 4180 quoting. */
export function renderCsvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  const visible = cell.replace(CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const safe = FORMULA_START.test(visible) ? `'${visible}` : visible;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180: a header row, CRLF line breaks (also after the last record). */
export function renderCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(renderCsvCell).join(',') + '\r\n').join('');
}

export const INVENTORY_CSV_HEADER = [
  'id',
  'kind',
  'records',
  'distinct_ips',
  'countries',
  'oldest',
  'newest',
  'past_retention',
  'held',
  'retention',
  'controlled_by',
  'expires',
  'status',
  'notes',
  'requests',
  // Archives (issue 14): the objects' total size; empty for locations that count rows, not bytes.
  'bytes',
] as const;

/** One row per location; countries as `KR:120 US:30`, notes joined with ` | `. */
export function renderInventoryCsv(inventory: Inventory, _options: CsvOptions = {}): string {
  const rows = inventory.locations.map((location) => [
    location.id,
    location.kind,
    location.records,
    location.distinctIps,
    location.countries.map(({ code, count }) => `${code}:${count}`).join(' '),
    location.oldest && formatTimestamp(location.oldest),
    location.newest && formatTimestamp(location.newest),
    location.pastRetention,
    location.held,
    location.retention,
    location.controlledBy,
    location.expires && formatTimestamp(location.expires),
    location.status,
    location.notes.map((note) => renderMessage(ENGLISH, note)).join(' | '),
    location.requests,
    location.bytes,
  ]);
  return renderCsv(INVENTORY_CSV_HEADER, rows);
}
