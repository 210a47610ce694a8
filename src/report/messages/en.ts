import type { LocationId } from '../../inventory/inventory.js';

// Labels of the human-readable reports (HTML, Markdown). English is the default, like the rest of the CLI;
// `--lang ko` gives the Korean a privacy officer (개인정보 보호책임자) files with the ledger and the policy.

export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

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


export type DriftRuleKey = 'logpullRetention' | 'logpushClientIp' | 'overdueData' | 'purgeStale';

export interface Labels {
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
  readonly location: Record<LocationId, string>;
  readonly item: Record<ItemKey, string>;
  readonly genericItems: string;
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
}

const EN: Labels = {
  lang: 'en',
  title: 'Inventory of visitor personal data',
  subtitle: 'Where visitor IP addresses and countries, collected to protect the website against DDoS and hacking, are held, by whom, and for how long.',
  controller: 'Controller',
  controllerUnset: 'not set (add `controller:` to the config)',
  generatedUtc: 'Generated (UTC)',
  generatedKst: 'Generated (KST, UTC+9)',
  toolVersion: 'Tool version',
  policyHash: 'Retention policy hash',
  lastPull: 'Last successful pull',
  lastPurge: 'Last purge',
  never: 'never',
  none: 'none',
  unknown: 'unknown',
  noIpsNotice: 'This report holds counts only: no IP address appears in it.',
  cardRecordsUs: 'Records we hold',
  cardRecordsCloudflare: 'Records Cloudflare keeps',
  cardPastRetention: 'Past retention (next purge)',
  cardHeld: 'Kept by legal holds',
  cardDrift: 'Contradictions with the policy',
  cardDriftNone: 'none found',
  driftTitle: 'Policy drift',
  driftIntro: 'Each check compares what is actually held or configured with what the privacy policy (개인정보 처리방침) promises.',
  driftState: { ok: 'OK', drift: 'Contradiction', unknown: 'Not checked' },
  driftRule: {
    logpullRetention: 'Logpull log retention (raw request logs at Cloudflare)',
    logpushClientIp: 'Logpush jobs shipping client IPs',
    overdueData: 'Data older than its retention + 5 days',
    purgeStale: 'Purge not run for more than 5 days',
  },
  policySays: 'The policy says',
  policyQuoteTranslation: {
    logpullRetention: 'Items collected: country of access, IP address. Used to prevent damage to the website (DDoS, hacking).',
    logpushClientIp: 'Entrusted processing: website security and anti-hacking — Cloudflare. Information shared with the processor is limited to the minimum needed.',
    overdueData: 'Once the purpose of collection and use is achieved, the company destroys the information without delay and without exception.',
    purgeStale: 'In principle the company destroys the information without delay once the purpose of collection and use is achieved.',
  },
  driftOk: {
    logpullRetention: 'Log retention is off for every zone that could be checked.',
    logpushClientIp: 'No Logpush job ships ClientIP.',
    overdueData: 'Nothing we hold is older than its retention plus the grace period.',
    purgeStale: 'The purge ran within the grace period.',
  },
  driftUnknownLogs:
    'Cloudflare log settings were not read by this run (it needs CLOUDFLARE_API_TOKEN and no --local-only; Logpull and Logpush are Enterprise features, read with Logs Read/Write).',
  logpullOn: (zone) => `Zone ${zone}: Log retention is ON — Cloudflare keeps every request's ClientIP, URI and user agent for days, beyond the items the policy names.`,
  logpullOff: (zone) => `Zone ${zone}: log retention is off.`,
  logsNotAvailable: (scope) => `${scope}: not available on this plan (Enterprise only), so Cloudflare keeps and ships no such logs.`,
  pastRetention: 'past retention',
  privacyPolicy: 'Privacy policy checked against',
  privacyPolicyName: '룩세렛 개인정보 처리방침 (Luxeret privacy policy), 2024-08-04',
  logpushShips: (job, dataset, destination, fields, enabled) =>
    `Logpush job ${job} (${dataset}, ${enabled ? 'enabled' : 'disabled'}) ships ${fields} to ${destination}, a destination the policy does not name.`,
  overdue: (location, count, retention, graceDays) =>
    `${location}: ${count} record(s) older than the retention (${retention}) plus ${graceDays} days, not under a legal hold.`,
  purgeNever: 'The purge has never run on this store.',
  purgeStale: (days, at) => `The last purge ran ${days} days ago (${at}).`,
  purgeRecent: (days, at) => `The last purge ran ${days} day(s) ago (${at}).`,
  locationsTitle: 'Where the data is held',
  locationsIntro: 'One row per place that holds visitor IP addresses or countries. Details, notes and per-zone windows follow the table.',
  colLocation: 'Location',
  colCheck: 'Check',
  colItem: 'Item',
  colValue: 'Value',
  colItems: 'Items held',
  colControlledBy: 'Deletion controlled by',
  colRecords: 'Records',
  colDistinctIps: 'Distinct IPs',
  colOldest: 'Oldest (UTC)',
  colNewest: 'Newest (UTC)',
  colRetention: 'Retention',
  colPastRetention: 'Past retention',
  colHeld: 'Held',
  colExpires: 'Expires (UTC)',
  colStatus: 'Status',
  colCountries: 'Countries',
  colNotes: 'Notes',
  colRequests: 'Requests counted',
  colZone: 'Zone',
  colWindow: 'Window',
  colCount: 'Count',
  colHost: 'Host',
  colCountry: 'Country',
  location: {
    'local/firewall-events': 'Security events (our store)',
    'local/http-analytics': 'Requests per IP and country (our store)',
    'cloudflare/firewall-events': 'Security events kept by Cloudflare',
    'cloudflare/http-analytics': 'Requests per IP and country kept by Cloudflare',
    'cloudflare/access-rules': 'IP Access rules (Cloudflare)',
    'cloudflare/list-items': 'IP list items (Cloudflare)',
    'cloudflare/lockdowns': 'Zone Lockdown rules (Cloudflare)',
    'cloudflare/custom-rules': 'WAF custom rule expressions (Cloudflare)',
    'cloudflare/logpull': 'Logpull request logs (Cloudflare)',
  },
  item: {
    time: 'time',
    hour: 'hour',
    ip: 'IP address',
    ipOrRange: 'IP address or range',
    country: 'country',
    asn: 'AS number',
    host: 'host',
    path: 'path',
    query: 'query string',
    userAgent: 'user agent',
    method: 'HTTP method',
    status: 'response status',
    action: 'action',
    rule: 'rule',
    rayId: 'Ray ID',
    requests: 'request count',
    asName: 'AS name',
    ruleNote: 'rule note',
    comment: 'item comment',
    expression: 'rule expression',
    requestLog: 'full request log',
  },
  genericItems: 'IP addresses and/or countries',
  controlledByUs: 'Us',
  controlledByUsDetail: (retention) => (retention === undefined ? 'Us — by hand (the purge does not delete these)' : `Us — purged after ${retention}`),
  controlledByCloudflare: 'Cloudflare',
  controlledByCloudflareUntil: (date) => `Cloudflare — ages out by ${date}; no API deletes it`,
  statusLabel: { ok: 'OK', not_available: 'not available on this plan', not_readable: 'not readable with this token', error: 'failed' },
  zonesTitle: 'Per zone',
  notesTitle: 'Notes',
  moreCountries: (n) => `… and ${n} more`,
  chartsTitle: 'Charts',
  countryChartTitle: 'Records we hold, by country',
  countryChartCaption: 'Top 10 countries and all others together, over both local locations.',
  otherCountries: 'other',
  ageChartTitle: 'Age of the records we hold',
  ageChartCaption: (days) => `Records per day of age (last ${days} days, older ones in the last bar), against each retention rule.`,
  ageTableCaption: (days) => `Records per week of age (last ${days} days, older ones in the last row), against each retention rule.`,
  ageAxis: 'age (days)',
  countAxis: 'records',
  olderBucket: (days) => `≥${days}d`,
  retentionLine: (retention, location) => (location === undefined ? `retention ${retention}` : `${location}: ${retention}`),
  graceLine: (days) => `+${days}d grace`,
  noLocalRecords: 'No local records.',
  hostsTitle: 'Hosts named in stored security events',
  hostsIntro: 'The most frequent request hosts in the events we hold (shown as received; values come from visitors).',
  footer: (version) => `Generated by luxeret-privacy ${version}.`,
};

