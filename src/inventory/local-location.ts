import type { Duration } from '../config/duration.js';
import type { LocalLocation } from '../policy/retention.js';
import { sortCountries, type DatasetSummary, type InventoryLocation } from './inventory.js';
import type { LocationNote } from './notes.js';

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
  const notes: LocationNote[] = [];
  if (expiry.expired > 0) notes.push({ code: 'local.past_retention', count: expiry.expired, retention: input.retention.text });
  if (expiry.held > 0) notes.push({ code: 'local.held', count: expiry.held });
  if (input.countryOnlyRows !== undefined && input.countryOnlyRows > 0) notes.push({ code: 'local.country_only', rows: input.countryOnlyRows });
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
    notes,
    ...(input.requests === undefined ? {} : { requests: input.requests }),
  };
}
