import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFirewallEvents, addHttpRequests, addToken, addZone, type Emulator, type FirewallEvent, type ZoneState } from '../src/index.js';
import { graphqlQuery, startTestEmulator } from '../src/testing.js';

const NOW = Date.parse('2026-10-20T12:00:00Z');
const FIELDS = 'datetime rayName action source ruleId clientIP clientCountryName clientAsn edgeResponseStatus';
const EVENTS_QUERY = `query FwEvents($zoneTag: string, $from: Time, $to: Time, $limit: uint64!) { viewer { zones(filter: {zoneTag: $zoneTag}) {
  firewallEventsAdaptive(filter: {datetime_geq: $from, datetime_lt: $to}, limit: $limit, orderBy: [datetime_ASC, rayName_ASC]) { ${FIELDS} } } } }`;

function event(datetime: string, rayName: string, extra: Partial<FirewallEvent> = {}): FirewallEvent {
  return { datetime, rayName, action: 'block', source: 'ip', clientIP: '203.0.113.7', clientCountryName: 'GB', ...extra };
}

type Rows = Record<string, unknown>[];
function rowsOf(body: unknown, dataset = 'firewallEventsAdaptive'): Rows {
  const data = (body as { data: { viewer: { zones: Record<string, Rows>[] } } }).data;
  return data.viewer.zones[0]?.[dataset] ?? [];
}
function errorsOf(body: unknown): { message: string; path?: string[] }[] {
  return (body as { errors: { message: string; path?: string[] }[] }).errors;
}

