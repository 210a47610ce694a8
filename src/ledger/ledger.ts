import { ROTATION_EVENT } from '../audit/key-entries.js';
import type { AuditEntry } from '../audit/log.js';

/** Why something was destroyed: its retention ended, a data subject asked, or something else the log names. */
export type DestructionKind = 'retention' | 'subject_request' | 'other';
/** Where the destroyed copy was held. */
export type DestructionScope = 'local' | 'cloudflare' | 'mixed' | 'archive' | 'other';

/** One row of the destruction ledger (개인정보파일 파기 관리대장): one destruction recorded in the audit log. */
export interface LedgerRow {
  /** 번호: 1, 2, … in the order of the audit log. */
  readonly no: number;
  /** The location, e.g. `local/firewall-events`, `cloudflare/access-rules`, `archive/firewall`. */
  readonly location: string;
  /** 개인정보 파일명: what the destroyed copy is called where it was held: `bucket/prefix/` for an archive, else the location. */
  readonly fileName: string;
  /** 자료의 종류: item ids (`ip_address`, `country`, …); labels are the formatter's job. */
  readonly items: readonly string[];
  /** 생성일: the oldest destroyed record, when the entry says. */
  readonly createdAt: Date | undefined;
  /** 폐기일: when the destruction was recorded (committed together with it, for local data). */
  readonly destroyedAt: Date;
  readonly kind: DestructionKind;
  readonly scope: DestructionScope;
  /** 폐기사유: the retention rule (`retention.firewall_events=30d`) or, for a request, its stated reason. */
  readonly retentionRule: string | null;
  readonly reason: string | null;
  /** 처리담당자 */
  readonly actor: string;
  readonly deleted: number;
  readonly before: number | null;
  readonly after: number | null;
  readonly method: string | null;
  readonly event: string;
  /** The audit entry this row is built from: check it against the signed log. */
  readonly auditSeq: number;
  readonly auditHash: string;
}

/** A hand-over of the audit signing key: rows after it are signed by the new key. */
export interface KeyRotation {
  readonly auditSeq: number;
  readonly at: Date;
  readonly fingerprint: string;
  readonly reason: string | null;
}

export interface Ledger {
  readonly generatedAt: Date;
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  readonly controller: string | undefined;
  readonly rows: readonly LedgerRow[];
  /** Every signing-key rotation in the log, so a reader knows which key signs which rows. */
  readonly keyRotations: readonly KeyRotation[];
}

/** What each known location holds; an entry may name its own with `details.items`. */
const ITEMS_BY_LOCATION: Record<string, readonly string[]> = {
  'local/firewall-events': ['ip_address', 'country', 'asn', 'time', 'ray_id', 'host', 'action', 'rule'],
  'local/http-analytics': ['ip_address', 'country', 'time', 'request_count'],
  'cloudflare/access-rules': ['ip_address', 'country', 'note'],
  'cloudflare/list-items': ['ip_address', 'comment'],
};

/**
 * The ledger from the audit log (pure): every `*.outcome` entry that destroyed something (`counts.deleted > 0`) in
 * `[from, to)` – local purges, Cloudflare deletions and subject erasures alike, so new kinds of destruction appear
 * without changes here. Entries that destroyed nothing (a run with nothing due, a reconciliation) are not rows.
 */
export function buildLedger(entries: readonly AuditEntry[], options: { from?: Date; to?: Date; generatedAt: Date; controller?: string }): Ledger {
  const destructions = entries.filter((entry) => isDestruction(entry) && isInRange(entry, options.from, options.to));
  const intents = new Map(entries.filter((entry) => entry.event.endsWith('.intent') && entry.run_id !== null).map((entry) => [entry.run_id, entry]));
  return {
    generatedAt: options.generatedAt,
    from: options.from,
    to: options.to,
    controller: options.controller,
    rows: destructions.map((entry, i) => buildRow(entry, i + 1, entry.run_id === null ? undefined : intents.get(entry.run_id))),
    keyRotations: entries
      .filter((entry) => entry.event === ROTATION_EVENT)
      .map((entry) => ({ auditSeq: entry.seq, at: new Date(entry.time), fingerprint: String(entry.details?.['new_key_fingerprint']), reason: entry.reason })),
  };
}

/**
 * An outcome that destroyed something, or a reconciliation that found a crashed run's deletions done (Cloudflare
 * deletions happen before their outcome can be written; the reconciliation is then their only record).
 */
export function isDestruction(entry: AuditEntry): boolean {
  const deleted = entry.counts?.['deleted'];
  return (entry.event.endsWith('.outcome') || entry.event.endsWith('.reconciled')) && typeof deleted === 'number' && deleted > 0;
}

function isInRange(entry: AuditEntry, from: Date | undefined, to: Date | undefined): boolean {
  const at = Date.parse(entry.time);
  return (from === undefined || at >= from.getTime()) && (to === undefined || at < to.getTime());
}

function buildRow(entry: AuditEntry, no: number, intent: AuditEntry | undefined): LedgerRow {
  // The run's intent announced the method and the span of records; an outcome may not repeat them.
  const details = { ...(intent?.details ?? {}), ...(entry.details ?? {}) };
  const counts = entry.counts ?? {};
  // A subject erasure may record one entry for several locations.
  const locations = entry.location !== null ? [entry.location] : (stringList(details['locations']) ?? []);
  const scope = selectScope(locations);
  return {
    no,
    location: locations.join(', '),
    // An archive's outcome names its bucket and prefix (`where`): the file the issue-14 ledger row must name.
    fileName: scope === 'archive' && typeof details['where'] === 'string' ? details['where'] : locations.join(', '),
    items: stringList(details['items']) ?? [...new Set(locations.flatMap(selectItems))],
    createdAt: parseTime(details['oldest_record']),
    destroyedAt: new Date(entry.time),
    kind: selectKind(entry),
    scope,
    retentionRule: entry.retention_rule,
    reason: entry.reason,
    actor: entry.actor,
    deleted: counts['deleted'] ?? 0,
    before: counts['before'] ?? null,
    after: counts['after'] ?? null,
    method: typeof details['method'] === 'string' ? details['method'] : null,
    event: entry.event,
    auditSeq: entry.seq,
    auditHash: entry.hash,
  };
}

function selectKind(entry: AuditEntry): DestructionKind {
  if (entry.event.startsWith('subject.')) return 'subject_request';
  if (entry.retention_rule !== null || entry.event.startsWith('purge.')) return 'retention';
  return 'other';
}

function selectItems(location: string): readonly string[] {
  // Every location this tool destroys holds visitor addresses; anything more is named by the entry itself.
  return ITEMS_BY_LOCATION[location] ?? ['ip_address'];
}

function selectScope(locations: readonly string[]): DestructionScope {
  const scopes = new Set(
    locations.map((location) =>
      location.startsWith('local/') ? 'local' : location.startsWith('cloudflare/') ? 'cloudflare' : location.startsWith('archive/') ? 'archive' : 'other',
    ),
  );
  if (scopes.size === 1) return [...scopes][0]!;
  return scopes.size === 2 && scopes.has('local') && scopes.has('cloudflare') ? 'mixed' : 'other';
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') && value.length > 0 ? value : undefined;
}

function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}
