import type { CloudflareObjects, ObjectPart, ReadStatus, ZoneInfo } from '../cloudflare/objects/types.js';
import { addNote, createNotes, sortCountries, type CountryCount, type InventoryLocation, type LocationNotes, type LocationStatus } from './inventory.js';

/**
 * One location's status from the read statuses of its parts: `error` if any read failed (the inventory then exits 4);
 * otherwise `ok` if anything was read; otherwise `not_readable` (the token) or `not_available` (the plan). Gated
 * scopes are named in the notes either way, so "not on this plan" is never mistaken for "nothing there".
 */
export function buildObjectStatus(objects: CloudflareObjects, parts: readonly ObjectPart[]): { status: LocationStatus; notes: LocationNotes } {
  const statuses = objects.statuses.filter((status) => parts.includes(status.part));
  const notes = createNotes();
  for (const status of statuses.filter((s) => s.state !== 'ok')) {
    addNote(notes, `${describeScope(objects.zones, status)}: ${status.message ?? status.state}`, `${describeScope(objects.zones, status, 'ko')}: ${describeReadStateInKorean(status)}`);
  }
  const has = (state: ReadStatus['state']) => statuses.some((status) => status.state === state);
  const status: LocationStatus = has('error') ? 'error' : has('ok') || statuses.length === 0 ? 'ok' : has('not_readable') ? 'not_readable' : 'not_available';
  return { status, notes };
}

/** Why a scope was not read, in Korean; an error keeps Cloudflare's own message. */
function describeReadStateInKorean(status: ReadStatus): string {
  switch (status.state) {
    case 'not_available':
      return `이 요금제에서는 제공되지 않음${status.plan ? ` (${status.plan})` : ''}`;
    case 'not_readable':
      return `이 토큰으로는 읽을 수 없음${status.permission ? `: ${status.permission} 권한 필요` : ''}`;
    case 'error':
      return `읽기 실패${status.message ? ` (${status.message})` : ''}`;
    case 'ok':
      return '읽음';
  }
}

/** `zone shop.example.com (023e…)`, `account 01a7…`; a Logpush part says which kind of job it is. */
export function describeScope(zones: readonly ZoneInfo[], status: Pick<ReadStatus, 'scope' | 'part'>, lang: 'en' | 'ko' = 'en'): string {
  const { scope } = status;
  const where = scope.type === 'account' ? (lang === 'ko' ? `계정 ${scope.id}` : `account ${scope.id}`) : describeZone(zones, scope.id, lang);
  if (lang === 'ko') return status.part === 'logpush' ? `${where}의 Logpush 작업` : status.part === 'logpull-retention' ? `${where}의 Logpull 보존 설정` : where;
  const prefix = status.part === 'logpush' ? 'Logpush jobs of ' : status.part === 'logpull-retention' ? 'Logpull retention of ' : '';
  return `${prefix}${where}`;
}

export function describeZone(zones: readonly ZoneInfo[], zoneId: string, lang: 'en' | 'ko' = 'en'): string {
  const name = zones.find((zone) => zone.id === zoneId)?.name;
  const word = lang === 'ko' ? '영역' : 'zone';
  return name ? `${word} ${name} (${zoneId})` : `${word} ${zoneId}`;
}

/** What differs between the locations of Cloudflare objects; the rest of an InventoryLocation follows from it. */
export interface ObjectLocationFacts {
  readonly id: string;
  readonly records: number;
  readonly distinctIps: number;
  readonly countries?: readonly CountryCount[];
  /** Creation or update times of the objects counted: oldest and newest. */
  readonly dates?: readonly Date[];
  /** The purpose rule's verdict, for objects a purge may delete; undefined for reported-only ones. */
  readonly expiry?: ObjectExpiry | undefined;
  /** The retention rule as written, for objects a purge may delete. */
  readonly retention?: string;
  /** Objects we configured (rules, lists) are ours to keep or delete; log retention is Cloudflare's. */
  readonly controlledBy: 'us' | 'cloudflare';
  readonly status: LocationStatus;
  readonly notes: LocationNotes;
}

