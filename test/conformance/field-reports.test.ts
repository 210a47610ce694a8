import { APIError } from 'cloudflare/error';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsGraphqlClient, type AnalyticsGraphqlClient } from '../../src/cloudflare/analytics-graphql-client.js';
import { ACCESS_RULES_PER_PAGE, fetchAccessRules } from '../../src/cloudflare/objects/access-rules.js';
import { fetchCloudflareObjects } from '../../src/cloudflare/objects/fetch.js';
import { fetchLockdowns, LOCKDOWNS_PER_PAGE } from '../../src/cloudflare/objects/lockdowns.js';
import { fetchLogpushJobs, fetchLogRetention } from '../../src/cloudflare/objects/logs.js';
import { classifyReadError } from '../../src/cloudflare/objects/read-status.js';
import { EXPECTED_DATASET_WINDOWS, LIST_CAPS, LOCKDOWN_RULES } from '../../src/cloudflare/plan-limits.js';
import {
  buildFirewallEventsQuery,
  buildHttpGroupsQuery,
  isFieldAvailable,
  parseZoneSettings,
  ZONE_SETTINGS_QUERY,
  type ZoneSettings,
} from '../../src/cloudflare/queries.js';
import { parseRateLimitHeaders } from '../../src/cloudflare/rate-budget.js';
import { createRestClient, type RestClient } from '../../src/cloudflare/rest-client.js';
import { createRestPacer } from '../../src/cloudflare/rest-pacer.js';
import { DEFAULT_PULL_OVERLAP } from '../../src/config/config.js';
import { parseDuration } from '../../src/config/duration.js';
import {
  addAccessRules,
  addAccount,
  addFirewallEvents,
  addHttpRequests,
  addIpList,
  addLogpushJobs,
  addToken,
  addZone,
  defaultDatasetLimits,
  generateAccessRules,
  generateFirewallEvents,
  generateHttpRequests,
  generateIpList,
  generateLogpushJobs,
  REST_LIMITS,
  type AccountState,
  type BehaviourSettings,
  type Emulator,
  type PlanId,
  type ZoneState,
} from '@luxeret/cloudflare-emulator';
import { CloudflareApiError } from '../../src/errors.js';
import { deleteAccessRules, deleteListItems, LIST_ITEM_CHANGE_BUDGET, LIST_REQUEST_BUDGET } from '../../src/cloudflare/objects/delete.js';
import { pullZones } from '../../src/pull/pull.js';
import { sqlitePortOf } from '../helpers/store-kinds.js';
import { openStore, type Db } from '../../src/store/db.js';
import { listHttpAnalytics } from '../../src/store/http-analytics.js';
import { listFirewallEventKeys } from '../../src/store/firewall-events.js';
import { makeTempDir } from '../helpers/cli.js';
import { eventKey } from '../integration/pull-fixture.js';
import { callEmulator, graphqlQuery, startTestEmulator, TEST_TOKEN, type JsonResponse } from '@luxeret/cloudflare-emulator/testing';

/**
 * One row per fact of the field reports (`cloudflare-field-reports.md`): the emulator answers that way, and the client
 * copes. Where a row is "unknown", each alternative the emulator can be switched to is a case of its own. A new fact
 * is one new row in FACTS. Everything runs on one emulator over real HTTP, with a clock shared by the emulator and the
 * clients, so waits (rate limits, retries, bulk operations) cost no real time.
 */

const PLANS: readonly PlanId[] = ['free', 'pro', 'business', 'enterprise'];
const DAY_S = 86_400;

let emulator: Emulator;
let account: AccountState;
let zones: Record<PlanId, ZoneState>;
let clockMs = Date.parse('2026-12-01T12:00:00.000Z');
const now = () => clockMs;
const sleep = (ms: number): Promise<void> => {
  clockMs += Math.max(0, ms);
  return Promise.resolve();
};
let defaults: { behaviour: BehaviourSettings; limits: Emulator['state']['limits']; faults: string };
let temp: { dir: string; cleanup: () => void };

beforeAll(async () => {
  emulator = await startTestEmulator({ now });
  account = addAccount(emulator.state, { name: 'Luxeret', plan: 'enterprise' });
  zones = Object.fromEntries(PLANS.map((plan) => [plan, addZone(emulator.state, { name: `${plan}.example`, accountId: account.id, plan })])) as Record<
    PlanId,
    ZoneState
  >;
  defaults = { behaviour: { ...emulator.state.behaviour }, limits: { ...emulator.state.limits }, faults: JSON.stringify(emulator.state.faults) };
  temp = makeTempDir('luxeret-conformance-');
});
afterEach(() => {
  emulator.state.behaviour = { ...defaults.behaviour };
  emulator.state.limits = { ...defaults.limits };
  emulator.state.faults = JSON.parse(defaults.faults) as Emulator['state']['faults'];
  // Past any window a case spent or blocked.
  clockMs += 13 * 3_600_000;
});
afterAll(async () => {
  await emulator.close();
  temp.cleanup();
});

// ---- shared helpers -------------------------------------------------------------------------------------------

function graphqlClient(): AnalyticsGraphqlClient {
  return createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TEST_TOKEN, now, sleep, random: () => 0.5 });
}

function restClient(options: { maxRetries?: number; budget?: { capacity: number; windowMs: number } } = {}): Promise<RestClient> {
  const pacer = createRestPacer({ now, sleep, ...(options.budget ? { budget: options.budget } : {}) });
  return createRestClient({ baseUrl: emulator.baseUrl, token: TEST_TOKEN, pacer, maxRetries: options.maxRetries ?? 0 });
}

