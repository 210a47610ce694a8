import type { FixedLocationId } from '../../inventory/inventory.js';
import type { LocationNote } from '../../inventory/notes.js';
import type { DestructionKind, DestructionScope } from '../../ledger/ledger.js';
import type { UndeterminedReason } from '../../policy/cloudflare-purpose.js';
import type { DriftRuleKey } from '../../policy/policy-drift.js';
import type { Lang } from './index.js';

/** Every message code a domain module returns, with its parameters. */
export type Message = LocationNote | UndeterminedReason;

/**
 * The words for each code, keyed by the code so that a code without words fails to compile. `say` words a message
 * nested in another (the reason inside "2 kept as …") in the same language.
 */
export type MessageTexts = {
  readonly [C in Message['code']]: (message: Extract<Message, { readonly code: C }>, say: (message: Message) => string) => string;
};

/** The columns of the Korean ledger form (번호 … 처리부서장), then what lets each row be checked against the log. */
export const LEDGER_COLUMNS = [
  'no',
  'file_name',
  'items',
  'created',
  'destroyed',
  'reason',
  'handler',
  'approver',
  'kind',
  'location',
  'deleted',
  'before',
  'after',
  'method',
  'audit_seq',
  'audit_hash',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

/** The labels of the destruction ledger (개인정보파일 파기 관리대장). */
export interface LedgerLabels {
  readonly title: string;
  readonly columns: Record<LedgerColumn, string>;
  readonly items: Record<string, string>;
  readonly kinds: Record<DestructionKind, string>;
  readonly scopes: Record<DestructionScope, string>;
  /** How a recorded destruction method reads: English shows the text the signed entry records. */
  readonly method: (recorded: string) => string;
  readonly retentionReason: string;
  readonly subjectReason: string;
  /** After the reason of a destruction recorded by the next run's reconciliation (the run itself was interrupted). */
  readonly reconciledNote: string;
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

/** The personal items a location holds, as the reports list them. */
export type ItemKey =
  | 'time'
  | 'hour'
  | 'ip'
  | 'ipOrRange'
  | 'country'
  | 'asn'
  | 'host'
  | 'path'
  | 'query'
  | 'userAgent'
  | 'method'
  | 'status'
  | 'action'
  | 'rule'
  | 'rayId'
  | 'requests'
  | 'asName'
  | 'ruleNote'
  | 'comment'
  | 'expression'
  | 'requestLog';

/** One language's catalogue: the labels of the reports and the ledger, and the wording of every message code. */
export interface Messages {
  readonly lang: Lang;
  readonly title: string;
  readonly subtitle: string;
  readonly controller: string;
  readonly controllerUnset: string;
  readonly generatedUtc: string;
  readonly generatedKst: string;
  readonly toolVersion: string;
  readonly policyHash: string;
  readonly lastPull: string;
  readonly lastPurge: string;
  readonly never: string;
  readonly none: string;
  readonly unknown: string;
  readonly noIpsNotice: string;
  // Summary cards
  readonly cardRecordsUs: string;
  readonly cardRecordsCloudflare: string;
  readonly cardPastRetention: string;
  readonly cardHeld: string;
  readonly cardDrift: string;
  readonly cardDriftNone: string;
  // Policy drift
  readonly driftTitle: string;
  readonly driftIntro: string;
  readonly driftState: Record<'ok' | 'drift' | 'unknown', string>;
  readonly driftRule: Record<DriftRuleKey, string>;
  readonly policySays: string;
  readonly policyQuoteTranslation: Record<DriftRuleKey, string | undefined>;
  readonly driftOk: Record<DriftRuleKey, string>;
  readonly driftUnknownLogs: string;
  readonly logpullOn: (zone: string) => string;
  readonly logpullOff: (zone: string) => string;
  readonly logsNotAvailable: (scope: string) => string;
  readonly pastRetention: string;
  readonly privacyPolicy: string;
  readonly privacyPolicyName: string;
  readonly logpushShips: (job: string, dataset: string, destination: string, fields: string, enabled: boolean) => string;
  readonly overdue: (location: string, count: number, retention: string, graceDays: number) => string;
  readonly purgeNever: string;
  readonly purgeStale: (days: number, at: string) => string;
  readonly purgeRecent: (days: number, at: string) => string;
  // Locations
  readonly locationsTitle: string;
  readonly locationsIntro: string;
  readonly colLocation: string;
  readonly colCheck: string;
  readonly colItem: string;
  readonly colValue: string;
  readonly colItems: string;
  readonly colControlledBy: string;
  readonly colRecords: string;
  readonly colDistinctIps: string;
  readonly colOldest: string;
  readonly colNewest: string;
  readonly colRetention: string;
  readonly colPastRetention: string;
  readonly colHeld: string;
  readonly colExpires: string;
  readonly colStatus: string;
  readonly colCountries: string;
  readonly colNotes: string;
  readonly colRequests: string;
  readonly colZone: string;
  readonly colWindow: string;
  readonly colCount: string;
  readonly colHost: string;
  readonly colCountry: string;
  readonly location: Record<FixedLocationId, string>;
  /** archive/<name>: a Logpush archive's label, from its configured name. */
  readonly archiveLocation: (name: string) => string;
  readonly item: Record<ItemKey, string>;
  readonly controlledByUs: string;
  readonly controlledByUsDetail: (retention: string | undefined) => string;
  readonly controlledByCloudflare: string;
  readonly controlledByCloudflareUntil: (date: string) => string;
  readonly statusLabel: Record<'ok' | 'not_available' | 'not_readable' | 'error', string>;
  readonly zonesTitle: string;
  readonly notesTitle: string;
  readonly moreCountries: (n: number) => string;
  // Charts
  readonly chartsTitle: string;
  readonly countryChartTitle: string;
  readonly countryChartCaption: string;
  readonly otherCountries: string;
  readonly ageChartTitle: string;
  readonly ageChartCaption: (days: number) => string;
  readonly ageTableCaption: (days: number) => string;
  readonly ageAxis: string;
  readonly countAxis: string;
  readonly olderBucket: (days: number) => string;
  readonly retentionLine: (retention: string, location?: string) => string;
  readonly graceLine: (days: number) => string;
  readonly noLocalRecords: string;
  // Hosts
  readonly hostsTitle: string;
  readonly hostsIntro: string;
  readonly footer: (version: string) => string;
  /** A look-back window in words: `31 days`, `1 day`, `36 hours`; in Korean `31일`, `36시간`. */
  readonly window: (seconds: number) => string;
  /** The words of each message code a domain module returns. */
  readonly text: MessageTexts;
  readonly ledger: LedgerLabels;
}
