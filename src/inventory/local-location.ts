import type { Duration } from '../config/duration.js';
import type { LocalLocation } from '../policy/retention.js';
import { addNote, createNotes, sortCountries, type DatasetSummary, type InventoryLocation } from './inventory.js';

export interface LocalLocationInput {
  readonly id: LocalLocation['id'];
  readonly summary: DatasetSummary;
  /** From the same count a purge uses, so the inventory and the purge always agree. */
  readonly expiry: { readonly expired: number; readonly held: number };
  readonly retention: Duration;
  /** local/http-analytics only: requests counted in the rows. */
  readonly requests?: number;
  /** local/http-analytics only: rows with a country but no IP (the zone's plan does not offer clientIP). */
  readonly countryOnlyRows?: number;
}

/** A location in our own store: we control it, the retention rule ages it, purge deletes it. */
export function buildLocalLocation(input: LocalLocationInput): InventoryLocation {
  const { summary, expiry } = input;
  const notes = createNotes();
  if (expiry.expired > 0) {
    addNote(
      notes,
      `${expiry.expired} record(s) past retention (${input.retention.text}): the next purge deletes them`,
      `${expiry.expired}건이 보유기간(${input.retention.text})을 지났습니다: 다음 파기(purge) 때 삭제됩니다`,
    );
  }
  if (expiry.held > 0) addNote(notes, `${expiry.held} record(s) past retention are kept by active legal holds`, `보유기간이 지난 ${expiry.held}건은 유효한 법적 보존 조치(legal hold)로 보관됩니다`);
  if (input.countryOnlyRows !== undefined && input.countryOnlyRows > 0) {
    addNote(
      notes,
      `${input.countryOnlyRows} row(s) have countries only: the zone's plan does not offer clientIP`,
      `${input.countryOnlyRows}행은 국가만 있습니다: 이 영역(zone)의 요금제는 clientIP를 제공하지 않습니다`,
    );
  }
  return {
    id: input.id,
    kind: 'local',
    records: summary.records,
    distinctIps: summary.distinctIps,
    countries: sortCountries(summary.countries),
    oldest: summary.oldest,
    newest: summary.newest,
    pastRetention: expiry.expired,
    held: expiry.held,
    retention: input.retention.text,
    controlledBy: 'us',
    expires: undefined,
    status: 'ok',
    notes: notes.en,
    notesKo: notes.ko,
    ...(input.requests === undefined ? {} : { requests: input.requests }),
  };
}
