import { afterEach, describe, expect, it } from 'vitest';
import { createAnalyticsGraphqlClient, GraphqlQueryError } from '../../src/cloudflare/analytics-graphql-client.js';
import { buildFirewallEventsQuery, buildHttpGroupsQuery } from '../../src/cloudflare/queries.js';
import { addToken, addZone, startEmulator, type Emulator } from '@luxeret/cloudflare-emulator';

// The real client against the emulator in each G2/G3/G11 mode: limit errors are final (one request, reason 'limit'),
// gating errors final with reason 'gated', a depleted GraphQL budget waits out the 5-minute window and retries.
const TOKEN = 'errors-token-6f5e4d3c2b1a';
const START = Date.parse('2026-10-20T12:00:00Z');

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The emulator and the client share one clock, which only the client's sleeps move. */
async function setup(options: Parameters<typeof startEmulator>[0] = {}) {
  let nowMs = START;
  emulator = await startEmulator({ now: () => nowMs, ...options });
  addToken(emulator.state, { value: TOKEN, permissions: ['Analytics Read'] });
  const zone = addZone(emulator.state, { name: 'free.example.com', plan: 'free' });
  const sleeps: number[] = [];
  const client = createAnalyticsGraphqlClient({
    baseUrl: emulator.baseUrl,
    token: TOKEN,
    now: () => nowMs,
    sleep: (ms) => {
      sleeps.push(ms);
      nowMs += ms;
      return Promise.resolve();
    },
  });
  return { emulator, zone, client, sleeps };
}

const window = (from: string, to: string) =>
  [
    { field: 'datetime', op: '_geq', value: from },
    { field: 'datetime', op: '_lt', value: to },
  ] as const;

describe('GraphQL errors from the emulator, as the client classifies them', () => {
  it.each([
    ['units', true, 'ok', 200],
    ['units', false, 'documented', 400],
    ['seconds', true, 'documented', 400],
    ['seconds', false, 'ok', 200],
  ] as const)(
    'a query beyond the window is final (wording %s, codes %s, status %s)',
    async (limitErrorWording, graphqlErrorCodes, graphqlErrorStatus, status) => {
      const { emulator, zone, client } = await setup({ behaviour: { limitErrorWording, graphqlErrorCodes, graphqlErrorStatus } });
      for (const [from, to] of [
        ['2026-10-10T00:00:00Z', '2026-10-10T01:00:00Z'],
        ['2026-10-19T12:30:00Z', '2026-10-21T00:00:00Z'],
      ]) {
        const { query, variables } = buildFirewallEventsQuery(zone.id, ['datetime', 'rayName'], window(from!, to!), ['datetime'], 10);
        const before = emulator.requests.length;
        const error = await client.graphql(query, variables).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GraphqlQueryError);
        expect(error).toMatchObject({ reason: 'limit', status, exitCode: 3 });
        expect(emulator.requests.length - before).toBe(1);
      }
    },
  );

  it.each([true, false])('a refused field is final with reason gated (codes %s)', async (graphqlErrorCodes) => {
    const { emulator, zone, client } = await setup({ behaviour: { graphqlErrorCodes } });
    const { query, variables } = buildHttpGroupsQuery(
      zone.id,
      ['datetimeHour', 'clientAsn'],
      window('2026-10-20T10:00:00Z', '2026-10-20T11:00:00Z'),
      ['datetimeHour'],
      10,
    );
    const error = (await client.graphql(query, variables).catch((e: unknown) => e)) as GraphqlQueryError;
    expect(error).toBeInstanceOf(GraphqlQueryError);
    expect(error.reason).toBe('gated');
    expect(error.message).toContain(`zone '${zone.id}' does not have access to the field 'clientasn'`);
    expect(emulator.requests).toHaveLength(1);
  });

  it('waits out a depleted GraphQL budget (no Retry-After: the 5-minute window) and then succeeds', async () => {
    const { emulator, zone, client, sleeps } = await setup({ limits: { graphqlQueries: 1 } });
    const { query, variables } = buildFirewallEventsQuery(zone.id, ['datetime'], window('2026-10-20T11:00:00Z', '2026-10-20T11:30:00Z'), ['datetime'], 10);
    await client.graphql(query, variables);
    await client.graphql(query, variables);
    expect(emulator.requests.map((r) => r.status)).toEqual([200, 429, 200]);
    expect(sleeps).toEqual([300_000]);
  });
});
