import { formatTimestamp } from '../inventory/inventory.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import { selectMessages, type Lang } from './messages/index.js';

/** `ledger --format json`: stable key order, ISO-8601 UTC, snake_case keys, item ids (not labels) for machines. */
export function renderLedgerJson(ledger: Ledger, options: { lang: Lang }): string {
  return JSON.stringify(buildLedgerJson(ledger, options.lang), null, 2) + '\n';
}

export function buildLedgerJson(ledger: Ledger, lang: Lang): Record<string, unknown> {
  return {
    title: selectMessages(lang).ledger.title,
    controller: ledger.controller ?? null,
    generated_at: formatTimestamp(ledger.generatedAt),
    from: ledger.from ? formatTimestamp(ledger.from) : null,
    to: ledger.to ? formatTimestamp(ledger.to) : null,
    rows: ledger.rows.map(buildRowJson),
    key_rotations: ledger.keyRotations.map((r) => ({ audit_seq: r.auditSeq, at: formatTimestamp(r.at), fingerprint: r.fingerprint, reason: r.reason })),
  };
}

function buildRowJson(row: LedgerRow): Record<string, unknown> {
  return {
    no: row.no,
    location: row.location,
    file_name: row.fileName,
    items: [...row.items],
    created: row.createdAt ? formatTimestamp(row.createdAt) : null,
    destroyed_at: formatTimestamp(row.destroyedAt),
    kind: row.kind,
    scope: row.scope,
    retention_rule: row.retentionRule,
    reason: row.reason,
    actor: row.actor,
    // 처리부서장: signed on paper, never filled in by the tool.
    approver: null,
    deleted: row.deleted,
    before: row.before,
    after: row.after,
    method: row.method,
    event: row.event,
    audit_seq: row.auditSeq,
    audit_hash: row.auditHash,
  };
}
