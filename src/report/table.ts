import Table from 'cli-table3';
import { formatTimestamp, type CountryCount, type Inventory, type InventoryLocation } from '../inventory/inventory.js';
import { renderMessage, selectMessages } from './messages/index.js';

// The terminal table is English, like the rest of the terminal output.
const ENGLISH = selectMessages('en');

export type TableCell = string | number;

export interface TableOptions {
  /** Countries shown per row before `… (+n)`. */
  readonly maxCountries?: number;
  /** Colour the header (only on a TTY with NO_COLOR unset: the CLI decides). */
  readonly color?: boolean;
}

type Align = 'left' | 'right' | 'center';

/** A cli-table3 table; every cell is made safe for a terminal first (values can come from attackers' requests). */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly TableCell[])[],
  options: { color?: boolean; align?: readonly Align[] } = {},
): string {
  const table = new Table({
    // Coloured here, not through cli-table3's style: its colour library switches itself off under CI and non-TTYs.
    head: head.map((cell) => (options.color ? `\u001b[36m${sanitiseCell(cell)}\u001b[39m` : sanitiseCell(cell))),
    style: { head: [], border: [] },
    ...(options.align ? { colAligns: [...options.align] } : {}),
  });
  for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? cell : sanitiseCell(cell))));
  return table.toString();
}

/** Control characters (ESC and the like) are shown escaped, so a value cannot drive the terminal. */
export function sanitiseCell(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const STATUS_LABEL: Record<InventoryLocation['status'], string> = {
  ok: '',
  not_available: 'not available',
  not_readable: 'not readable',
  error: 'failed',
};

/** One row per location, then the locations' notes; for a person at a terminal. */
export function renderInventoryTable(inventory: Inventory, options: TableOptions = {}): string {
  const maxCountries = options.maxCountries ?? 3;
  const head = ['Location', 'Records', 'Distinct IPs', 'Countries', 'Oldest (UTC)', 'Newest (UTC)', 'Past retention', 'Held', 'Controlled by', 'Expires (UTC)'];
  const rows = inventory.locations.map((location) => [
    location.status === 'ok' ? location.id : `${location.id} (${STATUS_LABEL[location.status]})`,
    formatCount(location.records),
    formatCount(location.distinctIps),
    formatCountries(location.countries, maxCountries),
    formatMinute(location.oldest),
    formatMinute(location.newest),
    formatCount(location.pastRetention),
    formatCount(location.held),
    formatControl(location),
    formatMinute(location.expires),
  ]);
  const align: Align[] = ['left', 'right', 'right', 'left', 'left', 'left', 'right', 'right', 'left', 'left'];
  const lines = [`Inventory of visitor IPs and countries held, as of ${formatTimestamp(inventory.generatedAt)}`];
  lines.push(renderTable(head, rows, { color: options.color === true, align }));
  const notes = inventory.locations.flatMap((location) => location.notes.map((note) => `  ${location.id}: ${sanitiseCell(renderMessage(ENGLISH, note))}`));
  if (notes.length > 0) lines.push('Notes:', ...notes);
  return lines.join('\n') + '\n';
}

/** `KR 120, US 30, JP 7, … (+4)`: the largest countries first, then how many more. */
export function formatCountries(countries: readonly CountryCount[], max: number): string {
  if (countries.length === 0) return '-';
  const shown = countries.slice(0, max).map(({ code, count }) => `${code} ${formatCount(count)}`);
  const rest = countries.length - shown.length;
  return rest > 0 ? `${shown.join(', ')}, … (+${rest})` : shown.join(', ');
}

/** `1,234,567`: grouped the same way on every machine, whatever its locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatControl(location: InventoryLocation): string {
  const who = location.controlledBy === 'us' ? 'us' : 'Cloudflare';
  return location.retention === undefined ? who : `${who}, ${location.retention}`;
}

function formatMinute(date: Date | undefined): string {
  return date === undefined ? '-' : formatTimestamp(date).slice(0, 16).replace('T', ' ');
}