const KO: Labels = {
  lang: 'ko',
  title: '방문자 개인정보 보유 현황',
  subtitle: '홈페이지(디도스, 해킹) 피해 방지를 위해 수집한 방문자의 접속 IP와 접속 국가를 어디에, 누가, 얼마 동안 보관하는지 보여 줍니다.',
  controller: '개인정보처리자',
  controllerUnset: '설정되지 않음 (설정 파일에 `controller:` 추가)',
  generatedUtc: '작성 시각 (UTC)',
  generatedKst: '작성 시각 (KST, UTC+9)',
  toolVersion: '도구 버전',
  policyHash: '보존 정책 해시',
  lastPull: '마지막 수집',
  lastPurge: '마지막 파기',
  never: '없음',
  none: '없음',
  unknown: '알 수 없음',
  noIpsNotice: '이 보고서에는 건수만 있으며 IP 주소는 들어 있지 않습니다.',
  cardRecordsUs: '당사 보유 기록',
  cardRecordsCloudflare: 'Cloudflare 보관 기록',
  cardPastRetention: '보존기간 경과 (다음 파기 대상)',
  cardHeld: '법적 보존 조치로 보관',
  cardDrift: '처리방침과 어긋나는 사항',
  cardDriftNone: '발견되지 않음',
  driftTitle: '처리방침 불일치 점검',
  driftIntro: '실제로 보관하거나 설정된 내용을 개인정보 처리방침의 약속과 항목별로 비교합니다.',
  driftState: { ok: '적합', drift: '불일치', unknown: '점검 못 함' },
  driftRule: {
    logpullRetention: 'Logpull 로그 보존 (Cloudflare의 원본 요청 로그)',
    logpushClientIp: '접속 IP를 내보내는 Logpush 작업',
    overdueData: '보존기간 + 5일을 넘긴 자료',
    purgeStale: '5일 넘게 실행되지 않은 파기',
  },
  policySays: '처리방침',
  policyQuoteTranslation: { logpullRetention: undefined, logpushClientIp: undefined, overdueData: undefined, purgeStale: undefined },
  driftOk: {
    logpullRetention: '확인할 수 있는 모든 존에서 로그 보존이 꺼져 있습니다.',
    logpushClientIp: 'ClientIP를 보내는 Logpush 작업이 없습니다.',
    overdueData: '보존기간과 유예기간을 넘긴 보유 자료가 없습니다.',
    purgeStale: '유예기간 안에 파기가 실행되었습니다.',
  },
  driftUnknownLogs:
    '이번 실행에서 Cloudflare 로그 설정을 읽지 않았습니다 (CLOUDFLARE_API_TOKEN 필요, --local-only 없이 실행; Logpull·Logpush는 Enterprise 기능이며 Logs Read/Write 권한으로 읽음).',
  logpullOn: (zone) => `존 ${zone}: 로그 보존이 켜져 있음 — Cloudflare가 모든 요청의 ClientIP, URI, 사용자 에이전트를 며칠간 보관하며, 이는 처리방침의 수집항목을 넘습니다.`,
  logpullOff: (zone) => `존 ${zone}: 로그 보존 꺼짐.`,
  logsNotAvailable: (scope) => `${scope}: 요금제에서 제공되지 않음 (Enterprise 전용) — Cloudflare가 해당 로그를 보관하거나 전송하지 않습니다.`,
  pastRetention: '보존기간 경과',
  privacyPolicy: '점검 기준 처리방침',
  privacyPolicyName: '룩세렛 개인정보 처리방침 (2024-08-04 작성)',
  logpushShips: (job, dataset, destination, fields, enabled) =>
    `Logpush 작업 ${job} (${dataset}, ${enabled ? '사용 중' : '사용 중지'})이 ${fields}을(를) 처리방침에 없는 대상 ${destination}(으)로 보냅니다.`,
  overdue: (location, count, retention, graceDays) =>
    `${location}: 보존기간(${retention})에 ${graceDays}일을 더한 기간을 넘긴 기록 ${count}건 (법적 보존 조치 대상 아님).`,
  purgeNever: '이 저장소에서 파기가 한 번도 실행되지 않았습니다.',
  purgeStale: (days, at) => `마지막 파기가 ${days}일 전(${at})입니다.`,
  purgeRecent: (days, at) => `마지막 파기: ${days}일 전 (${at}).`,
  locationsTitle: '보관 위치',
  locationsIntro: '방문자 IP 주소나 접속 국가를 보관하는 곳마다 한 행씩 보여 줍니다. 표 아래에 위치별 세부 사항, 참고 사항, 존별 보관 기간이 있습니다.',
  colLocation: '보관 위치',
  colCheck: '점검 항목',
  colItem: '항목',
  colValue: '값',
  colItems: '보관 항목',
  colControlledBy: '삭제 주체',
  colRecords: '기록 수',
  colDistinctIps: '고유 IP 수',
  colOldest: '가장 오래된 기록 (UTC)',
  colNewest: '가장 최근 기록 (UTC)',
  colRetention: '보존기간',
  colPastRetention: '보존기간 경과',
  colHeld: '보존 조치',
  colExpires: '만료 (UTC)',
  colStatus: '상태',
  colCountries: '접속 국가',
  colNotes: '참고',
  colRequests: '요청 수',
  colZone: '존',
  colWindow: '보관 기간',
  colCount: '건수',
  colHost: '호스트',
  colCountry: '국가',
  location: {
    'local/firewall-events': '보안 이벤트 (자체 저장소)',
    'local/http-analytics': 'IP·국가별 요청 수 (자체 저장소)',
    'cloudflare/firewall-events': 'Cloudflare가 보관하는 보안 이벤트',
    'cloudflare/http-analytics': 'Cloudflare가 보관하는 IP·국가별 요청 수',
    'cloudflare/access-rules': 'IP 접근 규칙 (Cloudflare)',
    'cloudflare/list-items': 'IP 목록 항목 (Cloudflare)',
    'cloudflare/lockdowns': '존 잠금 규칙 (Cloudflare)',
    'cloudflare/custom-rules': 'WAF 사용자 지정 규칙 표현식 (Cloudflare)',
    'cloudflare/logpull': 'Logpull 요청 로그 (Cloudflare)',
  },
  item: {
    time: '시각',
    hour: '시간대',
    ip: '접속 IP',
    ipOrRange: 'IP 주소 또는 대역',
    country: '접속 국가',
    asn: 'AS 번호',
    host: '호스트',
    path: '경로',
    query: '쿼리 문자열',
    userAgent: '사용자 에이전트',
    method: 'HTTP 메서드',
    status: '응답 상태',
    action: '조치',
    rule: '규칙',
    rayId: 'Ray ID',
    requests: '요청 수',
    asName: 'AS 이름',
    ruleNote: '규칙 메모',
    comment: '항목 메모',
    expression: '규칙 표현식',
    requestLog: '전체 요청 로그',
  },
  genericItems: 'IP 주소 및/또는 접속 국가',
  controlledByUs: '당사',
  controlledByUsDetail: (retention) => (retention === undefined ? '당사 — 수동 삭제 (자동 파기 대상 아님)' : `당사 — ${retention} 경과 후 파기`),
  controlledByCloudflare: 'Cloudflare',
  controlledByCloudflareUntil: (date) => `Cloudflare — ${date}까지 보관 후 자동 삭제 (API로 삭제 불가)`,
  statusLabel: { ok: '정상', not_available: '요금제에서 제공되지 않음', not_readable: '토큰 권한 부족으로 읽지 못함', error: '실패' },
  zonesTitle: '존별',
  notesTitle: '참고',
  moreCountries: (n) => `… 외 ${n}개국`,
  chartsTitle: '차트',
  countryChartTitle: '당사 보유 기록 — 국가별',
  countryChartCaption: '상위 10개국과 나머지 합계 (자체 저장소의 두 위치 합산).',
  otherCountries: '기타',
  ageChartTitle: '당사 보유 기록의 경과 일수',
  ageChartCaption: (days) => `경과 일수별 기록 수 (최근 ${days}일, 그보다 오래된 기록은 마지막 막대), 보존기간 선과 비교.`,
  ageTableCaption: (days) => `경과 주별 기록 수 (최근 ${days}일, 그보다 오래된 기록은 마지막 행), 보존기간과 비교.`,
  ageAxis: '경과 일수',
  countAxis: '기록 수',
  olderBucket: (days) => `${days}일+`,
  retentionLine: (retention, location) => (location === undefined ? `보존기간 ${retention}` : `${location}: ${retention}`),
  graceLine: (days) => `+${days}일 유예`,
  noLocalRecords: '자체 저장소에 기록이 없습니다.',
  hostsTitle: '저장된 보안 이벤트의 호스트',
  hostsIntro: '보유 중인 이벤트에서 가장 많이 나타난 요청 호스트 (받은 그대로 표시하며, 값은 방문자가 보낸 것입니다).',
  footer: (version) => `luxeret-privacy ${version}로 작성.`,
};

/** The labels for a language. */
export function selectLabels(lang: Lang): Labels {
  return lang === 'ko' ? KO : EN;
}
