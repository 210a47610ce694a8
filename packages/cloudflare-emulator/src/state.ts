import { TimeSortedStore } from './event-store.js';
import type {
  AccessRule,
  BulkOperation,
  FirewallEvent,
  HttpRequestSample,
  IpList,
  Lockdown,
  LogpushJob,
  PlanId,
  R2Bucket,
  R2LifecycleRule,
  Ruleset,
  TokenKind,
  TokenStatus,
} from './models.js';
import { GRAPHQL_BUDGET, REST_LIMITS, type DatasetLimits, type GraphqlDataset } from './limits.js';

/**
 * Sliding-window sizes (limits.ts has the sources). REST 1,200 and GraphQL 300 per 5 minutes per user, GraphQL
 * requests also counting against the REST budget (G8); list changes 1,000,000 items and 30,000 requests per 12 hours.
 */
export interface RateLimitSettings {
  restRequests: number;
  graphqlQueries: number;
  /** Window of `restRequests` and `graphqlQueries`; also how long an over-budget user is refused. */
  windowMs: number;
  listItemChanges: number;
  listModifyingRequests: number;
  listWindowMs: number;
}

/** Probabilities (0–1) of each injected fault, drawn per request from a seeded RNG. */
export interface FaultRates {
  rateLimit: number;
  serverError: number;
  latency: number;
  latencyMs: number;
  malformed: number;
  /** `Retry-After` seconds sent with an injected 429. */
  retryAfterSeconds: number;
}

export interface FaultSettings {
  seed: number;
  rest: FaultRates;
  graphql: FaultRates;
}

export interface BehaviourSettings {
  /**
   * 'ok': GraphQL validation and limit errors come back as HTTP 200 with `data: null` (what third-party clients report);
   * 'documented': the statuses the errors page lists (400, 403, 429).
   */
  graphqlErrorStatus: 'ok' | 'documented';
  /**
   * G1: how `settings.<dataset>.availableFields` names a nested field. 'underscore' (documented: `dimensions_clientIP`,
   * `sum_requests`); 'dotted' (`dimensions.clientIP`) and 'bare' (`clientIP`) are the spellings clients must also accept.
   */
  availableFieldsSpelling: 'underscore' | 'dotted' | 'bare';
  /** G2: limit errors in the live 2026 wording with `w d h m s ms` durations ('units'), or the older seconds form. */
  limitErrorWording: 'units' | 'seconds';
  /** G3: errors carry `extensions.code` (`budget`, `quota`, `authz`); false drops it ("not always present"). */
  graphqlErrorCodes: boolean;
  /** G9: whether a GraphQL 429 carries `Retry-After` (unknown; default no, so clients pace from their own count). */
  graphqlRetryAfter: boolean;
  /** Status for a REST request without credentials (code 9106): reports say 400 and 401 both occur. */
  invalidTokenStatus: 400 | 401;
  /** R3: the status of `7003 Could not route to …` for an unknown zone or account id. */
  unknownObjectStatus: 400 | 404;
  /** R5: a 5xx carries no documented envelope: a JSON envelope, or an HTML page from an edge. */
  serverErrorBody: 'json' | 'html';
  /** L1: the status of an accepted asynchronous list operation (docs: 201). */
  asyncListStatus: 200 | 201;
  /** A3: `scope.type` of account-level access rules (schema enum user | organization; `account` is not attested). */
  accountRuleScopeType: 'organization' | 'user' | 'account';
  /** A2: a zone's access-rule listing also shows the account-level rules that apply to the zone. */
  zoneListingIncludesAccountRules: boolean;
  /** K1: a Free zone's lockdown listing: refused (not entitled) or an empty list. */
  lockdownFreeListing: 'refused' | 'empty';
  /** A bulk list operation moves one step (pending → running → completed) per this many polls or this much time. */
  bulkOperationStepPolls: number;
  bulkOperationStepMs: number;
  /** Overrides the plan's maximum of list items per account (limits.ts: 10,000; Enterprise 500,000). */
  maxListItemsPerAccount: number | undefined;
  /**
   * Field reports G10: a GraphQL row is visible only some time after its timestamp; each row's lag is drawn from a
   * seeded RNG in [0, this). 0 makes every row visible at once.
   */
  ingestionLagMaxMs: number;
}

