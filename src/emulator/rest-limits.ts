import type { PlanId } from './models.js';

/**
 * Every REST limit and plan figure the emulator enforces, each with where it comes from (the row of
 * /work/shared/reference/cloudflare-field-reports.md and its public source). Change a figure here, nowhere else.
 */
export interface LimitRow<T> {
  readonly value: T;
  readonly source: string;
}

type PerPlan = Readonly<Record<PlanId, number>>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const REST_LIMITS = {
  /** Requests per user per window; once over, every call is refused for one whole window. */
  requests: { value: 1200, source: 'R1 developers.cloudflare.com/fundamentals/api/reference/limits' },
  requestWindowMs: { value: 5 * MINUTE_MS, source: 'R1 developers.cloudflare.com/fundamentals/api/reference/limits' },
  /** The 429 answer (code 971) and the headers on every REST answer. */
  rateLimitedCode: { value: 971, source: 'R1 workers-sdk#10025' },
  /** Lists: item modifications and modifying requests per account per 12 hours (supersedes 10,000 / 5 min). */
  listItemChanges: { value: 1_000_000, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  listModifyingRequests: { value: 30_000, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  listChangeWindowMs: { value: 12 * HOUR_MS, source: 'L3 developers.cloudflare.com/waf/tools/lists/lists-api' },
  /** Items across all custom lists of an account. */
  listItemsPerAccount: {
    value: { free: 10_000, pro: 10_000, business: 10_000, enterprise: 500_000 } satisfies PerPlan,
    source: 'L4 cloudflare-docs src/content/plans/index.json',
  },
  listsPerAccount: { value: { free: 1, pro: 10, business: 10, enterprise: 1000 } satisfies PerPlan, source: 'L4 cloudflare-docs src/content/plans/index.json' },
  /** Shortest prefixes of an `ip` list item (longer ones up to /32 and /64; IPv6 addresses are kept as their /64). */
  listIpv4MinPrefix: { value: 2, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listIpv6MinPrefix: { value: 4, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listIpv6MaxPrefix: { value: 64, source: 'L4 cloudflare-docs waf/tools/lists/lists-api/json-object.mdx' },
  listItemsMaxPerPage: { value: 500, source: 'reference §4 (cloudflare-go rules/listitem.go per_page)' },
  /** IP Access Rules: largest `per_page` is undocumented; public scripts use 1000. */
  accessRulesMaxPerPage: { value: 1000, source: 'A4 field scripts' },
  /** Zone Lockdown rules per plan (Free: the feature is not available). */
  lockdownRules: { value: { free: 0, pro: 3, business: 10, enterprise: 200 } satisfies PerPlan, source: 'K1 cloudflare-go firewall/lockdown.go; plans index.json' },
  lockdownIpsPerRule: { value: 250, source: 'K1 terraform-provider-cloudflare#964' },
  /** Zone Lockdown `per_page`: 1 or a multiple of 5, at most 1000. */
  lockdownMaxPerPage: { value: 1000, source: 'K1 cloudflare-go firewall/lockdown.go' },
} as const satisfies Record<string, LimitRow<unknown>>;