async function settingsOf(zone: ZoneState): Promise<ZoneSettings> {
  return parseZoneSettings(await graphqlClient().graphql(ZONE_SETTINGS_QUERY, { zoneTag: zone.id }), zone.id);
}

/** Raw `settings` of a zone, as the emulator answers. */
async function rawSettings(zone: ZoneState): Promise<Record<string, { availableFields: string[]; notOlderThan: number; maxDuration: number }>> {
  const response = await graphqlQuery(emulator, ZONE_SETTINGS_QUERY, { zoneTag: zone.id });
  return (response.body as { data: { viewer: { zones: { settings: Record<string, never> }[] } } }).data.viewer.zones[0]!.settings;
}

/** A security-events query starting two days before the zone's window. */
function outOfWindowQuery(zone: ZoneState, plan: PlanId): { query: string; variables: Readonly<Record<string, unknown>> } {
  const fromMs = clockMs - (EXPECTED_DATASET_WINDOWS.firewallEventsAdaptive[plan].notOlderThanSeconds + 2 * DAY_S) * 1000;
  return buildFirewallEventsQuery(
    zone.id,
    ['datetime'],
    [
      { field: 'datetime', op: '_geq', value: new Date(fromMs).toISOString() },
      { field: 'datetime', op: '_lt', value: new Date(fromMs + 3_600_000).toISOString() },
    ],
    ['datetime'],
    1,
  );
}

type GraphqlErrorBody = { data: unknown; errors: { message: string; extensions?: { code?: string } }[] | null };

/** Sends the query raw, then through the client: the client must refuse it after one request (a limit is never retried). */
async function limitError(query: {
  query: string;
  variables: Readonly<Record<string, unknown>>;
}): Promise<{ raw: JsonResponse; error: GraphqlErrorBody['errors'] }> {
  const raw = await graphqlQuery(emulator, query.query, { ...query.variables });
  const client = graphqlClient();
  await expect(client.graphql(query.query, query.variables)).rejects.toBeInstanceOf(CloudflareApiError);
  expect(client.stats()).toMatchObject({ requests: 1, retries: 0 });
  return { raw, error: (raw.body as GraphqlErrorBody).errors };
}

const behave = (patch: Partial<BehaviourSettings>) => Object.assign(emulator.state.behaviour, patch);

function freshStore(name: string): Db {
  return openStore(`${temp.dir}/${name}.db`, { create: true });
}

async function apiErrorOf(run: () => Promise<unknown>): Promise<APIError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const codesOf = (err: APIError) => ((err.errors ?? []) as { code?: number }[]).map((e) => e.code);

// ---- the facts --------------------------------------------------------------------------------------------------

interface FactCase {
  /** 'documented' for the evidenced answer; otherwise the alternative an "unknown" row allows. */
  readonly mode: string;
  readonly check: () => Promise<void>;
}
interface Fact {
  readonly id: string;
  readonly claim: string;
  readonly cases: readonly FactCase[];
}

const spellingCase = (mode: 'underscore' | 'dotted' | 'bare', example: string): FactCase => ({
  mode,
  check: async () => {
    behave({ availableFieldsSpelling: mode });
    const raw = await rawSettings(zones.free);
    expect(raw['httpRequestsAdaptiveGroups']!.availableFields).toContain(example);
    expect(raw['firewallEventsAdaptive']!.availableFields).toContain('clientIP');
    const settings = await settingsOf(zones.free);
    for (const field of ['clientIP', 'clientCountryName', 'datetimeHour']) expect(isFieldAvailable(settings.httpRequestsAdaptiveGroups, field)).toBe(true);
    expect(isFieldAvailable(settings.httpRequestsAdaptiveGroups, 'clientAsn')).toBe(false);
  },
});

