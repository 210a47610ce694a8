import { afterEach, describe, expect, it } from 'vitest';
import { addZone, type Emulator } from '../src/index.js';
import { callEmulator, graphqlQuery, startTestEmulator } from '../src/testing.js';

const SETTINGS_QUERY = '{ viewer { zones { settings { firewallEventsAdaptive { maxPageSize } } } } }';

describe('rate limiting', () => {
  let emulator: Emulator;
  afterEach(() => emulator.close());

  it('refuses the request over the REST quota with 429, code 971 and Retry-After, and blocks for one window', async () => {
    let nowMs = Date.parse('2026-10-20T12:00:00Z');
    emulator = await startTestEmulator({ now: () => nowMs, limits: { restRequests: 5, windowMs: 5000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await callEmulator(emulator, 'GET', '/zones');
      statuses.push(response.status);
      expect(response.headers.get('ratelimit')).toBe(`"default";r=${4 - i};t=5`);
      expect(response.headers.get('ratelimit-policy')).toBe('"burst";q=5;w=5');
      expect(response.headers.get('retry-after')).toBeNull();
    }
    const refused = await callEmulator(emulator, 'GET', '/zones');
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      success: false,
      errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
      messages: [],
      result: null,
    });
    expect(refused.headers.get('retry-after')).toBe('5');
    nowMs += 4000;
    expect((await callEmulator(emulator, 'GET', '/zones')).status).toBe(429);
    // G8: the general API limit applies to GraphQL too, so a blocked user's GraphQL query is refused as well.
    const graphql = await graphqlQuery(emulator, SETTINGS_QUERY);
    expect(graphql.status).toBe(429);
    expect(graphql.body).toMatchObject({
      data: null,
      errors: [{ message: 'rate limiter budget depleted, try again after 5 minutes', extensions: { code: 'budget' } }],
    });
    nowMs += 1001;
    expect((await callEmulator(emulator, 'GET', '/zones')).status).toBe(200);
  });

  it('charges a GraphQL request scopes × dataset nodes against both budgets, and sends rate headers on REST only (G8, G9)', async () => {
    emulator = await startTestEmulator({ limits: { restRequests: 10, graphqlQueries: 5, windowMs: 60_000 } });
    const a = addZone(emulator.state, { name: 'a.example' });
    const b = addZone(emulator.state, { name: 'b.example' });
    const query = 'query($tags: [string!]) { viewer { zones(filter: {zoneTag_in: $tags}) { settings { firewallEventsAdaptive { maxPageSize } } zoneTag } } }';
    const twoZones = await graphqlQuery(emulator, query, { tags: [a.id, b.id] });
    expect(twoZones.status).toBe(200);
    expect(twoZones.headers.get('ratelimit')).toBeNull();
    expect(twoZones.headers.get('ratelimit-policy')).toBeNull();
    const rest = await callEmulator(emulator, 'GET', '/zones');
    // 2 zones × 1 node = 2 taken from the REST budget of 10, plus this request.
    expect(rest.headers.get('ratelimit')).toMatch(/^"default";r=7;t=\d+$/);
    expect(rest.headers.get('ratelimit-policy')).toBe('"burst";q=10;w=60');
    expect((await graphqlQuery(emulator, query, { tags: [a.id, b.id] })).status).toBe(200);
    // 4 of 5 GraphQL units spent: a third 2-zone query does not fit.
    expect((await graphqlQuery(emulator, query, { tags: [a.id, b.id] })).status).toBe(429);
  });

  it('limits GraphQL queries separately, answering 429 in the GraphQL error shape without rate headers (G8, G9)', async () => {
    emulator = await startTestEmulator({ limits: { graphqlQueries: 2, windowMs: 60_000 } });
    addZone(emulator.state, { name: 'a.example' });
    const first = await graphqlQuery(emulator, SETTINGS_QUERY);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBeNull();
    expect(first.headers.get('ratelimit-policy')).toBeNull();
    expect((await graphqlQuery(emulator, SETTINGS_QUERY)).status).toBe(200);
    const refused = await graphqlQuery(emulator, SETTINGS_QUERY);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('ratelimit')).toBeNull();
    expect(refused.body).toMatchObject({
      data: null,
      errors: [{ message: 'rate limiter budget depleted, try again after 5 minutes', extensions: { code: 'budget' } }],
    });
    expect((await callEmulator(emulator, 'GET', '/zones')).status).toBe(200);
    emulator.state.behaviour.graphqlRetryAfter = true;
    expect((await graphqlQuery(emulator, SETTINGS_QUERY)).headers.get('retry-after')).toBe('60');
  });

  it('charges a GraphQL request scopes × nodes, counting settings once (G8)', async () => {
    emulator = await startTestEmulator({ limits: { graphqlQueries: 7, windowMs: 60_000 } });
    const zones = ['a', 'b', 'c'].map((name) => addZone(emulator.state, { name: `${name}.example` }).id);
    const from = '2026-10-20T10:00:00Z';
    // 3 zones × (settings + firewallEventsAdaptive) = 6 of the 7 queries.
    const two = `query Two($tags: [string!]) { viewer { zones(filter: {zoneTag_in: $tags}) { zoneTag settings { firewallEventsAdaptive { maxPageSize } httpRequestsAdaptiveGroups { maxPageSize } }
      firewallEventsAdaptive(filter: {datetime_geq: "${from}"}, limit: 1) { rayName } } } }`;
    const answer = await graphqlQuery(emulator, two, { tags: zones });
    expect(answer.status).toBe(200);
    const one = `query One($tag: string) { viewer { zones(filter: {zoneTag: $tag}) { settings { firewallEventsAdaptive { maxPageSize } } } } }`;
    expect((await graphqlQuery(emulator, one, { tag: zones[0] })).status).toBe(200);
    expect((await graphqlQuery(emulator, one, { tag: zones[0] })).status).toBe(429);
  });

  it("counts GraphQL requests against the same user's REST budget (G8)", async () => {
    emulator = await startTestEmulator({ limits: { restRequests: 3, windowMs: 60_000 } });
    addZone(emulator.state, { name: 'a.example' });
    expect((await graphqlQuery(emulator, SETTINGS_QUERY)).status).toBe(200);
    expect((await graphqlQuery(emulator, SETTINGS_QUERY)).status).toBe(200);
    const last = await callEmulator(emulator, 'GET', '/zones');
    expect(last.status).toBe(200);
    expect(last.headers.get('ratelimit')).toBe('"default";r=0;t=60');
    expect((await callEmulator(emulator, 'GET', '/zones')).status).toBe(429);
  });
});

