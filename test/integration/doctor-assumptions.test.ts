import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addAccessRules,
  addAccount,
  addFirewallEvents,
  addIpList,
  addLogpushJobs,
  addZone,
  generateAccessRules,
  generateFirewallEvents,
  generateIpList,
  generateLogpushJobs,
  NO_FAULTS,
  type BehaviourSettings,
  type Emulator,
  type FaultRates,
} from '@luxeret/cloudflare-emulator';
import { makeTempDir, runCli } from '../helpers/cli.js';
import { startTestEmulator, TEST_TOKEN } from '@luxeret/cloudflare-emulator/testing';

let emulator: Emulator;
let home: string;
let cleanup: () => void;
let defaults: BehaviourSettings;

type AssumptionJson = { fact: string; subject: string; expected: string; status: 'held' | 'differs' | 'not_observable'; saw: string };
type DoctorJson = { ok: boolean; checks: { name: string; status: string }[]; assumptions: AssumptionJson[]; observations: Record<string, unknown> };

beforeAll(async () => {
  emulator = await startTestEmulator();
  const now = new Date(emulator.state.now());
  const account = addAccount(emulator.state, { plan: 'enterprise' });
  const free = addZone(emulator.state, { name: 'free.example', accountId: account.id, plan: 'free' });
  const business = addZone(emulator.state, { name: 'business.example', accountId: account.id, plan: 'business' });
  addAccessRules(
    emulator.state,
    { zoneId: business.id },
    generateAccessRules({ seed: 11, now, count: 6, scope: { id: business.id, name: business.name, type: 'zone' } }),
  );
  addAccessRules(
    emulator.state,
    { accountId: account.id },
    generateAccessRules({ seed: 12, now, count: 4, scope: { id: account.id, name: account.name, type: 'account' } }),
  );
  addIpList(emulator.state, account.id, generateIpList({ now, name: 'blocked_ips', items: 25 }));
  addLogpushJobs(emulator.state, { accountId: account.id }, generateLogpushJobs({ count: 2, accountId: account.id }));
  addFirewallEvents(emulator.state, business.id, generateFirewallEvents({ from: new Date(now.getTime() - 3_600_000), to: now, count: 200 }));
  defaults = { ...emulator.state.behaviour };
  const temp = makeTempDir();
  cleanup = temp.cleanup;
  home = join(temp.dir, 'home');
  expect((await runCli(['init'], { env: { LUXERET_HOME: home } })).code).toBe(0);
  writeFileSync(
    join(home, 'config.yaml'),
    `account_id: "${account.id}"\nzones:\n  - id: "${free.id}"\n    name: free.example\n  - id: "${business.id}"\n    name: business.example\n`,
  );
});
afterEach(() => {
  emulator.state.behaviour = { ...defaults };
});
afterAll(async () => {
  await emulator.close();
  cleanup();
});

async function doctorJson(): Promise<{ report: DoctorJson; stdout: string; code: number }> {
  const result = await runCli(['doctor', '--json'], { env: { LUXERET_HOME: home, CLOUDFLARE_API_TOKEN: TEST_TOKEN, CLOUDFLARE_BASE_URL: emulator.baseUrl } });
  return { report: JSON.parse(result.stdout) as DoctorJson, stdout: result.stdout, code: result.code };
}

