import type { PlanId } from '../cloudflare/objects/types.js';
import type { AnalyticsDataset } from '../cloudflare/plan-limits.js';
import type { ObservedResponse } from '../cloudflare/response-observer.js';

/**
 * What `doctor` saw of a live account, read-only: the record an operator sends back (redacted) so that the emulator
 * and our assumptions can be corrected. Rule values, list items and events are never part of it — only counts, types,
 * limits, field names, statuses and error wording.
 */
export interface AccountObservations {
  readonly zones: readonly ZoneObservation[];
  readonly accounts: readonly AccountObservation[];
  /** The answer to one deliberately out-of-window security-events query (older than `notOlderThan`). */
  readonly limitError: LimitErrorObservation | undefined;
  /** The answer to `GET /zones/<an id that does not exist>`. */
  readonly unknownObject: RestErrorObservation | undefined;
  readonly responses: readonly ObservedResponse[];
}

export interface DatasetObservation {
  readonly dataset: AnalyticsDataset;
  readonly enabled: boolean;
  readonly notOlderThan: number;
  readonly maxDuration: number;
  readonly maxPageSize: number;
  readonly maxNumberOfFields: number;
  readonly availableFields: readonly string[];
}

export interface ZoneObservation {
  readonly zoneId: string;
  readonly label: string;
  readonly plan: PlanId | undefined;
  readonly accountId: string | undefined;
  /** Empty when `settings` could not be read (`settingsError` says why). */
  readonly datasets: readonly DatasetObservation[];
  readonly settingsError: string | undefined;
  readonly accessRules: RuleListingObservation;
  /** Zones whose plan has no Zone Lockdown (Free): how the listing answers. */
  readonly lockdownListing: RestErrorObservation | undefined;
}

export interface AccountObservation {
  readonly accountId: string;
  /** The highest plan among the configured zones of this account (list caps follow it). */
  readonly plan: PlanId | undefined;
  readonly accessRules: RuleListingObservation;
  readonly lists: ListsObservation;
}

export type ReadOutcome = 'read' | 'not_readable' | 'error';

export interface RuleListingObservation {
  readonly outcome: ReadOutcome;
  /** Why it was not read: the missing permission or the error. */
  readonly detail: string | undefined;
  readonly rules: number;
  /** How many rules carried each `scope.type`. */
  readonly scopeTypes: Readonly<Record<string, number>>;
  /** Zone listings: how many of the rules are also in the account's own listing (undefined when that was not read). */
  readonly accountRulesListed: number | undefined;
  /** True when only the first pages were read. */
  readonly truncated: boolean;
}

export interface ListsObservation {
  readonly outcome: ReadOutcome;
  readonly detail: string | undefined;
  readonly lists: number;
  /** Sum of the lists' `num_items`. */
  readonly items: number;
}

export interface LimitErrorObservation {
  /** HTTP status, or undefined when no answer came back. */
  readonly status: number | undefined;
  readonly errors: readonly { readonly message: string; readonly code: string | undefined }[];
  /** Set when the query was not sent (no zone with readable settings) or failed otherwise. */
  readonly detail: string | undefined;
}

export interface RestErrorObservation {
  readonly status: number | undefined;
  readonly codes: readonly number[];
  readonly message: string;
  /** For a listing that answered: how many rows it returned. */
  readonly rows: number | undefined;
}
