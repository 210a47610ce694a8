import { formatTimestamp } from '../inventory/inventory.js';
import type { Ledger } from '../ledger/ledger.js';
import { escapeMarkdown } from './escape.js';
import { buildLedgerCells, buildLedgerHeader, describeKeyRotations, describePeriod } from './ledger-cells.js';
import { selectMessages, type Lang } from './messages/index.js';

/** `ledger --format md`: a title, the period, one table row per destruction (every cell escaped), a signature line. */
export function renderLedgerMarkdown(ledger: Ledger, options: { lang: Lang }): string {
  const labels = selectMessages(options.lang).ledger;
  const lines = [`# ${escapeMarkdown(labels.title)}`, ''];
  if (ledger.controller !== undefined) lines.push(`- ${labels.controller}: ${escapeMarkdown(ledger.controller)}`);
  lines.push(`- ${labels.period}: ${escapeMarkdown(describePeriod(ledger, labels))}`);
  lines.push(`- ${labels.generated}: ${formatTimestamp(ledger.generatedAt)}`);
  lines.push(`- ${labels.rows}: ${ledger.rows.length}`, '');
  if (ledger.rows.length === 0) {
    lines.push(labels.none, '');
  } else {
    const header = buildLedgerHeader(labels);
    lines.push(renderRow(header), renderRow(header.map(() => '---')));
    for (const row of ledger.rows) lines.push(renderRow(buildLedgerCells(row, labels).map((cell) => (cell === null ? '' : escapeMarkdown(cell)))));
    lines.push('');
  }
  for (const line of describeKeyRotations(ledger, labels)) lines.push(`- ${escapeMarkdown(line)}`);
  if (ledger.keyRotations.length > 0) lines.push('');
  lines.push(escapeMarkdown(labels.verify), '');
  lines.push(
    `${labels.signatureHandler}: ____________________ ${labels.signHere}    ${labels.signatureHead}: ____________________ ${labels.signHere}    ${labels.signatureDate}: ____________`,
  );
  return lines.join('\n') + '\n';
}

function renderRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}
