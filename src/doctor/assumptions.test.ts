import { describe, expect, it } from 'vitest';
import type { ObservedResponse } from '../cloudflare/response-observer.js';
import { describePolicy, evaluateAssumptions, limitWording, spellingOf, type Assumption } from './assumptions.js';
import type { AccountObservations, DatasetObservation, RuleListingObservation, ZoneObservation } from './observations.js';

const GROUP_FIELDS = ['count', 'dimensions_clientIP', 'dimensions_clientCountryName', 'dimensions_datetimeHour', 'sum_requests'];
const FIREWALL_FIELDS = ['datetime', 'rayName', 'ruleId', 'source', 'action', 'clientIP', 'clientCountryName', 'clientAsn'];

const dataset = (name: DatasetObservation['dataset'], patch: Partial<DatasetObservation> = {}): DatasetObservation => ({
  dataset: name,
  enabled: true,
  notOlderThan: name === 'firewallEventsAdaptive' ? 86_400 : 691_200,
  maxDuration: 86_400,
  maxPageSize: 10_000,
  maxNumberOfFields: 40,
  availableFields: name === 'firewallEventsAdaptive' ? FIREWALL_FIELDS : GROUP_FIELDS,
  ...patch,
});

const listing = (patch: Partial<RuleListingObservation> = {}): RuleListingObservation => ({
  outcome: 'read',
  detail: undefined,
  rules: 3,
  scopeTypes: { zone: 1, organization: 2 },
  accountRulesListed: 2,
  truncated: false,
  ...patch,
});

const restResponse = (patch: Partial<ObservedResponse> = {}): ObservedResponse => ({
  kind: 'rest',
  method: 'GET',
  path: '/client/v4/zones/z1',
  status: 200,
  rateLimit: '"default";r=1199;t=300',
  rateLimitPolicy: '"burst";q=1200;w=300',
  retryAfter: undefined,
  errorBody: undefined,
  graphqlErrors: [],
  ...patch,
});
const graphqlResponse = (patch: Partial<ObservedResponse> = {}): ObservedResponse => ({
  ...restResponse({ kind: 'graphql', method: 'POST', path: '/client/v4/graphql', rateLimit: undefined, rateLimitPolicy: undefined }),
  ...patch,
});

const freeZone = (patch: Partial<ZoneObservation> = {}): ZoneObservation => ({
  zoneId: 'z1',
  label: 'luxeret.com',
  plan: 'free',
  accountId: 'a1',
  datasets: [dataset('firewallEventsAdaptive'), dataset('httpRequestsAdaptiveGroups')],
  settingsError: undefined,
  accessRules: listing(),
  lockdownListing: { status: 403, codes: [10000], message: 'zonelockdown.api.not_entitled.max_rules', rows: undefined },
  ...patch,
});

/** Everything as the field reports say. */
const documented = (patch: Partial<AccountObservations> = {}): AccountObservations => ({
  zones: [freeZone()],
  accounts: [
    {
      accountId: 'a1',
      plan: 'free',
      accessRules: listing({ scopeTypes: { organization: 2 }, rules: 2, accountRulesListed: undefined }),
      lists: { outcome: 'read', detail: undefined, lists: 1, items: 40 },
    },
  ],
  limitError: {
    status: 200,
    errors: [{ message: 'zone "z1" cannot request data older than 1d, but your query requests data from 3d ago', code: 'quota' }],
    detail: undefined,
  },
  unknownObject: { status: 400, codes: [7003], message: 'Could not route to /zones/000, perhaps your object identifier is invalid?', rows: undefined },
  responses: [restResponse(), graphqlResponse()],
  ...patch,
});

const find = (assumptions: Assumption[], fact: string, subject?: string): Assumption => {
  const found = assumptions.find((a) => a.fact === fact && (subject === undefined || a.subject.includes(subject)));
  if (found === undefined) throw new Error(`no assumption ${fact} ${subject ?? ''}`);
  return found;
};