const FACTS: readonly Fact[] = [
  {
    id: 'G1',
    claim: 'availableFields names nested fields with underscores; the client accepts every spelling',
    cases: [spellingCase('underscore', 'dimensions_clientIP'), spellingCase('dotted', 'dimensions.clientIP'), spellingCase('bare', 'clientIP')],
  },
  {
    id: 'G2',
    claim: 'limit errors word durations in units (or, on older nodes, seconds); the client never retries them',
    cases: [
      {
        mode: 'units',
        check: async () => {
          const { error } = await limitError(outOfWindowQuery(zones.free, 'free'));
          expect(error?.[0]?.message).toMatch(
            /cannot request data older than 1d, but your query requests data from \d+(?:w|d|h|m|s|ms)+(?:\d+(?:w|d|h|m|s|ms))* ago/,
          );
        },
      },
      {
        mode: 'seconds',
        check: async () => {
          behave({ limitErrorWording: 'seconds' });
          const { error } = await limitError(outOfWindowQuery(zones.free, 'free'));
          expect(error?.[0]?.message).toMatch(/cannot request data older than 86400s/);
        },
      },
    ],
  },
  {
    id: 'G3',
    claim: 'errors may carry extensions.code (quota for a range); the client decides without it too',
    cases: [
      {
        mode: 'with code',
        check: async () => expect((await limitError(outOfWindowQuery(zones.pro, 'pro'))).error?.[0]?.extensions?.code).toBe('quota'),
      },
      {
        mode: 'without code',
        check: async () => {
          behave({ graphqlErrorCodes: false });
          expect((await limitError(outOfWindowQuery(zones.pro, 'pro'))).error?.[0]?.extensions?.code).toBeUndefined();
        },
      },
    ],
  },
  {
    id: 'G4',
    claim: "field gating reads `zone '<id>' does not have access to the field 'clientasn'`; the client stops, it does not retry",
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const query = buildHttpGroupsQuery(
            zones.free.id,
            ['datetimeHour', 'clientAsn'],
            [
              { field: 'datetime', op: '_geq', value: new Date(clockMs - 3_600_000).toISOString() },
              { field: 'datetime', op: '_lt', value: new Date(clockMs).toISOString() },
            ],
            ['datetimeHour'],
            10,
          );
          const { error } = await limitError(query);
          expect(error?.[0]?.message).toBe(`zone '${zones.free.id}' does not have access to the field 'clientasn'`);
        },
      },
    ],
  },
  {
    id: 'G5',
    claim: 'httpRequestsAdaptiveGroups keeps 8 days on Free and Pro, Free queries 1 day wide; the plan table agrees',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const free = (await settingsOf(zones.free)).httpRequestsAdaptiveGroups;
          expect(free).toMatchObject({ notOlderThan: 691_200, maxDuration: 86_400, maxPageSize: 10_000 });
          for (const plan of PLANS) {
            const limits = defaultDatasetLimits('httpRequestsAdaptiveGroups', plan);
            expect({ plan, notOlderThan: limits.notOlderThan, maxDuration: limits.maxDuration }).toEqual({
              plan,
              notOlderThan: EXPECTED_DATASET_WINDOWS.httpRequestsAdaptiveGroups[plan].notOlderThanSeconds,
              maxDuration: EXPECTED_DATASET_WINDOWS.httpRequestsAdaptiveGroups[plan].maxDurationSeconds,
            });
          }
        },
      },
    ],
  },
  {
    id: 'G6',
    claim: 'a Free zone serves clientIP and refuses clientAsn in request analytics; pull stores per-IP counts there',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const fields = (await rawSettings(zones.free))['httpRequestsAdaptiveGroups']!.availableFields;
          expect(fields).toContain('dimensions_clientIP');
          expect(fields).not.toContain('dimensions_clientAsn');
          const hour = Math.floor(clockMs / 3_600_000) * 3_600_000;
          addHttpRequests(
            emulator.state,
            zones.free.id,
            generateHttpRequests({ seed: 6, from: new Date(hour - 6 * 3_600_000), to: new Date(hour - 3_600_000), clientsPerHour: 40 }),
          );
          const db = freshStore('g6');
          try {
            const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };
            await pullZones(
              { client: graphqlClient(), store: sqlitePortOf(db), now: () => new Date(clockMs) },
              { zones: [{ id: zones.free.id, name: undefined }], retention, fields: [] },
            );
            const rows = listHttpAnalytics(db, zones.free.id);
            expect(rows.length).toBeGreaterThan(0);
            expect(rows.every((row) => row.clientIp !== '')).toBe(true);
          } finally {
            db.close();
          }
        },
      },
    ],
  },
  {
    id: 'G7',
    claim: 'firewallEventsAdaptive windows: 24 h / 24 h / 3 d / 31 d; the emulator and the plan table agree',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          for (const plan of PLANS) {
            const settings = (await settingsOf(zones[plan])).firewallEventsAdaptive;
            const expected = EXPECTED_DATASET_WINDOWS.firewallEventsAdaptive[plan];
            expect({ plan, notOlderThan: settings.notOlderThan, maxDuration: settings.maxDuration }).toEqual({
              plan,
              notOlderThan: expected.notOlderThanSeconds,
              maxDuration: expected.maxDurationSeconds,
            });
          }
        },
      },
    ],
  },
  {
    id: 'G8',
    claim: 'a GraphQL request costs scopes × nodes and also counts against the REST budget; over budget: 429 "rate limiter budget depleted"',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          emulator.state.limits = { ...emulator.state.limits, graphqlQueries: 3 };
          const twoNodes = `query { viewer { zones(filter: {zoneTag: "${zones.business.id}"}) { settings { firewallEventsAdaptive { enabled } } firewallEventsAdaptive(filter: {datetime_geq: "${new Date(clockMs - 60_000).toISOString()}", datetime_lt: "${new Date(clockMs).toISOString()}"}, limit: 1) { datetime } } } }`;
          const restBefore = remainingRest(await callEmulator(emulator, 'GET', `/zones/${zones.business.id}`));
          // The client charges the same request to the run's REST pacer: at least what the server counts.
          const pacer = createRestPacer({ now, sleep });
          await createAnalyticsGraphqlClient({ baseUrl: emulator.baseUrl, token: TEST_TOKEN, now, sleep, restPacer: pacer }).graphql(twoNodes, {}, { cost: 2 });
          const restAfter = remainingRest(await callEmulator(emulator, 'GET', `/zones/${zones.business.id}`));
          const serverCharge = restBefore - restAfter - 1;
          expect(serverCharge).toBeGreaterThanOrEqual(1);
          expect(pacer.stats().charged).toBeGreaterThanOrEqual(serverCharge);
          const refused = await graphqlQuery(emulator, twoNodes);
          expect(refused.status).toBe(429);
          expect((refused.body as GraphqlErrorBody).errors?.[0]?.message).toMatch(
            /^rate limiter budget depleted, (try again after 5 minutes|please try again later)$/,
          );
        },
      },
    ],
  },
  {
    id: 'G9',
    claim: 'rate headers are REST only; a GraphQL 429 may or may not carry Retry-After; the client waits either way',
    cases: [false, true].map((retryAfter): FactCase => ({
      mode: retryAfter ? 'Retry-After on a GraphQL 429' : 'no Retry-After',
      check: async () => {
        behave({ graphqlRetryAfter: retryAfter });
        const rest = await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`);
        expect(rest.headers.get('ratelimit')).not.toBeNull();
        const ok = await graphqlQuery(emulator, ZONE_SETTINGS_QUERY, { zoneTag: zones.pro.id });
        expect([ok.headers.get('ratelimit'), ok.headers.get('ratelimit-policy')]).toEqual([null, null]);
        emulator.state.limits = { ...emulator.state.limits, graphqlQueries: 1, windowMs: 300_000 };
        clockMs += 300_000;
        const client = graphqlClient();
        const startedMs = clockMs;
        await client.graphql(ZONE_SETTINGS_QUERY, { zoneTag: zones.pro.id });
        await client.graphql(ZONE_SETTINGS_QUERY, { zoneTag: zones.pro.id });
        const limited = emulator.requests.filter((r) => r.kind === 'graphql' && r.atMs >= startedMs && r.status === 429);
        expect(limited).toHaveLength(1);
        expect(client.stats()).toMatchObject({ requests: 3, retries: 1 });
        expect(clockMs - startedMs).toBeGreaterThanOrEqual(300_000);
      },
    })),
  },
  {
    id: 'G10',
    claim: 'rows arrive minutes late; pulls three minutes apart, then one after the lag, store every row exactly once',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const zone = zones.enterprise;
          const events = [
            ...generateFirewallEvents({ seed: 10, from: new Date(clockMs - 2 * 3_600_000), to: new Date(clockMs - 60_000), count: 300 }),
            ...generateFirewallEvents({ seed: 11, from: new Date(clockMs - 60_000), to: new Date(clockMs - 5_000), count: 100 }),
          ];
          addFirewallEvents(emulator.state, zone.id, events);
          const window = {
            query: buildFirewallEventsQuery(
              zone.id,
              ['rayName'],
              [
                { field: 'datetime', op: '_geq', value: new Date(clockMs - 60_000).toISOString() },
                { field: 'datetime', op: '_lt', value: new Date(clockMs).toISOString() },
              ],
              ['datetime'],
              10_000,
            ),
          };
          // The client's default re-read covers the emulator's longest lag.
          expect(parseDuration(DEFAULT_PULL_OVERLAP)!.ms).toBeGreaterThanOrEqual(defaults.behaviour.ingestionLagMaxMs);
          const recent = events.filter((e) => Date.parse(e.datetime) >= clockMs - 60_000).length;
          const visibleNow = await graphqlClient().graphql<{ viewer: { zones: { firewallEventsAdaptive: unknown[] }[] } }>(
            window.query.query,
            window.query.variables,
          );
          expect(visibleNow.viewer.zones[0]!.firewallEventsAdaptive.length).toBeLessThan(recent);
          const db = freshStore('g10');
          try {
            const retention = { firewallEvents: parseDuration('30d')!, httpAnalytics: parseDuration('30d')! };
            const pull = () =>
              pullZones(
                { client: graphqlClient(), store: sqlitePortOf(db), now: () => new Date(clockMs) },
                { zones: [{ id: zone.id, name: undefined }], retention, fields: [] },
              );
            await pull();
            clockMs += 3 * 60_000;
            await pull();
            clockMs += 6 * 60_000;
            await pull();
            const stored = listFirewallEventKeys(db, zone.id);
            expect(stored).toHaveLength(events.length);
            expect(new Set(stored)).toEqual(new Set(events.map(eventKey)));
          } finally {
            db.close();
          }
        },
      },
    ],
  },
  {
    id: 'G11',
    claim: 'limit errors come back as HTTP 200 with data null (field) or 400 (docs); the client refuses both without retrying',
    cases: [
      {
        mode: 'HTTP 200',
        check: async () => expect((await limitError(outOfWindowQuery(zones.business, 'business'))).raw).toMatchObject({ status: 200, body: { data: null } }),
      },
      {
        mode: 'HTTP 400',
        check: async () => {
          behave({ graphqlErrorStatus: 'documented' });
          expect((await limitError(outOfWindowQuery(zones.business, 'business'))).raw.status).toBe(400);
        },
      },
    ],
  },
  {
    id: 'G12',
    claim: 'transient errors ("unable to execute query, please try again later", HTTP 503) are retried',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          emulator.state.faults.graphql.serverError = 1;
          const raw = await graphqlQuery(emulator, ZONE_SETTINGS_QUERY, { zoneTag: zones.pro.id });
          expect(raw.status).toBe(503);
          expect((raw.body as GraphqlErrorBody).errors?.[0]?.message).toBe('unable to execute query, please try again later');
          const client = createAnalyticsGraphqlClient({
            baseUrl: emulator.baseUrl,
            token: TEST_TOKEN,
            now,
            sleep,
            random: () => 0.5,
            onRetry: () => void (emulator.state.faults.graphql.serverError = 0),
          });
          await expect(client.graphql(ZONE_SETTINGS_QUERY, { zoneTag: zones.pro.id })).resolves.toBeDefined();
          expect(client.stats()).toMatchObject({ requests: 2, retries: 1 });
        },
      },
    ],
  },
  {
    id: 'R1',
    claim: 'REST: over the budget every call is refused for 5 minutes with 429 code 971; the pacer stays under it',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          emulator.state.limits = { ...emulator.state.limits, restRequests: 3, windowMs: 300_000 };
          for (let i = 0; i < 3; i++) expect((await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`)).status).toBe(200);
          const refused = await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`);
          expect(refused.status).toBe(429);
          expect(refused.body).toMatchObject({ success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
          expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
          clockMs += 120_000;
          expect((await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`)).status).toBe(429);
          clockMs += 300_000;
          const client = await restClient({ budget: { capacity: 3, windowMs: 300_000 } });
          const startedMs = clockMs;
          for (let i = 0; i < 7; i++) await client.sdk.zones.get({ zone_id: zones.pro.id });
          expect(client.pacer.stats().rateLimited).toBe(0);
          expect(clockMs - startedMs).toBeGreaterThanOrEqual(600_000);
        },
      },
    ],
  },
  {
    id: 'R2',
    claim: 'every REST response carries Ratelimit (r, t) and Ratelimit-Policy (q, w); Retry-After only on a 429',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const response = await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`);
          expect(response.headers.get('ratelimit')).toMatch(/^"[^"]+";r=\d+;t=\d+$/);
          expect(response.headers.get('ratelimit-policy')).toMatch(/^"[^"]+";q=1200;w=300$/);
          expect(response.headers.get('retry-after')).toBeNull();
          const signal = parseRateLimitHeaders(response.headers, clockMs);
          expect(signal.remaining).toBe(remainingRest(response));
          expect(signal.policy).toEqual({ quota: 1200, windowSeconds: 300 });
          expect(signal.retryAfterSeconds).toBeUndefined();
        },
      },
    ],
  },
  {
    id: 'R3',
    claim: 'an unknown route is 400 code 7000; an unknown object id is code 7003 with HTTP 400 or 404; the client reports it as an error',
    cases: [400, 404].map((status): FactCase => ({
      mode: `unknown object: HTTP ${status}`,
      check: async () => {
        behave({ unknownObjectStatus: status as 400 | 404 });
        const route = await callEmulator(emulator, 'GET', '/no/such/route');
        expect(route.status).toBe(400);
        expect(route.body).toMatchObject({ errors: [{ code: 7000, message: 'No route for that URI' }] });
        const unknownZone = '0'.repeat(32);
        const err = await apiErrorOf(async () => (await restClient()).sdk.zones.get({ zone_id: unknownZone }));
        expect(err.status).toBe(status);
        expect(codesOf(err)).toEqual([7003]);
        expect(classifyReadError('zone', { type: 'zone', id: unknownZone }, err)).toMatchObject({ state: 'error', status, codes: [7003] });
      },
    })),
  },
  {
    id: 'R4',
    claim: 'no credentials: 9106; a bad token: 401 code 10000; an account token at /user/tokens/verify: 401 code 1000',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const missing = await callEmulator(emulator, 'GET', '/user/tokens/verify', { token: null });
          expect(missing.body).toMatchObject({
            success: false,
            errors: [{ code: 9106, message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers' }],
          });
          const bad = await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`, { token: 'not-a-token' });
          expect(bad.status).toBe(401);
          expect(bad.body).toMatchObject({ errors: [{ code: 10000, message: 'Authentication error' }] });
          addToken(emulator.state, { value: 'account-owned-token', kind: 'account', accountId: account.id, permissions: ['Zone Read'] });
          const wrongEndpoint = await callEmulator(emulator, 'GET', '/user/tokens/verify', { token: 'account-owned-token' });
          expect(wrongEndpoint.status).toBe(401);
          expect(wrongEndpoint.body).toMatchObject({ errors: [{ code: 1000, message: 'Invalid API Token' }] });
          const verified = await callEmulator(emulator, 'GET', `/accounts/${account.id}/tokens/verify`, { token: 'account-owned-token' });
          expect(verified.body).toMatchObject({
            success: true,
            messages: [{ code: 10000, message: 'This API Token is valid and active', type: null }],
            result: { status: 'active' },
          });
          // The client verifies an account-owned token at the account endpoint.
          const { sdk } = await createRestClient({ baseUrl: emulator.baseUrl, token: 'account-owned-token', maxRetries: 0 });
          expect(await sdk.accounts.tokens.verify({ account_id: account.id })).toMatchObject({ status: 'active' });
        },
      },
    ],
  },
  {
    id: 'R5',
    claim: 'a 5xx body is undocumented (JSON or an HTML edge page); the client retries any 5xx',
    cases: (['json', 'html'] as const).map((body): FactCase => ({
      mode: `${body} body`,
      check: async () => {
        behave({ serverErrorBody: body });
        emulator.state.faults.rest.serverError = 1;
        const raw = await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}`);
        expect(raw.status).toBeGreaterThanOrEqual(500);
        if (body === 'json') expect(raw.body).toMatchObject({ success: false });
        else expect(raw.text).toMatch(/<html/i);
        const pacer = createRestPacer({
          now,
          sleep,
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            if (response.status >= 500) emulator.state.faults.rest.serverError = 0;
            return response;
          },
        });
        const client = await createRestClient({ baseUrl: emulator.baseUrl, token: TEST_TOKEN, pacer, maxRetries: 2, now, sleep });
        expect(await client.sdk.zones.get({ zone_id: zones.pro.id })).toMatchObject({ id: zones.pro.id });
        expect(client.pacer.stats().requests).toBe(2);
      },
    })),
  },
  {
    id: 'L1',
    claim: 'a bulk item delete returns an operation id (HTTP 201 by the docs, 200 seen); the purge polls it to completion either way',
    cases: ([201, 200] as const).map((status): FactCase => ({
      mode: `HTTP ${status}`,
      check: async () => {
        behave({ asyncListStatus: status });
        const list = addIpList(emulator.state, account.id, generateIpList({ seed: status, now: new Date(clockMs), name: `l1_${status}`, items: 6 }));
        const ids = [...list.items.keys()];
        const raw = await callEmulator(emulator, 'DELETE', `/accounts/${account.id}/rules/lists/${list.id}/items`, { body: { items: [{ id: ids[0] }] } });
        expect(raw.status).toBe(status);
        expect(raw.body).toMatchObject({ success: true, result: { operation_id: expect.any(String) } });
        clockMs += 60_000;
        const rest = ids.slice(1).map((id) => ({ id, listId: list.id, accountId: account.id }));
        const report = await deleteListItems((await restClient()).sdk, rest, { concurrency: 1, itemBudget: LIST_ITEM_CHANGE_BUDGET, sleep, now });
        expect(report.failures).toEqual([]);
        expect(report.accepted).toHaveLength(5);
        expect(list.items.size).toBe(0);
      },
    })),
  },
  {
    id: 'L2',
    claim: 'one pending bulk operation per account: a write meanwhile gets 429; the purge waits and then succeeds',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          behave({ bulkOperationStepPolls: 1_000, bulkOperationStepMs: 5_000 });
          const list = addIpList(emulator.state, account.id, generateIpList({ seed: 21, now: new Date(clockMs), name: 'l2_list', items: 4 }));
          const [first, ...rest] = [...list.items.keys()];
          expect(
            (await callEmulator(emulator, 'DELETE', `/accounts/${account.id}/rules/lists/${list.id}/items`, { body: { items: [{ id: first }] } })).status,
          ).toBeLessThan(300);
          const refused = await callEmulator(emulator, 'DELETE', `/accounts/${account.id}/rules/lists/${list.id}/items`, {
            body: { items: [{ id: rest[0] }] },
          });
          expect(refused.status).toBe(429);
          const report = await deleteListItems(
            (await restClient()).sdk,
            rest.map((id) => ({ id, listId: list.id, accountId: account.id })),
            { concurrency: 1, itemBudget: LIST_ITEM_CHANGE_BUDGET, sleep, now, random: () => 0.5 },
          );
          expect(report.failures).toEqual([]);
          expect(list.items.size).toBe(0);
        },
      },
    ],
  },
  {
    id: 'L3',
    claim: 'the list change budget is 1,000,000 item changes (and 30,000 requests) per 12 hours, emulator and client alike',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const twelveHoursMs = 12 * 3_600_000;
          expect(defaults.limits).toMatchObject({ listItemChanges: 1_000_000, listModifyingRequests: 30_000, listWindowMs: twelveHoursMs });
          expect(LIST_ITEM_CHANGE_BUDGET).toEqual({ capacity: 1_000_000, windowMs: twelveHoursMs });
          expect(LIST_REQUEST_BUDGET).toEqual({ capacity: 30_000, windowMs: twelveHoursMs });
          // Enforced, scaled down: the third item change within the window is refused.
          emulator.state.limits = { ...emulator.state.limits, listItemChanges: 2 };
          const list = addIpList(emulator.state, account.id, generateIpList({ seed: 31, now: new Date(clockMs), name: 'l3_list', items: 3 }));
          const statuses: number[] = [];
          for (const id of list.items.keys()) {
            statuses.push(
              (await callEmulator(emulator, 'DELETE', `/accounts/${account.id}/rules/lists/${list.id}/items`, { body: { items: [{ id }] } })).status,
            );
            clockMs += 60_000;
          }
          expect(statuses.map((status) => status < 300)).toEqual([true, true, false]);
          expect(statuses[2]).toBe(429);
        },
      },
    ],
  },
  {
    id: 'L4',
    claim: 'items across all lists: 10,000 below Enterprise, 500,000 on it; IPv6 items up to /64',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          expect(LIST_CAPS).toMatchObject({
            free: { items: 10_000, lists: 1 },
            business: { items: 10_000, lists: 10 },
            enterprise: { items: 500_000, lists: 1_000 },
          });
          for (const plan of PLANS) {
            expect(LIST_CAPS[plan]).toEqual({ items: REST_LIMITS.listItemsPerAccount.value[plan], lists: REST_LIMITS.listsPerAccount.value[plan] });
          }
          const list = addIpList(emulator.state, account.id, generateIpList({ seed: 41, now: new Date(clockMs), name: 'l4_list', items: 1 }));
          const added = await callEmulator(emulator, 'POST', `/accounts/${account.id}/rules/lists/${list.id}/items`, { body: [{ ip: '2001:db8:4::/64' }] });
          expect(added.status).toBeLessThan(300);
          clockMs += 60_000;
          const operationId = (added.body as { result: { operation_id: string } }).result.operation_id;
          expect((await callEmulator(emulator, 'GET', `/accounts/${account.id}/rules/lists/bulk_operations/${operationId}`)).body).toMatchObject({
            result: { status: 'completed' },
          });
          const tooNarrow = await callEmulator(emulator, 'POST', `/accounts/${account.id}/rules/lists/${list.id}/items`, { body: [{ ip: '2001:db8:4::/65' }] });
          expect(tooNarrow.status).toBe(400);
          const items = (
            await fetchCloudflareObjects({ sdk: (await restClient()).sdk }, { zones: [], accountId: account.id, managedLists: [] }, { parts: ['list-items'] })
          ).listItems;
          expect(items.find((item) => item.ip === '2001:db8:4::/64')?.network).toBeDefined();
        },
      },
    ],
  },
  {
    id: 'A1',
    claim: 'access rules: five modes, targets ip/ip6/ip_range(/16,/24,/32,/48,/64)/asn/country, country block Enterprise-only',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const create = (zone: ZoneState, mode: string, target: string, value: string) =>
            callEmulator(emulator, 'POST', `/zones/${zone.id}/firewall/access_rules/rules`, { body: { mode, configuration: { target, value }, notes: 'A1' } });
          const valid: [string, string, string][] = [
            ['block', 'ip', '192.0.2.11'],
            ['challenge', 'ip6', '2001:db8::11'],
            ['js_challenge', 'ip_range', '198.51.100.0/24'],
            ['managed_challenge', 'ip_range', '2001:db8:11::/48'],
            ['whitelist', 'asn', 'AS64500'],
          ];
          for (const [mode, target, value] of valid) expect((await create(zones.pro, mode, target, value)).status).toBe(200);
          expect((await create(zones.pro, 'block', 'ip_range', '198.51.96.0/20')).status).toBe(400);
          expect((await create(zones.pro, 'block', 'country', 'KP')).status).toBeGreaterThanOrEqual(400);
          expect((await create(zones.enterprise, 'block', 'country', 'KP')).status).toBe(200);
          const rules = await fetchAccessRules((await restClient()).sdk, { type: 'zone', id: zones.pro.id });
          for (const [mode, target, value] of valid) {
            const rule = rules.find((r) => r.notes === 'A1' && r.mode === mode);
            expect(rule).toMatchObject({ target, value });
            expect(rule?.network !== undefined).toBe(target !== 'asn');
          }
        },
      },
    ],
  },
  {
    id: 'A2',
    claim: "a zone's access-rule listing includes the account's rules (or not); the client inventories each rule once, at the account",
    cases: [true, false].map((included): FactCase => ({
      mode: included ? 'account rules listed in the zone' : 'zone rules only',
      check: async () => {
        behave({ zoneListingIncludesAccountRules: included });
        const { accountRule, zoneRule } = seedRules('a2', zones.business);
        const zoneListing = await callEmulator(emulator, 'GET', `/zones/${zones.business.id}/firewall/access_rules/rules?per_page=1000`);
        const listedIds = (zoneListing.body as { result: { id: string }[] }).result.map((r) => r.id);
        expect(listedIds.includes(accountRule)).toBe(included);
        const objects = await fetchCloudflareObjects(
          { sdk: (await restClient()).sdk },
          { zones: [{ id: zones.business.id, name: undefined }], accountId: account.id, managedLists: [] },
          { parts: ['access-rules'] },
        );
        expect(objects.accessRules.filter((r) => r.id === accountRule)).toMatchObject([{ scope: { type: 'account', id: account.id } }]);
        expect(objects.accessRules.filter((r) => r.id === zoneRule)).toMatchObject([{ scope: { type: 'zone', id: zones.business.id } }]);
      },
    })),
  },
  {
    id: 'A3',
    claim: 'an account rule carries scope.type organization (or user; account is not attested); the client decides the owner from scope',
    cases: (['organization', 'user', 'account'] as const).map((scopeType): FactCase => ({
      mode: scopeType,
      check: async () => {
        behave({ accountRuleScopeType: scopeType });
        const { accountRule } = seedRules(`a3_${scopeType}`, zones.business);
        const listing = await callEmulator(emulator, 'GET', `/accounts/${account.id}/firewall/access_rules/rules?per_page=1000`);
        const raw = (listing.body as { result: { id: string; scope: { type: string; id: string } }[] }).result.find((r) => r.id === accountRule);
        expect(raw?.scope).toMatchObject({ type: scopeType, id: account.id });
        // Read only through the zone: the rule still belongs to the account.
        const objects = await fetchCloudflareObjects(
          { sdk: (await restClient()).sdk },
          { zones: [{ id: zones.business.id, name: undefined }], accountId: undefined, managedLists: [] },
          { parts: ['access-rules'] },
        );
        expect(objects.accessRules.find((r) => r.id === accountRule)?.scope).toEqual({ type: 'account', id: account.id });
      },
    })),
  },
  {
    id: 'A4',
    claim: 'access-rule errors: invalid ip, duplicate 10009, not found 10001; per_page 1000 accepted; the purge takes not found as gone',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const path = `/zones/${zones.pro.id}/firewall/access_rules/rules`;
          const invalid = await callEmulator(emulator, 'POST', path, { body: { mode: 'block', configuration: { target: 'ip', value: '300.1.2.3' } } });
          expect(invalid.body).toMatchObject({ errors: [{ message: 'firewallaccessrules.api.validation_error: invalid ip provided' }] });
          const rule = { mode: 'block', configuration: { target: 'ip', value: '192.0.2.44' } };
          expect((await callEmulator(emulator, 'POST', path, { body: rule })).status).toBe(200);
          expect((await callEmulator(emulator, 'POST', path, { body: rule })).body).toMatchObject({
            errors: [{ code: 10009, message: 'firewallaccessrules.api.duplicate_of_existing' }],
          });
          const missing = await callEmulator(emulator, 'DELETE', `${path}/${'f'.repeat(32)}`);
          expect(missing.body).toMatchObject({ errors: [{ code: 10001, message: 'firewallaccessrules.api.not_found' }] });
          expect((await callEmulator(emulator, 'GET', `${path}?per_page=1000`)).status).toBe(200);
          // The purge takes "not found" for "already gone"; the re-read confirms it.
          const report = await deleteAccessRules((await restClient()).sdk, [{ id: 'f'.repeat(32), scope: { type: 'zone', id: zones.pro.id } }], {
            concurrency: 1,
            itemBudget: LIST_ITEM_CHANGE_BUDGET,
          });
          expect(report).toMatchObject({ accepted: ['f'.repeat(32)], failures: [] });
          expect(ACCESS_RULES_PER_PAGE).toBeLessThanOrEqual(1000);
        },
      },
    ],
  },
  {
    id: 'K1',
    claim: 'Zone Lockdown: per_page 1 or a multiple of 5; rules per plan 0/3/10/200; a Free listing is refused (or empty)',
    cases: (['refused', 'empty'] as const).map((answer): FactCase => ({
      mode: answer,
      check: async () => {
        behave({ lockdownFreeListing: answer });
        expect(LOCKDOWN_RULES).toEqual(REST_LIMITS.lockdownRules.value);
        expect(LOCKDOWNS_PER_PAGE % 5).toBe(0);
        expect((await callEmulator(emulator, 'GET', `/zones/${zones.pro.id}/firewall/lockdowns?per_page=7`)).status).toBe(400);
        const free = await callEmulator(emulator, 'GET', `/zones/${zones.free.id}/firewall/lockdowns?per_page=5`);
        if (answer === 'refused') expect(free.status).toBeGreaterThanOrEqual(400);
        else expect(free.body).toMatchObject({ success: true, result: [] });
        expect(await fetchLockdowns((await restClient()).sdk, zones.pro.id)).toEqual([]);
        const objects = await fetchCloudflareObjects(
          { sdk: (await restClient()).sdk },
          { zones: [{ id: zones.free.id, name: undefined }], accountId: undefined, managedLists: [] },
          { parts: ['zone', 'lockdowns'] },
        );
        expect(objects.statuses.find((s) => s.part === 'lockdowns')).toMatchObject({ state: 'not_available' });
      },
    })),
  },
  {
    id: 'P1',
    claim: 'the Logpull retention flag is read at /logs/control/retention/flag on Enterprise; other plans are refused',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          zones.enterprise.logRetention = true;
          const sdk = (await restClient()).sdk;
          expect(await fetchLogRetention(sdk, zones.enterprise.id)).toEqual({ zoneId: zones.enterprise.id, flag: true });
          const err = await apiErrorOf(() => fetchLogRetention(sdk, zones.business.id));
          expect(err.status).toBeGreaterThanOrEqual(400);
          expect(classifyReadError('logpull-retention', { type: 'zone', id: zones.business.id }, err).state).toBe('not_available');
        },
      },
    ],
  },
  {
    id: 'P2',
    claim: 'Logpush job responses echo destination secrets; the client redacts them on the way in',
    cases: [
      {
        mode: 'documented',
        check: async () => {
          const jobs = generateLogpushJobs({ seed: 2, count: 2, accountId: account.id, firstId: 900 });
          addLogpushJobs(emulator.state, { zoneId: zones.enterprise.id }, jobs);
          const raw = await callEmulator(emulator, 'GET', `/zones/${zones.enterprise.id}/logpush/jobs`);
          const secret = /secret-access-key=([0-9a-f]+)/.exec(jobs[0]!.destination_conf)![1]!;
          expect(raw.text).toContain(secret);
          const read = await fetchLogpushJobs((await restClient()).sdk, { type: 'zone', id: zones.enterprise.id });
          expect(read.filter((job) => job.id >= 900)).toHaveLength(2);
          expect(JSON.stringify(read)).not.toContain(secret);
          expect(read[0]?.destination).toContain('secret-access-key=REDACTED');
        },
      },
    ],
  },
];

function remainingRest(response: JsonResponse): number {
  return Number(/r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
}

/** One account rule and one rule of `zone`, created in the emulator; returns their ids. */
function seedRules(seedName: string, zone: ZoneState): { accountRule: string; zoneRule: string } {
  const seed = [...seedName].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  const [accountRule] = generateAccessRules({ seed, now: new Date(clockMs), count: 1, scope: { id: account.id, name: account.name, type: 'account' } });
  const [zoneRule] = generateAccessRules({ seed: seed + 1, now: new Date(clockMs), count: 1, scope: { id: zone.id, name: zone.name, type: 'zone' } });
  addAccessRules(emulator.state, { accountId: account.id }, [accountRule!]);
  addAccessRules(emulator.state, { zoneId: zone.id }, [zoneRule!]);
  return { accountRule: accountRule!.id, zoneRule: zoneRule!.id };
}

// The rows of the field-reports file, in its order: a fact missing here fails this test.
const FIELD_REPORT_ROWS = [
  'G1',
  'G2',
  'G3',
  'G4',
  'G5',
  'G6',
  'G7',
  'G8',
  'G9',
  'G10',
  'G11',
  'G12',
  'R1',
  'R2',
  'R3',
  'R4',
  'R5',
  'L1',
  'L2',
  'L3',
  'L4',
  'A1',
  'A2',
  'A3',
  'A4',
  'K1',
  'P1',
  'P2',
];

describe('field reports', () => {
  it('has one row per fact, in the order of the field-reports file', () => {
    expect(FACTS.map((fact) => fact.id)).toEqual(FIELD_REPORT_ROWS);
  });

  describe.each(FACTS.map((fact) => [`${fact.id}: ${fact.claim}`, fact] as const))('%s', (_title, fact) => {
    it.each(fact.cases.map((c) => [c.mode, c] as const))('%s', async (_mode, factCase) => {
      await factCase.check();
    });
  });
});