export interface TokenState {
  id: string;
  /** The secret bearer value. Never recorded or echoed. */
  value: string;
  kind: TokenKind;
  /** Owning account of an account-owned token. */
  accountId?: string;
  permissions: string[];
  status: TokenStatus;
  /** Restricts the token to these zones / accounts; absent means all. */
  zoneIds?: string[];
  accountIds?: string[];
  notBefore?: string;
  expiresOn?: string;
}

/** Per-zone overrides of the plan's GraphQL limits; `hiddenFields`: fields the zone may not select, in any spelling (G1). */
export type DatasetOverrides = Partial<DatasetLimits> & { hiddenFields?: string[] };

export interface ZoneState {
  id: string;
  name: string;
  accountId: string;
  plan: PlanId;
  createdOn: string;
  firewallEvents: TimeSortedStore<FirewallEvent>;
  httpRequests: TimeSortedStore<HttpRequestSample>;
  accessRules: Map<string, AccessRule>;
  lockdowns: Map<string, Lockdown>;
  rulesets: Map<string, Ruleset>;
  logRetention: boolean;
  logpushJobs: Map<number, LogpushJob>;
  graphqlOverrides: Partial<Record<GraphqlDataset, DatasetOverrides>>;
}

export interface AccountState {
  id: string;
  name: string;
  plan: PlanId;
  accessRules: Map<string, AccessRule>;
  lists: Map<string, IpList>;
  bulkOperations: Map<string, BulkOperation>;
  logpushJobs: Map<number, LogpushJob>;
  rulesets: Map<string, Ruleset>;
  /** Keyed by `<jurisdiction>/<name>`. */
  r2Buckets: Map<string, R2Bucket>;
}

export interface EmulatorState {
  accounts: Map<string, AccountState>;
  zones: Map<string, ZoneState>;
  /** Keyed by token value. */
  tokens: Map<string, TokenState>;
  limits: RateLimitSettings;
  faults: FaultSettings;
  behaviour: BehaviourSettings;
  /** The emulator's clock in ms since epoch (GraphQL retention windows, created_on, rate windows). */
  now: () => number;
  /** Deterministic id source for created objects. */
  nextId: () => string;
  nextJobId: () => number;
}

export const NO_FAULTS: FaultRates = { rateLimit: 0, serverError: 0, latency: 0, latencyMs: 0, malformed: 0, retryAfterSeconds: 1 };

export const CLOUDFLARE_RATE_LIMITS: RateLimitSettings = {
  restRequests: REST_LIMITS.requests.value,
  graphqlQueries: GRAPHQL_BUDGET.queriesPerWindow,
  windowMs: REST_LIMITS.requestWindowMs.value,
  listItemChanges: REST_LIMITS.listItemChanges.value,
  listModifyingRequests: REST_LIMITS.listModifyingRequests.value,
  listWindowMs: REST_LIMITS.listChangeWindowMs.value,
};

export interface StateOptions {
  now?: () => number;
  limits?: Partial<RateLimitSettings>;
  faults?: { seed?: number; rest?: Partial<FaultRates>; graphql?: Partial<FaultRates> };
  behaviour?: Partial<BehaviourSettings>;
  /** Seed for generated ids (default 1). */
  idSeed?: number;
}