describe('evaluateAssumptions', () => {
  it('holds every observable assumption when the account answers as documented', () => {
    const assumptions = evaluateAssumptions(documented());
    expect(assumptions.filter((a) => a.status === 'differs')).toEqual([]);
    expect(assumptions.filter((a) => a.status === 'not_observable').map((a) => `${a.fact} ${a.subject}`)).toEqual([
      'G9 GraphQL 429',
      'R5 REST 5xx',
      'L1 list bulk operations',
    ]);
    expect(find(assumptions, 'R2').saw).toBe('both headers on 1 of 1; announced 1200 requests / 300 s');
  });

  it.each<[string, string, string, Partial<AccountObservations>, string]>([
    [
      'G1',
      'httpRequestsAdaptiveGroups field names',
      'dotted spelling',
      { zones: [freeZone({ datasets: [dataset('httpRequestsAdaptiveGroups', { availableFields: GROUP_FIELDS.map((f) => f.replace('_', '.')) })] })] },
      'dotted (dimensions.clientIP',
    ],
    [
      'G1',
      'httpRequestsAdaptiveGroups field names',
      'bare spelling',
      {
        zones: [
          freeZone({ datasets: [dataset('httpRequestsAdaptiveGroups', { availableFields: ['count', 'clientIP', 'clientCountryName', 'datetimeHour'] })] }),
        ],
      },
      'bare (clientIP',
    ],
    [
      'G6',
      'fields we need',
      'clientIP refused',
      {
        zones: [
          freeZone({ datasets: [dataset('httpRequestsAdaptiveGroups', { availableFields: ['dimensions_clientCountryName', 'dimensions_datetimeHour'] })] }),
        ],
      },
      'not served: clientIP',
    ],
    [
      'G6',
      'fields we need',
      'clientAsn served on Free',
      { zones: [freeZone({ datasets: [dataset('httpRequestsAdaptiveGroups', { availableFields: [...GROUP_FIELDS, 'dimensions_clientAsn'] })] })] },
      'served: datetimeHour, clientIP, clientCountryName, clientAsn',
    ],
    [
      'G5',
      'window',
      '7-day look-back',
      { zones: [freeZone({ datasets: [dataset('httpRequestsAdaptiveGroups', { notOlderThan: 604_800 })] })] },
      'notOlderThan 604800 s (7 d)',
    ],
    [
      'G7',
      'window',
      'wider security-events window',
      { zones: [freeZone({ datasets: [dataset('firewallEventsAdaptive', { notOlderThan: 259_200 })] })] },
      'notOlderThan 259200 s (3 d)',
    ],
    ['R2', 'REST', 'no policy header', { responses: [restResponse({ rateLimitPolicy: undefined })] }, 'both headers on 0 of 1'],
    [
      'G9',
      'GraphQL responses',
      'rate headers on GraphQL',
      { responses: [graphqlResponse({ rateLimitPolicy: '"burst";q=300;w=300' })] },
      'rate headers on 1 of 1 ("burst";q=300;w=300)',
    ],
    [
      'G9',
      'GraphQL 429',
      'Retry-After on a GraphQL 429',
      { responses: [graphqlResponse({ status: 429, retryAfter: '300' })] },
      'Retry-After on 1 of 1 GraphQL 429(s) (300)',
    ],
    [
      'G11',
      'out-of-window',
      'documented 400',
      { limitError: { status: 400, errors: [{ message: 'cannot request data older than 1d, but …', code: 'quota' }], detail: undefined } },
      'HTTP 400',
    ],
    [
      'G3',
      'out-of-window',
      'no extensions.code',
      { limitError: { status: 200, errors: [{ message: 'cannot request data older than 1d', code: undefined }], detail: undefined } },
      'no extensions.code',
    ],
    [
      'G2',
      'out-of-window',
      'seconds wording',
      { limitError: { status: 200, errors: [{ message: 'cannot request data older than 86400s', code: 'quota' }], detail: undefined } },
      'seconds: "cannot request data older than 86400s"',
    ],
    ['R3', 'unknown zone', '404', { unknownObject: { status: 404, codes: [7003], message: 'Could not route', rows: undefined } }, 'HTTP 404, code 7003'],
    ['R5', 'REST 5xx', 'an HTML 5xx', { responses: [restResponse({ status: 502, errorBody: 'html' })] }, '1 5xx: HTTP 502 html'],
    [
      'A2',
      'access rules',
      'zone-only listing',
      { zones: [freeZone({ accessRules: listing({ rules: 1, scopeTypes: { zone: 1 }, accountRulesListed: 0 }) })] },
      'none of the account’s 2 rule(s) in the zone listing of 1',
    ],
    [
      'A3',
      'access rules',
      'scope.type account',
      { zones: [freeZone({ accessRules: listing({ scopeTypes: { zone: 1, account: 2 } }) })] },
      'zone ×1, account ×2',
    ],
    [
      'L4',
      'lists',
      'more lists than the Free cap',
      { accounts: [{ accountId: 'a1', plan: 'free', accessRules: listing(), lists: { outcome: 'read', detail: undefined, lists: 3, items: 10 } }] },
      '3 list(s), 10 item(s): more than the cap we assume',
    ],
    [
      'K1',
      'lockdowns',
      'an empty listing',
      { zones: [freeZone({ lockdownListing: { status: 200, codes: [], message: '', rows: 0 } })] },
      'HTTP 200 with 0 rule(s)',
    ],
  ])('%s differs (%s): %s', (fact, subject, _case, patch, saw) => {
    const assumption = find(evaluateAssumptions(documented(patch)), fact, subject);
    expect(assumption.status).toBe('differs');
    expect(assumption.saw).toContain(saw);
  });

  it.each<[string, string, Partial<AccountObservations>, string]>([
    [
      'A2',
      'the account listing unreadable and only zone rules listed',
      { zones: [freeZone({ accessRules: listing({ rules: 1, scopeTypes: { zone: 1 }, accountRulesListed: undefined }) })], accounts: [] },
      'the account listing is not readable',
    ],
    [
      'A2',
      'the zone listing unreadable',
      { zones: [freeZone({ accessRules: listing({ outcome: 'not_readable', detail: 'not readable with this token: needs Firewall Services Read' }) })] },
      'needs Firewall Services Read',
    ],
    ['G5', 'the plan unknown', { zones: [freeZone({ plan: undefined })] }, 'plan is not readable'],
    ['K1', 'no Free zone', { zones: [freeZone({ plan: 'pro', lockdownListing: undefined })] }, 'no Free zone configured'],
    [
      'G2',
      'no zone settings',
      { limitError: { status: undefined, errors: [], detail: 'not sent: no zone with readable security-events settings' } },
      'not sent',
    ],
  ])('%s is not observable with %s', (fact, _case, patch, saw) => {
    const assumption = find(evaluateAssumptions(documented(patch)), fact);
    expect(assumption.status).toBe('not_observable');
    expect(assumption.saw).toContain(saw);
  });
});