describe('GraphQL Analytics', () => {
  let emulator: Emulator;
  let zone: ZoneState;

  beforeEach(async () => {
    emulator = await startTestEmulator({ now: () => NOW });
    zone = addZone(emulator.state, { id: '023e105f4ecef8ad9ca31a8372d0c353', name: 'shop.example.com', plan: 'business' });
    addFirewallEvents(emulator.state, zone.id, [
      event('2026-10-20T10:00:05Z', 'bbbb000000000002'),
      event('2026-10-20T10:00:05Z', 'aaaa000000000001', { ruleId: 'r1' }),
      event('2026-10-20T10:00:05Z', 'aaaa000000000001', { ruleId: 'r2', source: 'waf' }),
      event('2026-10-20T09:59:59Z', 'cccc000000000003', { clientIP: '2001:db8::1', clientCountryName: 'DE' }),
      event('2026-10-20T11:30:00Z', 'dddd000000000004'),
    ]);
  });
  afterEach(() => emulator.close());

  it('returns rows in (datetime, rayName) order with the primary key as stable tie-break', async () => {
    const response = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-20T10:00:00Z', to: '2026-10-20T11:00:00Z', limit: 100 });
    expect(response.status).toBe(200);
    expect((response.body as { errors: unknown }).errors).toBeNull();
    const rows = rowsOf(response.body);
    expect(rows.map((r) => [r['rayName'], r['ruleId']])).toEqual([
      ['aaaa000000000001', 'r1'],
      ['aaaa000000000001', 'r2'],
      ['bbbb000000000002', ''],
    ]);
    expect(rows[0]).toMatchObject({ datetime: '2026-10-20T10:00:05Z', clientAsn: '', edgeResponseStatus: 0 });
    expect(emulator.requests.at(-1)).toMatchObject({ kind: 'graphql', method: 'POST', path: '/graphql', status: 200, hasAuth: true });
  });

  it('accepts standard String/Int variable types where the schema says Time and uint64', async () => {
    const query = EVENTS_QUERY.replace(
      '$zoneTag: string, $from: Time, $to: Time, $limit: uint64!',
      '$zoneTag: String!, $from: String!, $to: String!, $limit: Int!',
    );
    const response = await graphqlQuery(emulator, query, { zoneTag: zone.id, from: '2026-10-20T09:00:00Z', to: '2026-10-20T12:00:00Z', limit: 2 });
    expect(errorsOf(response.body)).toBeNull();
    expect(rowsOf(response.body).map((r) => r['rayName'])).toEqual(['cccc000000000003', 'aaaa000000000001']);
  });

  it('supports rayName_gt, _in, _neq and OR filters', async () => {
    const query = `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { firewallEventsAdaptive(limit: 10, orderBy: [datetime_DESC],
      filter: { datetime_geq: "2026-10-20T09:00:00Z", datetime_leq: "2026-10-20T12:00:00Z", OR: [{rayName_gt: "bbbb"}, {clientCountryName_in: ["DE"]}], source_neq: "waf" }) { rayName } } } }`;
    const response = await graphqlQuery(emulator, query);
    expect(rowsOf(response.body).map((r) => r['rayName'])).toEqual(['dddd000000000004', 'bbbb000000000002', 'cccc000000000003']);
  });

  it('fails a misspelt field and a wrong argument with HTTP 200, data null and errors', async () => {
    const misspelt = await graphqlQuery(emulator, EVENTS_QUERY.replace('clientCountryName', 'clientCountry'), { zoneTag: zone.id, limit: 1 });
    expect(misspelt.status).toBe(200);
    expect(misspelt.body).toMatchObject({ data: null });
    expect(errorsOf(misspelt.body)[0]?.message).toContain('Cannot query field "clientCountry"');
    const wrongArg = await graphqlQuery(
      emulator,
      `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { firewallEventsAdaptive(filter: {datetime_geq: "2026-10-20T10:00:00Z"}, limit: 10, first: 3) { rayName } } } }`,
    );
    expect(wrongArg.status).toBe(200);
    expect(errorsOf(wrongArg.body)[0]?.message).toContain('Unknown argument "first"');
    emulator.state.behaviour.graphqlErrorStatus = 'documented';
    expect((await graphqlQuery(emulator, EVENTS_QUERY.replace('rayName action', 'rayNam action'), { limit: 1 })).status).toBe(400);
  });

  it('enforces notOlderThan, maxDuration and maxPageSize with the live 2026 wording and code quota (G2, G3)', async () => {
    const old = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-09-20T12:00:00Z', to: '2026-09-20T13:00:00Z', limit: 10 });
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({
      data: null,
      errors: [
        {
          message: `zone "${zone.id}" cannot request data older than 3d, but your query requests data from 4w2d ago`,
          path: ['viewer', 'zones', '0', 'firewallEventsAdaptive'],
          extensions: { code: 'quota' },
        },
      ],
    });
    const wide = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-18T00:00:00Z', to: '2026-10-21T00:00:32Z', limit: 10 });
    expect(errorsOf(wide.body)[0]?.message).toBe(`zone "${zone.id}" cannot request a time range wider than 3d, but your query time range spans 3d32s`);
    const big = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-20T10:00:00Z', to: '2026-10-20T11:00:00Z', limit: 10001 });
    expect(errorsOf(big.body)[0]?.message).toBe('limit must be positive number and not greater than 10000');
    zone.plan = 'free';
    const freeOld = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-19T11:00:00Z', to: '2026-10-19T12:00:00Z', limit: 10 });
    expect(errorsOf(freeOld.body)[0]?.message).toBe(`zone "${zone.id}" cannot request data older than 1d, but your query requests data from 1d1h ago`);
  });

  it('answers limit errors in the older seconds wording, without codes and with HTTP 400, when switched (G2, G3, G11)', async () => {
    Object.assign(emulator.state.behaviour, { limitErrorWording: 'seconds', graphqlErrorCodes: false, graphqlErrorStatus: 'documented' });
    const old = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-16T00:00:00Z', to: '2026-10-16T01:00:00Z', limit: 10 });
    expect(old.status).toBe(400);
    expect(errorsOf(old.body)[0]?.message).toBe('cannot request data older than 259200s');
    expect((old.body as { errors: { extensions: Record<string, unknown> }[] }).errors[0]?.extensions).not.toHaveProperty('code');
    const wide = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-18T00:00:00Z', to: '2026-10-21T00:00:32Z', limit: 10 });
    expect(wide.status).toBe(400);
    expect(errorsOf(wide.body)[0]?.message).toBe(
      `query time range is too large for zone "${zone.id}". Time range can't be wider than 259200s, but it's 259232s`,
    );
  });

  it('refuses a query naming more than 10 zones as a limit (quota), not a rate error', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => addZone(emulator.state, { name: `z${i}.example` }).id);
    const response = await graphqlQuery(emulator, `{ viewer { zones(filter: {zoneTag_in: ${JSON.stringify(ids)}}) { zoneTag } } }`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      data: null,
      errors: [{ message: 'in combination, your request queries too many nodes, zones and accounts', extensions: { code: 'quota' } }],
    });
    emulator.state.behaviour.graphqlErrorStatus = 'documented';
    expect((await graphqlQuery(emulator, `{ viewer { zones(filter: {zoneTag_in: ${JSON.stringify(ids)}}) { zoneTag } } }`)).status).toBe(400);
  });

  it('answers introspection from the Cloudflare schema', async () => {
    const response = await graphqlQuery(emulator, '{ __type(name: "ZoneFirewallEventsAdaptive") { name fields { name } } }');
    const type = (response.body as { data: { __type: { name: string; fields: { name: string }[] } } }).data.__type;
    expect(type.name).toBe('ZoneFirewallEventsAdaptive');
    expect(type.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['rayName', 'clientIP', 'datetime', 'ruleId']));
  });

  it('caps the number of selected fields at maxNumberOfFields', async () => {
    zone.graphqlOverrides.firewallEventsAdaptive = { maxNumberOfFields: 3 };
    const response = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-20T10:00:00Z', to: '2026-10-20T11:00:00Z', limit: 10 });
    expect(errorsOf(response.body)[0]?.message).toBe("number of fields can't be more than 3");
  });

  it('reports per-plan limits in the settings node, nested fields spelt with underscores (G1, G5, G7)', async () => {
    const query = `query Limits($zoneTag: string) { viewer { zones(filter: {zoneTag: $zoneTag}) { settings {
      firewallEventsAdaptive { enabled maxDuration maxNumberOfFields maxPageSize notOlderThan availableFields }
      httpRequestsAdaptiveGroups { enabled maxDuration maxNumberOfFields maxPageSize notOlderThan availableFields } } } } }`;
    const settingsOf = async () =>
      (
        (await graphqlQuery(emulator, query, { zoneTag: zone.id })).body as {
          data: { viewer: { zones: { settings: Record<string, Record<string, unknown>> }[] } };
        }
      ).data.viewer.zones[0]?.settings;
    const business = await settingsOf();
    expect(business?.['firewallEventsAdaptive']).toMatchObject({
      enabled: true,
      maxDuration: 259200,
      maxNumberOfFields: 30,
      maxPageSize: 10000,
      notOlderThan: 259200,
    });
    expect(business?.['firewallEventsAdaptive']?.['availableFields']).toEqual(expect.arrayContaining(['rayName', 'clientIP', 'datetime']));
    expect(business?.['httpRequestsAdaptiveGroups']).toMatchObject({ notOlderThan: 31 * 86400 });
    expect(business?.['httpRequestsAdaptiveGroups']?.['availableFields']).toEqual(
      expect.arrayContaining(['dimensions_clientIP', 'dimensions_datetimeHour', 'dimensions_clientAsn', 'sum_visits', 'count']),
    );
    zone.plan = 'free';
    const free = await settingsOf();
    expect(free?.['firewallEventsAdaptive']).toMatchObject({ notOlderThan: 86400, maxDuration: 86400 });
    expect(free?.['httpRequestsAdaptiveGroups']).toMatchObject({
      enabled: true,
      maxDuration: 86400,
      notOlderThan: 691200,
      maxNumberOfFields: 40,
      maxPageSize: 10000,
    });
    const freeFields = free?.['httpRequestsAdaptiveGroups']?.['availableFields'];
    expect(freeFields).toEqual(
      expect.arrayContaining([
        'dimensions_clientIP',
        'dimensions_clientRequestPath',
        'dimensions_userAgent',
        'dimensions_clientCountryName',
        'dimensions_datetimeHour',
      ]),
    );
    for (const refused of ['dimensions_clientAsn', 'dimensions_clientRefererHost', 'dimensions_botScore', 'dimensions_ja4'])
      expect(freeFields).not.toContain(refused);
    zone.plan = 'pro';
    expect((await settingsOf())?.['httpRequestsAdaptiveGroups']).toMatchObject({ notOlderThan: 691200 });
    zone.plan = 'enterprise';
    expect((await settingsOf())?.['firewallEventsAdaptive']).toMatchObject({ notOlderThan: 2678400, maxDuration: 259200 });
    expect((await settingsOf())?.['httpRequestsAdaptiveGroups']).toMatchObject({ notOlderThan: 90 * 86400 });
  });

  it.each([
    ['underscore', 'dimensions_clientIP', 'sum_visits'],
    ['dotted', 'dimensions.clientIP', 'sum.visits'],
    ['bare', 'clientIP', 'visits'],
  ] as const)('spells availableFields %s when switched, and a hidden field in any spelling stays hidden (G1)', async (spelling, clientIp, visits) => {
    emulator.state.behaviour.availableFieldsSpelling = spelling;
    zone.graphqlOverrides.httpRequestsAdaptiveGroups = { hiddenFields: ['dimensions_clientCountryName'] };
    const query = `{ viewer { zones(filter: {zoneTag: "${zone.id}"}) { settings { httpRequestsAdaptiveGroups { availableFields } firewallEventsAdaptive { availableFields } } } } }`;
    const settings = (
      (await graphqlQuery(emulator, query)).body as { data: { viewer: { zones: { settings: Record<string, { availableFields: string[] }> }[] } } }
    ).data.viewer.zones[0]!.settings;
    expect(settings['httpRequestsAdaptiveGroups']!.availableFields).toEqual(expect.arrayContaining([clientIp, visits, 'count']));
    expect(settings['httpRequestsAdaptiveGroups']!.availableFields.some((f) => f.endsWith('clientCountryName'))).toBe(false);
    expect(settings['firewallEventsAdaptive']!.availableFields).toContain('clientIP');
  });

  it('groups httpRequestsAdaptiveGroups by hour, IP and country, and hides clientIP on Free', async () => {
    addHttpRequests(emulator.state, zone.id, [
      { datetime: '2026-10-20T10:05:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB', count: 3 },
      { datetime: '2026-10-20T10:45:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB', count: 2 },
      { datetime: '2026-10-20T10:50:00Z', clientIP: '198.51.100.2', clientCountryName: 'FR' },
      { datetime: '2026-10-20T11:10:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB', count: 7 },
    ]);
    const query = `query Req($zoneTag: string, $from: Time, $to: Time) { viewer { zones(filter: {zoneTag: $zoneTag}) {
      httpRequestsAdaptiveGroups(filter: {datetime_geq: $from, datetime_lt: $to}, limit: 100, orderBy: [datetimeHour_ASC, count_DESC]) {
        count dimensions { datetimeHour clientIP clientCountryName } } } } }`;
    const vars = { zoneTag: zone.id, from: '2026-10-20T10:00:00Z', to: '2026-10-20T12:00:00Z' };
    const response = await graphqlQuery(emulator, query, vars);
    expect(rowsOf(response.body, 'httpRequestsAdaptiveGroups')).toEqual([
      { count: 5, dimensions: { datetimeHour: '2026-10-20T10:00:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB' } },
      { count: 1, dimensions: { datetimeHour: '2026-10-20T10:00:00Z', clientIP: '198.51.100.2', clientCountryName: 'FR' } },
      { count: 7, dimensions: { datetimeHour: '2026-10-20T11:00:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB' } },
    ]);
    const byBucket = query.replace('datetime_geq: $from, datetime_lt: $to', 'datetimeHour_geq: $from, datetimeHour_lt: $to, clientCountryName_neq: "FR"');
    const hourly = await graphqlQuery(emulator, byBucket, { ...vars, to: '2026-10-20T11:00:00Z' });
    expect(rowsOf(hourly.body, 'httpRequestsAdaptiveGroups')).toEqual([
      { count: 5, dimensions: { datetimeHour: '2026-10-20T10:00:00Z', clientIP: '198.51.100.1', clientCountryName: 'GB' } },
    ]);
    // G6: Free serves clientIP in this dataset and refuses clientAsn, in the G4 wording with code authz.
    zone.plan = 'free';
    const free = await graphqlQuery(emulator, query, { ...vars, from: '2026-10-20T11:00:00Z' });
    expect(rowsOf(free.body, 'httpRequestsAdaptiveGroups')).toHaveLength(1);
    const asn = await graphqlQuery(emulator, query.replace('clientIP clientCountryName', 'clientIP clientAsn'), { ...vars, from: '2026-10-20T11:00:00Z' });
    expect(asn.status).toBe(200);
    expect(asn.body).toMatchObject({
      data: null,
      errors: [{ message: `zone '${zone.id}' does not have access to the field 'clientasn'`, extensions: { code: 'authz' } }],
    });
    emulator.state.behaviour.graphqlErrorStatus = 'documented';
    expect(
      (await graphqlQuery(emulator, query.replace('clientIP clientCountryName', 'clientIP clientAsn'), { ...vars, from: '2026-10-20T11:00:00Z' })).status,
    ).toBe(403);
    zone.graphqlOverrides.httpRequestsAdaptiveGroups = { enabled: false };
    const path = await graphqlQuery(emulator, query, { ...vars, from: '2026-10-20T11:00:00Z' });
    expect(errorsOf(path.body)[0]?.message).toBe(`zone '${zone.id}' does not have access to the path`);
  });

  it('answers 401 Unauthorized without a valid token, and refuses zones the token cannot read', async () => {
    const missing = await graphqlQuery(emulator, EVENTS_QUERY, {}, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ data: null, errors: [{ message: 'Unauthorized' }] });
    expect((await graphqlQuery(emulator, EVENTS_QUERY, {}, 'wrong')).status).toBe(401);
    addToken(emulator.state, { value: 'logs-only', permissions: ['Logs Read'] });
    const refused = await graphqlQuery(emulator, EVENTS_QUERY, { zoneTag: zone.id, from: '2026-10-20T10:00:00Z', limit: 1 }, 'logs-only');
    expect(refused.status).toBe(200);
    expect(errorsOf(refused.body)[0]?.message).toBe(`zones [${zone.id}] are not authorized`);
    expect(JSON.stringify(emulator.requests)).not.toContain('logs-only');
  });
});