export function createState(options: StateOptions = {}): EmulatorState {
  let idCounter = options.idSeed ?? 1;
  let jobCounter = 0;
  return {
    accounts: new Map(),
    zones: new Map(),
    tokens: new Map(),
    limits: { ...CLOUDFLARE_RATE_LIMITS, ...options.limits },
    faults: {
      seed: options.faults?.seed ?? 1,
      rest: { ...NO_FAULTS, ...options.faults?.rest },
      graphql: { ...NO_FAULTS, ...options.faults?.graphql },
    },
    behaviour: {
      graphqlErrorStatus: 'ok',
      availableFieldsSpelling: 'underscore',
      limitErrorWording: 'units',
      graphqlErrorCodes: true,
      graphqlRetryAfter: false,
      invalidTokenStatus: 400,
      unknownObjectStatus: 400,
      serverErrorBody: 'json',
      asyncListStatus: 201,
      accountRuleScopeType: 'organization',
      zoneListingIncludesAccountRules: true,
      lockdownFreeListing: 'refused',
      bulkOperationStepPolls: 1,
      bulkOperationStepMs: 200,
      maxListItemsPerAccount: undefined,
      // "partial data if you query for 3 minutes ago" and an exporter that moved its "now" back 5 minutes (G10).
      ingestionLagMaxMs: 5 * 60_000,
      ...options.behaviour,
    },
    now: options.now ?? (() => Date.now()),
    // 32 hex chars like Cloudflare ids; a counter mixed through a hash keeps them unique and reproducible.
    nextId: () => idFromCounter(idCounter++),
    nextJobId: () => ++jobCounter,
  };
}

