import type { Network } from '../../policy/network.js';

/**
 * What Cloudflare itself holds that names visitor IPs or countries: the objects a company creates while defending
 * itself (access rules, IP lists, lockdowns, custom-rule expressions) and its log settings. A snapshot, read once;
 * plain data with `Date`s, so policy, inventory and purge can work on it without the SDK.
 */

/** Where an object lives. */
export interface ObjectScope {
  readonly type: 'zone' | 'account';
  readonly id: string;
}

/** The parts of a snapshot, each read (and reported) on its own. */
export type ObjectPart = 'zone' | 'access-rules' | 'list-items' | 'lockdowns' | 'custom-rules' | 'logpull-retention' | 'logpush';

/**
 * How reading one part for one scope went:
 * `not_available` – the zone's plan lacks the feature (lockdowns on Free, Logpull/Logpush below Enterprise);
 * `not_readable` – the token lacks a permission (`permission` names it);
 * `error` – anything else, after the SDK's retries.
 */
export type ReadState = 'ok' | 'not_available' | 'not_readable' | 'error';

export interface ReadStatus {
  readonly part: ObjectPart;
  readonly scope: ObjectScope;
  readonly state: ReadState;
  /** For anything but `ok`: the user-facing reason, e.g. "not readable with this token: needs Logs Write". */
  readonly message: string | undefined;
  /** For `not_readable`: the permission that would allow the read. */
  readonly permission?: string | undefined;
  /** For `not_available`: the zone's plan, when known. */
  readonly plan?: string | undefined;
  /** For `error`: HTTP status and Cloudflare error codes, when there were any. */
  readonly status?: number | undefined;
  readonly codes?: readonly number[] | undefined;
}

export type PlanId = 'free' | 'pro' | 'business' | 'enterprise';

export interface ZoneInfo {
  readonly id: string;
  readonly name: string | undefined;
  /** `plan.legacy_id` of `GET /zones/{id}`; undefined when the zone could not be read. */
  readonly plan: PlanId | undefined;
  readonly accountId: string | undefined;
}

/** An IP Access Rule (reference §3). Zone lists also show account rules that apply to the zone: merged by id. */
export interface AccessRule {
  readonly id: string;
  /** Where it lives, from its own `scope` (zone, or account for organization/user/account): delete it through this. */
  readonly scope: ObjectScope;
  /** Scopes it was seen through (a zone list repeats account-level rules). */
  readonly seenIn: readonly ObjectScope[];
  /** 'block' | 'challenge' | 'whitelist' | 'js_challenge' | 'managed_challenge', or a mode Cloudflare adds later. */
  readonly mode: string;
  /** 'ip' | 'ip6' | 'ip_range' | 'asn' | 'country', or a target Cloudflare adds later. */
  readonly target: string;
  readonly value: string;
  readonly notes: string;
  readonly createdOn: Date;
  readonly modifiedOn: Date | undefined;
  /** For ip/ip6/ip_range targets: the parsed network; undefined for asn/country or a malformed value. */
  readonly network: Network | undefined;
}

/** An account IP list (`kind: ip`) and whether the config lets us delete its items (`managed_lists`, by name). */
export interface IpList {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly description: string;
  readonly kind: string;
  readonly isManaged: boolean;
  readonly numItems: number | undefined;
  readonly numReferencingFilters: number | undefined;
  readonly createdOn: Date | undefined;
}

export interface ListItem {
  readonly id: string;
  readonly listId: string;
  readonly listName: string;
  readonly accountId: string;
  readonly isManaged: boolean;
  /** `ip` of an ip-list item (address or CIDR); undefined for items of other list kinds. */
  readonly ip: string | undefined;
  readonly network: Network | undefined;
  readonly comment: string;
  readonly createdOn: Date;
  readonly modifiedOn: Date | undefined;
}

export interface LockdownConfiguration {
  readonly target: string;
  readonly value: string;
  readonly network: Network | undefined;
}

/** A Zone Lockdown rule: the IPs allowed to reach some URLs (reference §5.1). */
export interface Lockdown {
  readonly id: string;
  readonly zoneId: string;
  readonly description: string;
  readonly paused: boolean;
  readonly urls: readonly string[];
  readonly configurations: readonly LockdownConfiguration[];
  readonly createdOn: Date | undefined;
  readonly modifiedOn: Date | undefined;
}

/** One network literal in a rule expression. */
export interface ExpressionNetwork {
  /** As written in the expression (`198.51.100.0/24`, or a range `10.0.0.1..10.0.0.9`). */
  readonly text: string;
  /** The networks it covers (a range becomes its CIDR cover). */
  readonly networks: readonly Network[];
  /** Under `not`/`!`, or compared with `ne`/`!=`: the rule applies to everyone *but* these. */
  readonly negated: boolean;
}

export interface ExpressionCountry {
  readonly code: string;
  readonly negated: boolean;
}

export interface ExpressionList {
  /** Without the `$`: `blocked_ips`, or a managed list like `cf.open_proxies`. */
  readonly name: string;
  readonly negated: boolean;
}

/** What a rule expression says about client IPs and countries. */
export interface ParsedExpression {
  readonly networks: readonly ExpressionNetwork[];
  readonly countries: readonly ExpressionCountry[];
  readonly lists: readonly ExpressionList[];
  /** Literals next to an IP field that did not parse as an address, CIDR or range. */
  readonly problems: readonly string[];
}

/** A rule of a zone's `http_request_firewall_custom` entrypoint ruleset (reference §5.2). */
export interface CustomRule {
  readonly id: string;
  readonly zoneId: string;
  readonly rulesetId: string;
  readonly action: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly expression: string;
  readonly lastUpdated: Date | undefined;
  readonly parsed: ParsedExpression;
}

export interface LogRetention {
  readonly zoneId: string;
  /** On: Cloudflare keeps raw request logs (with ClientIP) for days, for Logpull. */
  readonly flag: boolean;
}

/** A Logpush job; `destination` is already redacted (redact.ts): the raw `destination_conf` is never kept. */
export interface LogpushJob {
  readonly id: number;
  readonly scope: ObjectScope;
  readonly name: string;
  readonly dataset: string;
  readonly enabled: boolean;
  readonly destination: string;
  /** From `output_options.field_names`, or the legacy `logpull_options` `fields=`. */
  readonly fields: readonly string[];
  readonly shipsClientIp: boolean;
  readonly shipsClientCountry: boolean;
  readonly lastComplete: Date | undefined;
}

/** Everything read from Cloudflare in one pass, with a read status per part and scope. */
export interface CloudflareObjects {
  readonly fetchedAt: Date;
  readonly zones: readonly ZoneInfo[];
  readonly accountIds: readonly string[];
  readonly accessRules: readonly AccessRule[];
  readonly lists: readonly IpList[];
  readonly listItems: readonly ListItem[];
  readonly lockdowns: readonly Lockdown[];
  readonly customRules: readonly CustomRule[];
  readonly logRetention: readonly LogRetention[];
  /** Every job read; filter on `shipsClientIp`/`shipsClientCountry` for the ones that matter. */
  readonly logpushJobs: readonly LogpushJob[];
  readonly statuses: readonly ReadStatus[];
}
