import { formatTimestamp } from '../inventory/inventory.js';
import type { DestructionKind, DestructionScope, Ledger, LedgerRow } from '../ledger/ledger.js';
import { describeMethodInKorean } from '../policy/destruction-methods.js';

export type LedgerLang = 'ko' | 'en';
export const LEDGER_LANGS = ['ko', 'en'] as const;

/** The columns of the Korean ledger form (번호 … 처리부서장), then what lets each row be checked against the log. */
export const LEDGER_COLUMNS = [
  'no',
  'location',
  'items',
  'created',
  'destroyed',
  'reason',
  'handler',
  'approver',
  'kind',
  'deleted',
  'before',
  'after',
  'method',
  'audit_seq',
  'audit_hash',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

interface Labels {
  readonly title: string;
  readonly columns: Record<LedgerColumn, string>;
  readonly items: Record<string, string>;
  readonly kinds: Record<DestructionKind, string>;
  readonly scopes: Record<DestructionScope, string>;
  readonly retentionReason: string;
  readonly subjectReason: string;
  readonly controller: string;
  readonly period: string;
  readonly from: string;
  readonly until: string;
  readonly generated: string;
  readonly rows: string;
  readonly none: string;
  readonly verify: string;
  /** Before each key rotation line: audit entry number, time, new key fingerprint, reason follow. */
  readonly keyRotation: string;
  readonly signatureHandler: string;
  readonly signatureHead: string;
  readonly signatureDate: string;
  readonly signHere: string;
}

export const LEDGER_LABELS: Record<LedgerLang, Labels> = {
  ko: {
    title: '개인정보파일 파기 관리대장',
    columns: {
      no: '번호',
      location: '개인정보 파일명',
      items: '자료의 종류',
      created: '생성일',
      destroyed: '폐기일',
      reason: '폐기사유',
      handler: '처리담당자',
      approver: '처리부서장',
      kind: '파기 구분',
      deleted: '파기 건수',
      before: '파기 전 건수',
      after: '파기 후 건수',
      method: '파기 방법',
      audit_seq: '감사 로그 번호',
      audit_hash: '감사 로그 해시',
    },
    items: {
      ip_address: 'IP 주소',
      country: '국가',
      asn: 'AS 번호',
      time: '접속 일시',
      ray_id: 'Ray ID',
      host: '호스트',
      action: '보안 조치',
      rule: '보안 규칙',
      request_count: '요청 수',
      note: '메모',
      comment: '설명',
    },
    kinds: { retention: '보유기간 경과', subject_request: '정보주체 삭제 요구', other: '기타' },
    scopes: { local: '자체 저장소', cloudflare: 'Cloudflare', mixed: '자체 저장소 및 Cloudflare', other: '기타' },
    retentionReason: '보유기간 경과',
    subjectReason: '정보주체의 삭제 요구 (개인정보 보호법 제36조)',
    controller: '개인정보처리자',
    period: '대상 기간',
    from: '처음부터',
    until: '현재까지',
    generated: '작성 일시',
    rows: '파기 기록 수',
    none: '이 기간에 기록된 파기가 없습니다.',
    verify: '각 행의 감사 로그 번호와 해시는 서명된 감사 로그의 항목과 일치해야 합니다: luxeret-privacy audit verify',
    keyRotation: '감사 로그 서명 키 교체',
    signatureHandler: '처리담당자',
    signatureHead: '처리부서장',
    signatureDate: '확인일',
    signHere: '(서명)',
  },
  en: {
    title: 'Personal data destruction ledger',
    columns: {
      no: 'No.',
      location: 'Personal data file',
      items: 'Data items',
      created: 'Created (oldest record)',
      destroyed: 'Destroyed',
      reason: 'Reason',
      handler: 'Handled by',
      approver: 'Head of department',
      kind: 'Kind',
      deleted: 'Records destroyed',
      before: 'Records before',
      after: 'Records after',
      method: 'Method',
      audit_seq: 'Audit entry',
      audit_hash: 'Audit entry hash',
    },
    items: {
      ip_address: 'IP address',
      country: 'country',
      asn: 'ASN',
      time: 'time',
      ray_id: 'Ray ID',
      host: 'host',
      action: 'security action',
      rule: 'security rule',
      request_count: 'request count',
      note: 'note',
      comment: 'comment',
    },
    kinds: { retention: 'retention ended', subject_request: 'data subject request', other: 'other' },
    scopes: { local: 'own store', cloudflare: 'Cloudflare', mixed: 'own store and Cloudflare', other: 'other' },
    retentionReason: 'Retention period ended',
    subjectReason: 'Erasure requested by the data subject (PIPA Art. 36)',
    controller: 'Controller',
    period: 'Period',
    from: 'the beginning',
    until: 'now',
    generated: 'Generated',
    rows: 'Destructions',
    none: 'No destruction was recorded in this period.',
    verify: "Each row's audit entry number and hash must match the signed audit log: luxeret-privacy audit verify",
    keyRotation: 'Audit signing key rotated',
    signatureHandler: 'Handled by',
    signatureHead: 'Head of department',
    signatureDate: 'Date',
    signHere: '(signature)',
  },
};

export type LedgerCell = string | number | null;

/** One row's cells in LEDGER_COLUMNS order, labelled in `lang`; numbers stay numbers, 처리부서장 stays empty. */
export function buildLedgerCells(row: LedgerRow, lang: LedgerLang): LedgerCell[] {
  const labels = LEDGER_LABELS[lang];
  const cells: Record<LedgerColumn, LedgerCell> = {
    no: row.no,
    location: row.location,
    items: row.items.map((item) => labels.items[item] ?? item).join(', '),
    created: row.createdAt ? formatTimestamp(row.createdAt) : null,
    destroyed: formatTimestamp(row.destroyedAt),
    reason: describeReason(row, lang),
    handler: row.actor,
    approver: null,
    kind: `${labels.kinds[row.kind]} (${labels.scopes[row.scope]})`,
    deleted: row.deleted,
    before: row.before,
    after: row.after,
    method: row.method !== null && lang === 'ko' ? describeMethodInKorean(row.method) : row.method,
    audit_seq: row.auditSeq,
    audit_hash: row.auditHash,
  };
  return LEDGER_COLUMNS.map((column) => cells[column]);
}

export function buildLedgerHeader(lang: LedgerLang): string[] {
  return LEDGER_COLUMNS.map((column) => LEDGER_LABELS[lang].columns[column]);
}

/** `Period: 2026-01-01T00:00:00Z – now` in the ledger's language. */
export function describePeriod(ledger: Ledger, lang: LedgerLang): string {
  const labels = LEDGER_LABELS[lang];
  return `${ledger.from ? formatTimestamp(ledger.from) : labels.from} – ${ledger.to ? formatTimestamp(ledger.to) : labels.until}`;
}

const RESTATES_ART_36 = /PIPA Art\.? ?36|제 ?36 ?조/i;

function describeReason(row: LedgerRow, lang: LedgerLang): string {
  const labels = LEDGER_LABELS[lang];
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
export function describeKeyRotations(ledger: Ledger, lang: LedgerLang): string[] {
  return ledger.keyRotations.map(
    (rotation) => `${LEDGER_LABELS[lang].keyRotation}: #${rotation.auditSeq} ${formatTimestamp(rotation.at)} → ${rotation.fingerprint}${rotation.reason ? ` (${rotation.reason})` : ''}`,
  );
}
