/**
 * Shapes of the data the emulator holds. REST resources keep Cloudflare's own snake_case field names so a handler can
 * answer with the stored object; GraphQL rows keep the GraphQL field names.
 */

export type PlanId = 'free' | 'pro' | 'business' | 'enterprise';
/** One row of `firewallEventsAdaptive`. Fields left out are answered with the GraphQL type's zero value. */
export interface FirewallEvent {
  /** RFC 3339, one-second resolution, e.g. `2026-10-20T10:00:54Z`. */
  datetime: string;
  rayName: string;
  action: string;
  source: string;
  clientIP: string;
  clientCountryName: string;
  clientAsn?: string;
  clientASNDescription?: string;
  clientIPClass?: string;
  clientRequestHTTPHost?: string;
  clientRequestHTTPMethodName?: string;
  clientRequestHTTPProtocol?: string;
  clientRequestPath?: string;
  clientRequestQuery?: string;
  clientRequestScheme?: string;
  clientRefererHost?: string;
  userAgent?: string;
  ruleId?: string;
  rulesetId?: string;
  description?: string;
  kind?: string;
  matchIndex?: number;
  edgeColoName?: string;
  edgeResponseStatus?: number;
  originResponseStatus?: number;
  sampleInterval?: number;
}

/**
 * Raw request sample behind `httpRequestsAdaptiveGroups`: the emulator groups these by whatever dimensions a query
 * selects and sums `count` (and the `sum` metrics).
 */
export interface HttpRequestSample {
  /** RFC 3339, one-second resolution. */
  datetime: string;
  clientIP: string;
  clientCountryName: string;
  clientAsn?: string;
  clientASNDescription?: string;
  clientRequestHTTPHost?: string;
  clientRequestHTTPMethodName?: string;
  clientRequestPath?: string;
  clientRequestQuery?: string;
  edgeResponseStatus?: number;
  userAgent?: string;
  securityAction?: string;
  securitySource?: string;
  /** How many requests this sample stands for (default 1). */
  count?: number;
  edgeResponseBytes?: number;
  visits?: number;
}

export type AccessRuleMode = 'block' | 'challenge' | 'whitelist' | 'js_challenge' | 'managed_challenge';
export const ACCESS_RULE_MODES: readonly AccessRuleMode[] = ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'];
export type AccessRuleTarget = 'ip' | 'ip6' | 'ip_range' | 'asn' | 'country';

export interface AccessRule {
  id: string;
  mode: AccessRuleMode;
  allowed_modes: AccessRuleMode[];
  configuration: { target: AccessRuleTarget; value: string };
  notes: string;
  created_on: string;
  modified_on: string;
  scope: { id: string; type: 'zone' | 'account' | 'user' | 'organization'; name?: string; email?: string };
}

export interface ListItem {
  id: string;
  ip: string;
  comment?: string;
  created_on: string;
  modified_on: string;
}

export interface IpList {
  id: string;
  name: string;
  description: string;
  kind: 'ip';
  created_on: string;
  modified_on: string;
  num_referencing_filters: number;
  /** Items by id; the items endpoint pages them in id order (keyset cursor). */
  items: Map<string, ListItem>;
}

export type BulkOperationStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  completed?: string;
  error?: string;
  /** When it was accepted (ms since epoch) and how often it was polled: the status advances on either, see bulk-operations.ts. */
  createdAtMs: number;
  polls: number;
  /** Applies the change to the list; returns an error message when the change cannot be made. */
  apply: () => string | undefined;
}

export interface LockdownConfiguration {
  target: 'ip' | 'ip_range';
  value: string;
}

export interface Lockdown {
  id: string;
  description: string;
  paused: boolean;
  priority?: number;
  urls: string[];
  configurations: LockdownConfiguration[];
  created_on: string;
  modified_on: string;
}

export interface RulesetRule {
  id: string;
  version: string;
  action: string;
  expression: string;
  description: string;
  enabled: boolean;
  ref: string;
  last_updated: string;
}

export interface Ruleset {
  id: string;
  name: string;
  description: string;
  kind: 'zone' | 'custom' | 'managed' | 'root';
  version: string;
  phase: string;
  last_updated: string;
  rules: RulesetRule[];
}

export interface LogpushJob {
  id: number;
  name: string;
  dataset: string;
  enabled: boolean;
  kind: string;
  destination_conf: string;
  output_options: { field_names: string[]; timestamp_format: string; output_type: string } | null;
  last_complete: string | null;
  last_error: string | null;
  error_message: string | null;
  frequency: string | null;
  max_upload_bytes: number | null;
  max_upload_interval_seconds: number | null;
  max_upload_records: number | null;
  logpull_options: string | null;
}

/**
 * An R2 bucket's object lifecycle rule as the API returns it (`r2_lifecycle-rule` of Cloudflare's schema; SDK
 * `LifecycleGetResponse.Rule`): camelCase keys, ages in seconds.
 */
export interface R2LifecycleRule {
  id: string;
  enabled: boolean;
  conditions: { prefix: string };
  abortMultipartUploadsTransition?: { condition?: { type: 'Age'; maxAge: number } };
  deleteObjectsTransition?: { condition?: { type: 'Age'; maxAge: number } | { type: 'Date'; date: string } };
  storageClassTransitions?: { condition: { type: 'Age'; maxAge: number } | { type: 'Date'; date: string }; storageClass: 'InfrequentAccess' }[];
}

/** An R2 bucket as far as its lifecycle: buckets of the same name may live in different jurisdictions. */
export interface R2Bucket {
  name: string;
  jurisdiction: 'default' | 'eu' | 'fedramp';
  lifecycleRules: R2LifecycleRule[];
}

export type TokenKind = 'user' | 'account';
export type TokenStatus = 'active' | 'disabled' | 'expired';