/** Logpush credentials in the emulator, and our own key material. */
function emulatorSecrets(): string[] {
  const secrets: string[] = [];
  for (const account of emulator.state.accounts.values()) {
    for (const job of account.logpushJobs.values()) secrets.push(...[...job.destination_conf.matchAll(/key(?:-id)?=([0-9a-f]+)/g)].map((m) => m[1]!));
  }
  const pem = readFileSync(join(home, 'keys', 'audit-signing-key.pem'), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'));
  const subjectSecret = readFileSync(join(home, 'keys', 'subject-hmac.key'));
  expect(secrets.length).toBe(4);
  return [...secrets, ...pem, subjectSecret.toString('hex'), subjectSecret.toString('base64'), subjectSecret.toString('utf8').trim()];
}

/** Every address the emulator holds: rule values, list items, event client IPs. */
function emulatorAddresses(): string[] {
  const addresses = new Set<string>();
  for (const zone of emulator.state.zones.values()) {
    for (const rule of zone.accessRules.values()) addresses.add(rule.configuration.value);
    for (const { row } of zone.firewallEvents.all()) addresses.add(row.clientIP);
  }
  for (const account of emulator.state.accounts.values()) {
    for (const rule of account.accessRules.values()) addresses.add(rule.configuration.value);
    for (const list of account.lists.values()) for (const item of list.items.values()) if (item.ip) addresses.add(item.ip);
  }
  return [...addresses].filter((value) => /[.:]/.test(value));
}

describe('doctor: our assumptions about Cloudflare', () => {
  it('holds every observable assumption against the emulator in its documented mode, read-only, with nothing secret in the JSON', async () => {
    const before = emulator.requests.length;
    const { report, stdout, code } = await doctorJson();
    // Read-only: GETs and GraphQL POSTs, nothing else.
    const sent = emulator.requests.slice(before);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((r) => !(r.method === 'GET' || (r.method === 'POST' && r.kind === 'graphql')))).toEqual([]);

    expect(stdout).not.toContain(TEST_TOKEN);
    for (const secret of emulatorSecrets()) expect(stdout).not.toContain(secret);
    const addresses = emulatorAddresses();
    expect(addresses.length).toBeGreaterThan(200);
    for (const address of addresses) expect(stdout).not.toContain(address);
    expect(report.observations).toMatchObject({
      zones: [
        { label: 'free.example', plan: 'free' },
        { label: 'business.example', plan: 'business' },
      ],
    });
    expect(code).toBe(0);
    expect(report.assumptions.filter((a) => a.status === 'differs')).toEqual([]);
    // Only a fault or a write shows these; doctor provokes neither.
    expect(
      report.assumptions
        .filter((a) => a.status === 'not_observable')
        .map((a) => `${a.fact} ${a.subject}`)
        .sort(),
    ).toEqual(['G9 GraphQL 429', 'L1 list bulk operations', 'R5 REST 5xx']);
    const held = new Set(report.assumptions.filter((a) => a.status === 'held').map((a) => a.fact));
    expect([...held].sort()).toEqual(['A2', 'A3', 'G1', 'G11', 'G2', 'G3', 'G5', 'G6', 'G7', 'G9', 'K1', 'L4', 'R2', 'R3']);
  });

  // Each "unknown" row of the field reports, switched to its alternative: doctor names the difference and what it saw.
  // G9's Retry-After and R5's body show only on a 429 or a 5xx, so those cases inject one (the seed and rate pick
  // which request; the client retries it).
  it.each<[string, Partial<BehaviourSettings>, { seed?: number; rest?: Partial<FaultRates>; graphql?: Partial<FaultRates> }, string, string, string]>([
    ['G1 dotted', { availableFieldsSpelling: 'dotted' }, {}, 'G1', 'httpRequestsAdaptiveGroups field names', 'dotted (dimensions.'],
    ['G1 bare', { availableFieldsSpelling: 'bare' }, {}, 'G1', 'httpRequestsAdaptiveGroups field names', 'bare ('],
    ['G2 seconds', { limitErrorWording: 'seconds' }, {}, 'G2', 'out-of-window query', 'seconds: "'],
    ['G3 no code', { graphqlErrorCodes: false }, {}, 'G3', 'out-of-window query', 'no extensions.code'],
    ['G9 Retry-After', { graphqlRetryAfter: true }, { seed: 6, graphql: { rateLimit: 0.1, retryAfterSeconds: 1 } }, 'G9', 'GraphQL 429', 'Retry-After on '],
    ['G11 documented status', { graphqlErrorStatus: 'documented' }, {}, 'G11', 'out-of-window query', 'HTTP 400'],
    ['R3 404', { unknownObjectStatus: 404 }, {}, 'R3', 'unknown zone id', 'HTTP 404'],
    ['R5 HTML', { serverErrorBody: 'html' }, { seed: 4, rest: { serverError: 0.065 } }, 'R5', 'REST 5xx', 'html'],
    ['A2 zone-only listing', { zoneListingIncludesAccountRules: false }, {}, 'A2', 'business.example access rules', 'none of the account’s 4 rule(s)'],
    ['A3 account', { accountRuleScopeType: 'account' }, {}, 'A3', 'access rules', 'account ×'],
    ['K1 empty', { lockdownFreeListing: 'empty' }, {}, 'K1', 'free.example lockdowns', 'HTTP 200 with 0 rule(s)'],
  ])('reports %s as differs, with what it saw', async (_name, behaviour, faults, fact, subject, saw) => {
    Object.assign(emulator.state.behaviour, behaviour);
    emulator.state.faults = { seed: faults.seed ?? 1, rest: { ...NO_FAULTS, ...faults.rest }, graphql: { ...NO_FAULTS, ...faults.graphql } };
    try {
      const { report } = await doctorJson();
      const differs = report.assumptions.filter((a) => a.status === 'differs');
      const assumption = differs.find((a) => a.fact === fact && a.subject.includes(subject));
      expect(assumption?.saw).toContain(saw);
      // The switch moves only its own row.
      expect(new Set(differs.map((a) => a.fact))).toEqual(new Set([fact]));
    } finally {
      emulator.state.faults = { seed: 1, rest: { ...NO_FAULTS }, graphql: { ...NO_FAULTS } };
    }
  });
});
