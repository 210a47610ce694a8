import { formatTimestamp } from '../inventory/inventory.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import { LEDGER_COLUMNS, type LedgerColumn, type LedgerLabels } from './messages/index.js';

export type LedgerCell = string | number | null;

/** One row's cells in LEDGER_COLUMNS order, labelled in the ledger's language; numbers stay numbers, 처리부서장 stays empty. */
export function buildLedgerCells(row: LedgerRow, labels: LedgerLabels): LedgerCell[] {
  const cells: Record<LedgerColumn, LedgerCell> = {
    no: row.no,
    file_name: row.fileName,
    items: row.items.map((item) => labels.items[item] ?? item).join(', '),
    created: row.createdAt ? formatTimestamp(row.createdAt) : null,
    destroyed: formatTimestamp(row.destroyedAt),
    reason: describeReason(row, labels),
    handler: row.actor,
    approver: null,
    kind: `${labels.kinds[row.kind]} (${labels.scopes[row.scope]})`,
    location: row.location,
    deleted: row.deleted,
    before: row.before,
    after: row.after,
    method: row.method === null ? null : labels.method(row.method),
    audit_seq: row.auditSeq,
    audit_hash: row.auditHash,
  };
  return LEDGER_COLUMNS.map((column) => cells[column]);
}

export function buildLedgerHeader(labels: LedgerLabels): string[] {
  return LEDGER_COLUMNS.map((column) => labels.columns[column]);
}

/** `Period: 2026-01-01T00:00:00Z – now` in the ledger's language. */
export function describePeriod(ledger: Ledger, labels: LedgerLabels): string {
  return `${ledger.from ? formatTimestamp(ledger.from) : labels.from} – ${ledger.to ? formatTimestamp(ledger.to) : labels.until}`;
}

const RESTATES_ART_36 = /PIPA Art\.? ?36|제 ?36 ?조/i;

function describeReason(row: LedgerRow, labels: LedgerLabels): string {
  const reason = describeKindReason(row, labels);
  // The run that destroyed was killed before its outcome: the next run's reconciliation is the record.
  return row.event.endsWith('.reconciled') ? `${reason} (${labels.reconciledNote})` : reason;
}

function describeKindReason(row: LedgerRow, labels: LedgerLabels): string {
  switch (row.kind) {
    case 'retention':
      return row.retentionRule ? `${labels.retentionReason} (${row.retentionRule})` : labels.retentionReason;
    case 'subject_request':
      // The erasure's own reason usually just restates the legal basis the label already names.
      return row.reason && !RESTATES_ART_36.test(row.reason) ? `${labels.subjectReason}: ${row.reason}` : labels.subjectReason;
    case 'other':
      return row.reason ?? row.retentionRule ?? row.event;
  }
}

/** One line per key rotation: which key signs the rows after it. */
export function describeKeyRotations(ledger: Ledger, labels: LedgerLabels): string[] {
  return ledger.keyRotations.map(
    (rotation) =>
      `${labels.keyRotation}: #${rotation.auditSeq} ${formatTimestamp(rotation.at)} → ${rotation.fingerprint}${rotation.reason ? ` (${rotation.reason})` : ''}`,
  );
}
