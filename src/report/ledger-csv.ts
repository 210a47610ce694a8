import type { Ledger } from '../ledger/ledger.js';
import { renderCsv } from './csv.js';
import { buildLedgerCells, buildLedgerHeader } from './ledger-cells.js';
import { selectMessages, type Lang } from './messages/index.js';

/** A UTF-8 byte order mark: without it Excel reads a CSV as the local code page and garbles the Korean headers. */
export const UTF8_BOM = '\uFEFF';

/** `ledger --format csv`: BOM, a header row in `lang`, one row per destruction; RFC 4180, formulas defused. */
export function renderLedgerCsv(ledger: Ledger, options: { lang: Lang }): string {
  const labels = selectMessages(options.lang).ledger;
  return (
    UTF8_BOM +
    renderCsv(
      buildLedgerHeader(labels),
      ledger.rows.map((row) => buildLedgerCells(row, labels)),
    )
  );
}
