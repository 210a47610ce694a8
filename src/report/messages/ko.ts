import type { ReadState } from '../../cloudflare/objects/types.js';
import type { KeptDataset, ObjectKind, ScopeName, ZoneName } from '../../inventory/notes.js';
import { selectDestructionMethod, type DestructionMethod } from '../../policy/destruction-methods.js';
import type { Messages } from './catalogue.js';
import { splitWindow } from './window.js';

// Korean (`--lang ko`): what a privacy officer (개인정보 보호책임자) files with the ledger and the policy.

export const KO: Messages = {
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
  logpullOn: (zone) =>
    `존 ${zone}: 로그 보존이 켜져 있음 — Cloudflare가 모든 요청의 ClientIP, URI, 사용자 에이전트를 며칠간 보관하며, 이는 처리방침의 수집항목을 넘습니다.`,
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
    'postgres/wal-and-backups': 'PostgreSQL WAL 및 기본 백업 (자체 저장소의 사본)',
  },
  archiveLocation: (name) => `Logpush 아카이브 ${name} (자체 S3/R2 버킷)`,
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
  window: (seconds) => {
    const [n, unit] = splitWindow(seconds);
    return `${n}${UNITS[unit]}`;
  },
  text: {
    verbatim: (m) => m.text,
    'local.past_retention': (m) => `${m.count}건이 보유기간(${m.retention})을 지났습니다: 다음 파기(purge) 때 삭제됩니다`,
    'local.held': (m) => `보유기간이 지난 ${m.count}건은 유효한 법적 보존 조치(legal hold)로 보관됩니다`,
    'local.country_only': (m) => `${m.rows}행은 국가만 있습니다: 이 영역(zone)의 요금제는 clientIP를 제공하지 않습니다`,
    'kept.no_zones': () => '설정된 영역(zone)이 없습니다',
    'kept.counts_pulled': (m) => `건수는 우리가 가져온(pull) ${KEPT[m.dataset]}입니다: Cloudflare에는 가져오지 않은 ${KEPT[m.dataset]}가 더 있을 수 있습니다`,
    'kept.zone_not_configured': (m) => `${nameZone(m.zone)}은(는) 설정에 없지만 가져온 ${KEPT[m.dataset]}는 계속 보고합니다`,
    'kept.window_unknown': (m) =>
      `${nameZone(m.zone)}: ${m.isMalformed ? '저장된 설정을 읽을 수 없음' : '보관 기간을 알 수 없음'}; pull을 실행하면 이 영역의 보관 기간을 알 수 있습니다`,
    'kept.ages_out': (m) =>
      `${nameZone(m.zone)}: Cloudflare가 ${KO.window(m.windowSeconds)} 동안 보관하며 API로 삭제할 수 없음; 가져온 사본은 ${m.from}부터 ${m.to}까지 차례로 만료됩니다`,
    'kept.none_inside': (m) =>
      `${nameZone(m.zone)}: Cloudflare가 ${KO.window(m.windowSeconds)} 동안 보관하며 API로 삭제할 수 없음; 보관 기간 안에 남은 가져온 ${KEPT[m.dataset]}는 없습니다`,
    'objects.read_state': (m) => `${nameScope(m.scope)}: ${describeReadState(m)}`,
    'objects.not_judged': () => '보유기간 경과 여부는 판단하지 않음: 목적 달성 판단에는 가져온(pull) 보안 이벤트가 필요합니다 (pull 후 purge --dry-run)',
    'objects.served_purpose': (m) =>
      `${OBJECTS[m.objects].deletable} ${m.count}개는 목적을 달성했습니다 (${m.retention}보다 오래되었고 최근 이벤트 없음): 다음 파기(purge) 때 삭제됩니다`,
    'objects.held': (m) => `목적을 달성한 ${OBJECTS[m.objects].noun} ${m.count}개는 유효한 법적 보존 조치(legal hold)로 보관됩니다`,
    'objects.undetermined': (m) => `${OBJECTS[m.objects].noun} ${m.count}개는 판단 보류: 가져온 이벤트가 보유기간 전체를 덮지 않아 보관합니다`,
    'objects.kept_undetermined': (m, say) => `${m.count}개 보관 (${say(m.reason)})`,
    'objects.reported_not_deleted': () => '보고만 하고 삭제하지 않음: 대개 회사 자체의 허용 목록입니다',
    'access_rules.no_account': () => '계정을 알 수 없음 (설정에 account_id 지정): 계정 단위 규칙은 읽지 않았습니다',
    'access_rules.by_mode': (m) => `동작(mode)별: ${m.modes.map(([mode, count]) => `${mode} ${count}`).join(', ')}`,
    'access_rules.allow': (m) => `허용(whitelist) 규칙 ${m.count}개: 삭제하지 않습니다`,
    'list_items.list': (m) =>
      `목록 ${m.name} (${m.isManaged ? '관리 대상: 보유기간이 지난 항목은 파기' : '보고만 함: managed_lists에 없음'}): 항목 ${m.count}개`,
    'list_items.no_account': () => '계정을 알 수 없음 (설정에 account_id 지정): 계정의 IP 목록은 읽지 않았습니다',
    'list_items.managed_missing': (m) => `관리 대상 목록 ${m.name}이(가) 계정에 없습니다`,
    'lockdowns.count': (m) => `영역(zone) ${m.zones}개에 잠금(lockdown) 규칙 ${m.rules}개`,
    'custom_rules.naming': (m) => `사용자 정의 규칙 ${m.total}개 중 ${m.naming}개가 IP나 국가를 지정합니다`,
    'custom_rules.negated': (m) => `주소·범위 ${m.count}개는 부정(not) 조건입니다 (규칙이 이들을 제외: 대개 허용 목록)`,
    'custom_rules.lists': (m) => `규칙이 참조하는 IP 목록: ${m.lists.join(', ')}`,
    'custom_rules.not_an_address': (m) => `규칙 ${m.ruleId}: ip.src 옆의 "${m.problem}"은(는) 주소나 범위가 아닙니다`,
    'logpull.retention_on': (m) => `${nameZone(m.zone)}: Logpull 보존 켜짐: Cloudflare가 ClientIP가 담긴 원본 요청 로그를 며칠간 보관합니다`,
    'logpull.retention_off': (m) => `${nameZone(m.zone)}: Logpull 보존 꺼짐`,
    'logpush.ships': (m) =>
      `Logpush 작업 ${m.jobId}${m.name ? ` "${m.name}"` : ''} (${m.dataset}, ${nameScope(m.scope)}${m.enabled ? '' : ', 꺼짐'})이(가) ${m.fields.join(', ')}을(를) ${m.destination}(으)로 보냅니다`,
    'logpush.others': (m) => `다른 Logpush 작업 ${m.count}개는 ClientIP도 ClientCountry도 보내지 않습니다`,
    'engine.wal': (m) =>
      `서버는 WAL을 wal_keep_size ${m.walKeepSizeMb} MB, max_wal_size ${m.maxWalSizeMb} MB까지 보관합니다: 파기(purge)로 삭제한 행은 서버가 WAL 세그먼트를 재활용할 때까지 남아 있으며, 이 도구로는 지울 수 없습니다`,
    'engine.archive_on': (m) =>
      `WAL 아카이빙이 켜져 있습니다(archive_mode ${m.archiveMode}): 아카이브된 WAL에는 아카이브를 보관하는 동안 삭제된 행이 남아 있습니다`,
    'engine.archive_off': () => 'WAL 아카이빙이 꺼져 있습니다: 아카이브된 WAL 사본이 없습니다',
    'engine.backups_until': (m) =>
      `기본 백업은 ${m.retention} 동안 보관됩니다(backup_retention): 마지막 파기(${m.lastPurge})로 삭제된 행은 ${m.until}까지 백업에 남아 있을 수 있습니다`,
    'engine.backups_no_purge': (m) =>
      `기본 백업은 ${m.retention} 동안 보관됩니다(backup_retention): 아직 파기가 실행된 적이 없으며, 파기로 삭제된 행은 그 후 ${m.retention} 동안 백업에 남아 있을 수 있습니다`,
    'engine.backup_retention_unknown': () =>
      'backup_retention이 설정되지 않았습니다: 기본 백업에 삭제된 행이 얼마나 남는지 알 수 없습니다. 설정 파일에 지정하십시오(예: backup_retention: 14d)',
    'archive.objects': (m) => `${m.where}에 객체 ${m.count}개, ${m.bytes}바이트`,
    'archive.past_retention': (m) => `객체 ${m.count}개(${m.bytes}바이트)에 보존 기간(${m.retention})보다 오래된 데이터가 있습니다`,
    'archive.time_sources': (m) => `데이터 시각의 출처: Logpush 파일 이름 ${m.name}개, {DATE} 폴더 ${m.folder}개, LastModified ${m.modified}개`,
    'archive.lifecycle': (m) =>
      `버킷의 수명 주기 규칙이 ${m.days}일 후 객체를 만료합니다: 보존 기간(${m.retention})${m.verdict === 'earlier' ? '보다 이릅니다' : m.verdict === 'later' ? '보다 늦습니다' : '과 같습니다'}`,
    'archive.lifecycle_none': () => '이 객체들을 만료하는 버킷 수명 주기 규칙이 없습니다: 파기(purge)만이 지웁니다',
    'archive.lifecycle_unknown': (m) =>
      m.via === 'cloudflare'
        ? `Cloudflare API로 R2 버킷의 수명 주기 규칙을 읽을 수 없습니다(${m.reason}); API 토큰에 Workers R2 Storage Read 권한이 필요합니다`
        : `버킷의 수명 주기 규칙을 읽을 수 없습니다(${m.reason}); s3:GetBucketLifecycleConfiguration 권한이 필요합니다`,
    'archive.written_by': (m) => `Logpush 작업 ${m.jobId}${m.name ? ` "${m.name}"` : ''}이(가) 기록합니다`,
    'archive.no_job': () => 'Cloudflare에서 읽은 Logpush 작업 중 이 버킷과 접두어에 기록하는 작업이 없습니다',
    'archive.versions': (m) =>
      `버전 관리 ${m.status === 'enabled' ? '사용' : '일시 중지'}: 버전 ${m.versions}개(이전 버전 ${m.noncurrent}개), 삭제 마커 ${m.deleteMarkers}개; 이전 버전에도 IP 주소가 남아 있으므로 현재 버전이 삭제 마커인 객체 ${m.hiddenKeys}개도 셉니다(파기는 모든 버전을 지웁니다)`,
    'archive.versions_unknown': (m) =>
      `버킷이 이전 버전을 보관하는지 읽을 수 없습니다(${m.permission}, ${m.errorCode}): 현재 객체만 셉니다; 자격 증명이 허용할 때까지 파기는 이 아카이브를 거부합니다`,
    'archive.failed': (m) =>
      m.reason === 'denied'
        ? `${m.where}을(를) 나열할 수 없습니다: 자격 증명이 거부되었습니다(${m.errorCode}); AWS SDK 자격 증명(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY 또는 AWS_PROFILE)에 s3:ListBucket 권한이 필요합니다`
        : m.reason === 'no_bucket'
          ? `${m.where}을(를) 나열할 수 없습니다: 버킷이 없습니다(${m.errorCode})`
          : `${m.where}을(를) 나열할 수 없습니다: 서버가 응답하지 않았습니다(${m.errorCode}); endpoint와 네트워크를 확인하십시오`,
    'undetermined.no_zone': () => '판단 보류: 활동을 보여 줄 이벤트의 영역(zone)이 설정되어 있지 않음',
    'undetermined.zone_not_pulled': (m) => `판단 보류: 영역 ${m.zoneId}의 보안 이벤트를 아직 가져오지(pull) 않음`,
    'undetermined.zone_pulled_until': (m) => `판단 보류: 영역 ${m.zoneId}의 이벤트를 ${m.until}까지만 가져옴`,
    'undetermined.no_activity': () => '판단 보류: 아직 활동 기록이 없음',
    'undetermined.coverage': (m) => `판단 보류: 이벤트가 ${m.since} 이후만 있음`,
  },
  ledger: {
    title: '개인정보파일 파기 관리대장',
    columns: {
      no: '번호',
      file_name: '개인정보 파일명',
      items: '자료의 종류',
      created: '생성일',
      destroyed: '폐기일',
      reason: '폐기사유',
      handler: '처리담당자',
      approver: '처리부서장',
      kind: '파기 구분',
      location: '보관 위치',
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
    scopes: {
      local: '자체 저장소',
      cloudflare: 'Cloudflare',
      mixed: '자체 저장소 및 Cloudflare',
      archive: 'S3/R2의 Cloudflare Logpush 보관 파일',
      other: '기타',
    },
    method: (recorded) => {
      const method = selectDestructionMethod(recorded);
      return method === undefined ? recorded : METHODS[method];
    },
    retentionReason: '보유기간 경과',
    subjectReason: '정보주체의 삭제 요구 (개인정보 보호법 제36조)',
    reconciledNote: '실행 중단, 확인된 파기 건수를 다음 실행이 기록함',
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
};

const UNITS: Record<ReturnType<typeof splitWindow>[1], string> = { day: '일', hour: '시간', minute: '분', second: '초' };

const KEPT: Record<KeptDataset, string> = {
  'cloudflare/firewall-events': '보안 이벤트',
  'cloudflare/http-analytics': '요청 수 집계',
};

/** How notes count objects; only managed list items are ever deleted, so those say so. */
const OBJECTS: Record<ObjectKind, { readonly noun: string; readonly deletable: string }> = {
  access_rules: { noun: '규칙', deletable: '규칙' },
  list_items: { noun: '항목', deletable: '관리 대상 항목' },
};

/** The ledger's wording of each destruction method: PIPA Enforcement Decree Art. 16 asks for permanent deletion. */
const METHODS: Record<DestructionMethod, string> = {
  localSecure: '복원이 불가능한 방법으로 영구 삭제: 삭제한 내용을 0으로 덮어쓰는 SQLite 삭제(secure_delete), WAL 비우기, 빈 페이지 회수',
  localPlain: 'SQLite 삭제 (secure_delete 꺼짐: 파일에 흔적이 남을 수 있음)',
  accessRules: 'Cloudflare API로 삭제: 접근 규칙(IP Access Rule)마다 삭제 요청',
  listItems: 'Cloudflare API로 삭제: IP 목록 항목 일괄 삭제(비동기 작업), 완료까지 확인',
  cloudflareVerified: 'Cloudflare API로 삭제, 다시 조회하여 삭제 확인',
  pgPartitionDropped: 'PostgreSQL 일 단위 파티션 삭제(DROP TABLE): 보유기간이 지난 날의 파일 자체를 삭제',
  pgRowsVacuumed: 'PostgreSQL 행 삭제 후 VACUUM으로 빈 공간 회수 (WAL과 백업에는 재사용될 때까지 남을 수 있음)',
  pgDroppedAndVacuumed:
    'PostgreSQL 일 단위 파티션 삭제(DROP TABLE), 경계일 파티션은 행 삭제 후 VACUUM으로 빈 공간 회수 (WAL과 백업에는 재사용될 때까지 남을 수 있음)',
  archiveDeleteObjects: 'S3 DeleteObjects로 보유기간이 지난 Logpush 보관 파일(객체) 전체를 삭제(한 번에 최대 1,000개), 다시 목록을 조회하여 삭제 확인',
};

function nameZone(zone: ZoneName): string {
  return zone.name ? `영역 ${zone.name} (${zone.id})` : `영역 ${zone.id}`;
}

function nameScope(scope: ScopeName): string {
  const where = scope.where.type === 'account' ? `계정 ${scope.where.id}` : nameZone(scope.where);
  return scope.part === 'logpush' ? `${where}의 Logpush 작업` : scope.part === 'logpull-retention' ? `${where}의 Logpull 보존 설정` : where;
}

/** Why a scope was not read; an error keeps Cloudflare's own message. */
function describeReadState(m: { state: ReadState; plan: string | undefined; permission: string | undefined; message: string | undefined }): string {
  switch (m.state) {
    case 'not_available':
      return `이 요금제에서는 제공되지 않음${m.plan ? ` (${m.plan})` : ''}`;
    case 'not_readable':
      return `이 토큰으로는 읽을 수 없음${m.permission ? `: ${m.permission} 권한 필요` : ''}`;
    case 'error':
      return `읽기 실패${m.message ? ` (${m.message})` : ''}`;
    case 'ok':
      return '읽음';
  }
}