describe('limitWording', () => {
  it.each([
    ['zone "abc" cannot request a time range wider than 1d, but your query time range spans 4w2d', 'units'],
    ['cannot request data older than 1w1d, but your query requests data from 4w2d ago', 'units'],
    ['account "abc" cannot request data older than 30d, but your query requests data from 31d12h30m15s500ms ago', 'units'],
    ['query time range is too large for zone "023e105f4ecef8ad9ca31a8372d0c353". Time range can\'t be wider than 259200s, but it\'s 604800s', 'seconds'],
    ['cannot request data older than 86400s', 'seconds'],
    ['something else happened', 'other'],
  ])('%s → %s', (message, wording) => {
    expect(limitWording(message)).toBe(wording);
  });
});

describe('spellingOf and describePolicy', () => {
  it.each([
    ['dimensions_clientIP', 'underscore'],
    ['dimensions.clientIP', 'dotted'],
    ['clientIP', 'bare'],
    ['dimensions_clientIPClass', undefined],
  ])('%s names clientIP as %s', (entry, spelling) => {
    expect(spellingOf(entry, 'clientIP')).toBe(spelling);
  });

  it('reads q and w of a Ratelimit-Policy, and quotes what it cannot read', () => {
    expect(describePolicy('"burst";q=60;w=10')).toBe('60 requests / 10 s');
    expect(describePolicy('nonsense')).toBe('"nonsense"');
  });
});