export function buildObjectLocation(facts: ObjectLocationFacts): InventoryLocation {
  return {
    id: facts.id,
    kind: 'cloudflare',
    records: facts.records,
    distinctIps: facts.distinctIps,
    countries: sortCountries(facts.countries ?? []),
    ...selectOldestNewest(facts.dates ?? []),
    pastRetention: facts.expiry?.expired ?? 0,
    held: facts.expiry?.held ?? 0,
    retention: facts.retention,
    controlledBy: facts.controlledBy,
    expires: undefined,
    status: facts.status,
    notes: facts.notes.en,
    notesKo: facts.notes.ko,
  };
}

export function selectOldestNewest(dates: readonly Date[]): { oldest: Date | undefined; newest: Date | undefined } {
  if (dates.length === 0) return { oldest: undefined, newest: undefined };
  const times = dates.map((date) => date.getTime());
  return { oldest: new Date(Math.min(...times)), newest: new Date(Math.max(...times)) };
}

/** What the purpose rule decided for a location's objects (from the purge plan, so both always agree). */
export interface ObjectExpiry {
  readonly expired: number;
  readonly held: number;
  readonly undetermined: number;
  /** Why objects were undetermined (e.g. "undetermined: events cover only since …"), in both languages, with counts. */
  readonly undeterminedReasons: readonly { readonly en: string; readonly ko: string; readonly count: number }[];
}

/** How notes name a location's objects: `rule(s)` / `규칙`, and the purge-eligible kind where it is narrower. */
export interface ObjectNouns {
  readonly en: string;
  readonly ko: string;
  /** The objects a purge deletes, when only some kinds are eligible (`managed item(s)`). */
  readonly deletableEn?: string;
  readonly deletableKo?: string;
}

/** The purpose rule's verdicts as notes: not judged, served their purpose, held, undetermined. */
export function addExpiryNotes(notes: LocationNotes, expiry: ObjectExpiry | undefined, retention: string, nouns: ObjectNouns): void {
  if (expiry === undefined) {
    addNote(
      notes,
      'past retention not judged: the purpose rule needs pulled security events (run pull, then purge --dry-run)',
      '보유기간 경과 여부는 판단하지 않음: 목적 달성 판단에는 가져온(pull) 보안 이벤트가 필요합니다 (pull 후 purge --dry-run)',
    );
    return;
  }
  if (expiry.expired > 0) {
    addNote(
      notes,
      `${expiry.expired} ${nouns.deletableEn ?? nouns.en} have served their purpose (older than ${retention}, no recent events): the next purge deletes them`,
      `${nouns.deletableKo ?? nouns.ko} ${expiry.expired}개는 목적을 달성했습니다 (${retention}보다 오래되었고 최근 이벤트 없음): 다음 파기(purge) 때 삭제됩니다`,
    );
  }
  if (expiry.held > 0) {
    addNote(notes, `${expiry.held} ${nouns.en} past their purpose are kept by active legal holds`, `목적을 달성한 ${nouns.ko} ${expiry.held}개는 유효한 법적 보존 조치(legal hold)로 보관됩니다`);
  }
  if (expiry.undetermined === 0) return;
  if (expiry.undeterminedReasons.length === 0) {
    addNote(
      notes,
      `${expiry.undetermined} ${nouns.en} undetermined: the pulled events do not cover the whole retention period; kept`,
      `${nouns.ko} ${expiry.undetermined}개는 판단 보류: 가져온 이벤트가 보유기간 전체를 덮지 않아 보관합니다`,
    );
  }
  for (const reason of expiry.undeterminedReasons) addNote(notes, `${reason.count} kept as ${reason.en}`, `${reason.count}개 보관 (${reason.ko})`);
}
