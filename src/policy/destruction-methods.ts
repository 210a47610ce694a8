/**
 * How each kind of record is destroyed: the text the audit log records (English, part of the signed entry) and
 * what the Korean destruction ledger (파기 관리대장) shows for it. PIPA Enforcement Decree Art. 16 asks that
 * electronic files be deleted permanently, in a way that cannot be restored.
 */
export const DESTRUCTION_METHODS = {
  localSecure: {
    en: 'SQLite DELETE with secure_delete, then WAL checkpoint(TRUNCATE) and page reclaim (VACUUM when most pages are free, else incremental vacuum)',
    ko: '복원이 불가능한 방법으로 영구 삭제: 삭제한 내용을 0으로 덮어쓰는 SQLite 삭제(secure_delete), WAL 비우기, 빈 페이지 회수',
  },
  localPlain: {
    en: 'SQLite DELETE',
    ko: 'SQLite 삭제 (secure_delete 꺼짐: 파일에 흔적이 남을 수 있음)',
  },
  accessRules: {
    en: 'DELETE /{zones|accounts}/{id}/firewall/access_rules/rules/{rule_id}, one request per rule',
    ko: 'Cloudflare API로 삭제: 접근 규칙(IP Access Rule)마다 삭제 요청',
  },
  listItems: {
    en: 'DELETE /accounts/{id}/rules/lists/{list_id}/items (asynchronous bulk operation), polled to completion',
    ko: 'Cloudflare API로 삭제: IP 목록 항목 일괄 삭제(비동기 작업), 완료까지 확인',
  },
  cloudflareVerified: {
    en: 'Cloudflare API DELETE, re-query verified',
    ko: 'Cloudflare API로 삭제, 다시 조회하여 삭제 확인',
  },
} as const;

/** Texts earlier versions recorded, still found in older audit logs. */
const EARLIER_TEXTS: Record<string, string> = {
  'SQLite DELETE with secure_delete, WAL checkpoint(TRUNCATE) and incremental vacuum': DESTRUCTION_METHODS.localSecure.ko,
};

/** The Korean ledger's wording for a recorded method; a text we do not know is shown as recorded. */
export function describeMethodInKorean(recorded: string): string {
  const known = Object.values(DESTRUCTION_METHODS).find((method) => method.en === recorded);
  return known?.ko ?? EARLIER_TEXTS[recorded] ?? recorded;
}