describe('fault injection', () => {
  const emulators: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });

  async function statusesFor(seed: number, kind: 'rest' | 'graphql'): Promise<number[]> {
    const emulator = await startTestEmulator({ faults: { seed, [kind]: { serverError: 0.3, rateLimit: 0.2 } } });
    emulators.push(emulator);
    addZone(emulator.state, { name: 'a.example' });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = kind === 'rest' ? await callEmulator(emulator, 'GET', '/zones') : await graphqlQuery(emulator, SETTINGS_QUERY);
      statuses.push(response.status);
    }
    return statuses;
  }

  it('draws the same faults for the same seed, and other faults for another seed', async () => {
    const first = await statusesFor(7, 'rest');
    expect(await statusesFor(7, 'rest')).toEqual(first);
    expect(await statusesFor(8, 'rest')).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 503]));
    const graphql = await statusesFor(7, 'graphql');
    expect(new Set(graphql)).toEqual(new Set([200, 429, 503]));
  });

  it('answers injected faults in the right shapes: REST envelope, GraphQL transient message, Retry-After', async () => {
    const emulator = await startTestEmulator({ faults: { rest: { serverError: 1 }, graphql: { rateLimit: 1, retryAfterSeconds: 2 } } });
    emulators.push(emulator);
    const rest = await callEmulator(emulator, 'GET', '/zones');
    expect(rest.status).toBe(503);
    expect(rest.body).toMatchObject({ success: false, result: null });
    const limited = await graphqlQuery(emulator, SETTINGS_QUERY);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    emulator.state.behaviour.graphqlRetryAfter = true;
    expect((await graphqlQuery(emulator, SETTINGS_QUERY)).headers.get('retry-after')).toBe('2');
    emulator.state.faults.graphql = { ...emulator.state.faults.graphql, rateLimit: 0, serverError: 1 };
    // G12: both documented transient answers, HTTP 503.
    const messages = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const transient = await graphqlQuery(emulator, SETTINGS_QUERY);
      expect(transient.status).toBe(503);
      messages.add((transient.body as { errors: { message: string }[] }).errors[0]!.message);
    }
    expect(messages).toEqual(new Set(['unable to execute query, please try again later', 'too many queries in progress, please try again later']));
  });

  it('truncates bodies and adds latency when asked', async () => {
    const emulator = await startTestEmulator({ faults: { rest: { malformed: 1, latency: 1, latencyMs: 120 } } });
    emulators.push(emulator);
    const started = performance.now();
    const response = await callEmulator(emulator, 'GET', '/user/tokens/verify');
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(response.status).toBe(200);
    expect(response.body).toBeUndefined();
    expect(response.text.startsWith('{"success":true')).toBe(true);
  });
});