function idFromCounter(counter: number): string {
  let out = '';
  let h = counter >>> 0;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    h = (h ^ (h >>> 16) ^ (counter * (i + 1))) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

export function addAccount(state: EmulatorState, input: { id?: string; name?: string; plan?: PlanId } = {}): AccountState {
  const id = input.id ?? state.nextId();
  const account: AccountState = {
    id,
    name: input.name ?? `Account ${id.slice(0, 6)}`,
    plan: input.plan ?? 'enterprise',
    accessRules: new Map(),
    lists: new Map(),
    bulkOperations: new Map(),
    logpushJobs: new Map(),
    rulesets: new Map(),
    r2Buckets: new Map(),
  };
  state.accounts.set(id, account);
  return account;
}

export function addZone(
  state: EmulatorState,
  input: { id?: string; name: string; accountId?: string; plan?: PlanId; createdOn?: string; logRetention?: boolean },
): ZoneState {
  const accountId = input.accountId ?? [...state.accounts.keys()][0] ?? addAccount(state).id;
  if (!state.accounts.has(accountId)) addAccount(state, { id: accountId });
  const id = input.id ?? state.nextId();
  const zone: ZoneState = {
    id,
    name: input.name,
    accountId,
    plan: input.plan ?? 'free',
    createdOn: input.createdOn ?? new Date(state.now()).toISOString(),
    // Lags drawn from the fault seed and the zone's position: reproducible, and different between zones.
    firewallEvents: new TimeSortedStore<FirewallEvent>((event) => event.rayName, state.faults.seed * 7919 + state.zones.size * 2),
    httpRequests: new TimeSortedStore<HttpRequestSample>(() => '', state.faults.seed * 7919 + state.zones.size * 2 + 1),
    accessRules: new Map(),
    lockdowns: new Map(),
    rulesets: new Map(),
    logRetention: input.logRetention ?? false,
    logpushJobs: new Map(),
    graphqlOverrides: {},
  };
  state.zones.set(id, zone);
  return zone;
}

export function addToken(
  state: EmulatorState,
  input: Omit<TokenState, 'id' | 'status' | 'kind'> & { id?: string; status?: TokenStatus; kind?: TokenKind },
): TokenState {
  const token: TokenState = { ...input, id: input.id ?? state.nextId(), status: input.status ?? 'active', kind: input.kind ?? 'user' };
  state.tokens.set(token.value, token);
  return token;
}

export function getZone(state: EmulatorState, zoneId: string): ZoneState {
  const zone = state.zones.get(zoneId);
  if (zone === undefined) throw new Error(`no zone ${zoneId} in the emulator`);
  return zone;
}

export function getAccount(state: EmulatorState, accountId: string): AccountState {
  const account = state.accounts.get(accountId);
  if (account === undefined) throw new Error(`no account ${accountId} in the emulator`);
  return account;
}

export function addFirewallEvents(state: EmulatorState, zoneId: string, events: Iterable<FirewallEvent>): void {
  getZone(state, zoneId).firewallEvents.add(events);
}

export function addHttpRequests(state: EmulatorState, zoneId: string, samples: Iterable<HttpRequestSample>): void {
  getZone(state, zoneId).httpRequests.add(samples);
}

/** Every permission name the emulator checks, for a token that may do everything. */
export const ALL_PERMISSIONS: readonly string[] = [
  'Analytics Read',
  'Account Analytics Read',
  'Account Firewall Access Rules Read',
  'Account Firewall Access Rules Write',
  'Firewall Services Read',
  'Firewall Services Write',
  'Account Filter Lists Read',
  'Account Filter Lists Edit',
  'Zone WAF Read',
  'Zone WAF Write',
  'Account Rulesets Read',
  'Account Rulesets Write',
  'Logs Read',
  'Logs Write',
  'Zone Read',
  'Workers R2 Storage Read',
];

/** Where a zone-or-account resource lives. */
export type ResourceOwner = { zoneId: string } | { accountId: string };

function ownerOf(state: EmulatorState, owner: ResourceOwner): ZoneState | AccountState {
  return 'zoneId' in owner ? getZone(state, owner.zoneId) : getAccount(state, owner.accountId);
}

export function addAccessRules(state: EmulatorState, owner: ResourceOwner, rules: Iterable<AccessRule>): void {
  const target = ownerOf(state, owner).accessRules;
  for (const rule of rules) target.set(rule.id, rule);
}

export function addIpList(state: EmulatorState, accountId: string, list: IpList): IpList {
  getAccount(state, accountId).lists.set(list.id, list);
  return list;
}

export function addLockdowns(state: EmulatorState, zoneId: string, lockdowns: Iterable<Lockdown>): void {
  const target = getZone(state, zoneId).lockdowns;
  for (const lockdown of lockdowns) target.set(lockdown.id, lockdown);
}

export function addRuleset(state: EmulatorState, owner: ResourceOwner, ruleset: Ruleset): Ruleset {
  ownerOf(state, owner).rulesets.set(ruleset.id, ruleset);
  return ruleset;
}

export function addLogpushJobs(state: EmulatorState, owner: ResourceOwner, jobs: Iterable<LogpushJob>): void {
  const target = ownerOf(state, owner).logpushJobs;
  for (const job of jobs) target.set(job.id, job);
}

/**
 * R2 keeps a default rule on every bucket: abort multipart uploads seven days after they start (docs,
 * r2/buckets/object-lifecycles). It deletes no object.
 */
export const R2_DEFAULT_MULTIPART_RULE: R2LifecycleRule = {
  id: 'Default Multipart Abort Rule',
  enabled: true,
  conditions: { prefix: '' },
  abortMultipartUploadsTransition: { condition: { type: 'Age', maxAge: 604_800 } },
};

/** An R2 bucket of the account; its lifecycle rules default to R2's own multipart rule. */
export function addR2Bucket(
  state: EmulatorState,
  accountId: string,
  input: { name: string; jurisdiction?: R2Bucket['jurisdiction']; lifecycleRules?: R2LifecycleRule[] },
): R2Bucket {
  const bucket: R2Bucket = {
    name: input.name,
    jurisdiction: input.jurisdiction ?? 'default',
    lifecycleRules: input.lifecycleRules ?? [R2_DEFAULT_MULTIPART_RULE],
  };
  getAccount(state, accountId).r2Buckets.set(`${bucket.jurisdiction}/${bucket.name}`, bucket);
  return bucket;
}
