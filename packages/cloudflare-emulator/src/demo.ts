import type { PlanId } from './models.js';
import {
  generateAccessRules,
  generateCustomRuleset,
  generateFirewallEvents,
  generateHttpRequests,
  generateIpList,
  generateLockdowns,
  generateLogpushJobs,
} from './seed.js';
import {
  ALL_PERMISSIONS,
  addAccessRules,
  addAccount,
  addFirewallEvents,
  addHttpRequests,
  addIpList,
  addLockdowns,
  addLogpushJobs,
  addRuleset,
  addToken,
  addZone,
  type EmulatorState,
} from './state.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DemoZoneSummary {
  id: string;
  name: string;
  plan: PlanId;
  firewallEvents: number;
  httpRequestSamples: number;
  accessRules: number;
  lockdowns: number;
  customRules: number;
  logpushJobs: number;
}

export interface DemoSummary {
  accountId: string;
  zones: DemoZoneSummary[];
  accountAccessRules: number;
  lists: { id: string; name: string; items: number }[];
}

interface DemoZonePlan {
  name: string;
  plan: PlanId;
  /** How far back events reach (inside the plan's GraphQL window). */
  eventSpanMs: number;
  events: number;
  bursts: number[];
  rules: number;
  lockdowns: number;
  customRules: number;
  logpushJobs: number;
}

const DEMO_ZONES: readonly DemoZonePlan[] = [
  {
    name: 'shop.luxeret.example',
    plan: 'enterprise',
    eventSpanMs: 30 * DAY_MS,
    events: 24_000,
    bursts: [6_000, 3_500],
    rules: 40,
    lockdowns: 2,
    customRules: 3,
    logpushJobs: 2,
  },
  {
    name: 'api.luxeret.example',
    plan: 'business',
    eventSpanMs: 3 * DAY_MS,
    events: 8_000,
    bursts: [3_000],
    rules: 15,
    lockdowns: 1,
    customRules: 2,
    logpushJobs: 0,
  },
  { name: 'blog.luxeret.example', plan: 'free', eventSpanMs: DAY_MS, events: 2_500, bursts: [], rules: 8, lockdowns: 0, customRules: 1, logpushJobs: 0 },
];

/**
 * A realistic data set for `luxeret-privacy demo`: three zones on different plans with tens of thousands of security
 * events (attack bursts from IPs that access rules block, shared Ray IDs, IPv4 and IPv6), hourly request samples,
 * old and new access rules, lockdowns, custom rules with literal IPs, a managed IP list, Logpush jobs with R2 secrets,
 * and one token with every permission. Deterministic for a given `now` and `seed`.
 */
export function seedDemoData(state: EmulatorState, options: { now: Date; tokenValue: string; seed?: number }): DemoSummary {
  const seed = options.seed ?? 2026;
  const nowMs = options.now.getTime();
  // Events run right up to now: the newest minutes reach GraphQL only as each row's ingestion lag passes
  // (behaviour.ingestionLagMaxMs, field reports G10), so a demo pull meets late rows as a real one does.
  const endMs = nowMs;
  const account = addAccount(state, { name: 'Luxeret', plan: 'enterprise' });
  addToken(state, { value: options.tokenValue, permissions: [...ALL_PERMISSIONS] });

  const accountRules = generateAccessRules({
    seed: seed + 1,
    now: options.now,
    count: 8,
    scope: { id: account.id, name: account.name, type: 'account' },
    allowCountryBlock: true,
  });
  addAccessRules(state, { accountId: account.id }, accountRules);
  const abuseList = addIpList(state, account.id, generateIpList({ seed: seed + 2, now: options.now, name: 'abuse_ips', items: 300 }));
  const officeList = addIpList(
    state,
    account.id,
    generateIpList({ seed: seed + 3, now: options.now, name: 'office_allow', description: 'Office egress addresses', items: 5 }),
  );
  abuseList.num_referencing_filters = 1;
  addLogpushJobs(state, { accountId: account.id }, generateLogpushJobs({ seed: seed + 4, count: 1, accountId: account.id, firstId: 900 }));

  const zones = DEMO_ZONES.map((plan, index): DemoZoneSummary => {
    const zoneSeed = seed + 100 * (index + 1);
    const zone = addZone(state, {
      name: plan.name,
      plan: plan.plan,
      accountId: account.id,
      createdOn: new Date(nowMs - (900 - index * 200) * DAY_MS).toISOString(),
      logRetention: plan.plan === 'enterprise',
    });
    const rules = generateAccessRules({
      seed: zoneSeed,
      now: options.now,
      count: plan.rules,
      scope: { id: zone.id, name: zone.name, type: 'zone' },
      allowCountryBlock: plan.plan === 'enterprise',
    });
    addAccessRules(state, { zoneId: zone.id }, rules);
    const blockedIps = rules.filter((rule) => rule.mode === 'block' && rule.configuration.target === 'ip').map((rule) => rule.configuration.value);
    const fromMs = endMs - plan.eventSpanMs;
    const regular = generateFirewallEvents({
      seed: zoneSeed + 1,
      from: new Date(fromMs),
      to: new Date(endMs),
      count: plan.events,
      sharedRayIds: Math.floor(plan.events / 50),
      host: plan.name,
    });
    const bursts = plan.bursts.map((size, burstIndex) =>
      generateFirewallEvents({
        seed: zoneSeed + 2 + burstIndex,
        from: new Date(fromMs),
        to: new Date(fromMs),
        count: 0,
        bursts: [{ at: new Date(fromMs + ((burstIndex + 1) * plan.eventSpanMs) / (plan.bursts.length + 1)), size }],
        sharedRayIds: Math.floor(size / 100),
        host: plan.name,
        ...(blockedIps.length > 0 ? { ipPool: blockedIps } : {}),
      }),
    );
    const events = [...regular, ...bursts.flat()];
    addFirewallEvents(state, zone.id, events);
    const samples = generateHttpRequests({
      seed: zoneSeed + 9,
      from: new Date(endMs - Math.min(plan.eventSpanMs, 7 * DAY_MS)),
      to: new Date(endMs),
      clientsPerHour: 40,
      host: plan.name,
    });
    addHttpRequests(state, zone.id, samples);
    const lockdowns = generateLockdowns({ seed: zoneSeed + 3, now: options.now, count: plan.lockdowns, host: plan.name });
    addLockdowns(state, zone.id, lockdowns);
    if (plan.customRules > 0)
      addRuleset(
        state,
        { zoneId: zone.id },
        generateCustomRuleset({ seed: zoneSeed + 4, now: options.now, rules: plan.customRules, listName: abuseList.name }),
      );
    const jobs = generateLogpushJobs({ seed: zoneSeed + 5, count: plan.logpushJobs, accountId: account.id, firstId: 100 + index * 10 });
    addLogpushJobs(state, { zoneId: zone.id }, jobs);
    return {
      id: zone.id,
      name: zone.name,
      plan: zone.plan,
      firewallEvents: events.length,
      httpRequestSamples: samples.length,
      accessRules: rules.length,
      lockdowns: lockdowns.length,
      customRules: plan.customRules,
      logpushJobs: jobs.length,
    };
  });

  return {
    accountId: account.id,
    zones,
    accountAccessRules: accountRules.length,
    lists: [abuseList, officeList].map((list) => ({ id: list.id, name: list.name, items: list.items.size })),
  };
}
