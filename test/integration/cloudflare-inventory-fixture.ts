import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addAccount,
  addToken,
  addZone,
  ALL_PERMISSIONS,
  startEmulator,
  type AccessRule,
  type Emulator,
  type IpList,
  type ListItem,
  type Lockdown,
  type LogpushJob,
  type Ruleset,
  type ZoneState,
} from '@luxeret/cloudflare-emulator';
import { testClock } from '../helpers/virtual-clock.js';

export const TOKEN = 'cf-inventory-test-token-5c1b7e';
export const ACCOUNT = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
export const ZONE_ENT = '0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e';
export const ZONE_PRO = '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b';
export const ZONE_FREE = '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f';

/** Secrets planted in Logpush destinations: none may appear in any output or file. */
export const SECRETS = ['AKIDPLANTED7781', 'SECRETPLANTEDq9Zx', 'SIGPLANTED55ab', 'DDKEYPLANTED0042'] as const;

export interface Truth {
  accessRules: { records: number; distinctIps: number; countries: Record<string, number>; oldest: string; newest: string };
  listItems: { records: number; distinctIps: number; managed: Record<string, number>; reported: Record<string, number> };
  lockdowns: { records: number; distinctIps: number };
  customRules: { records: number; distinctIps: number; countries: Record<string, number> };
  logpull: { records: number };
}

const BASE_MS = Date.parse('2026-06-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
let counter = 0;
// Zero-padded: unique because a counter in hex has no leading zeros.
const hexId = () => (++counter).toString(16).padStart(32, '0');

function rule(
  zoneOrAccount: { id: string; type: 'zone' | 'account' },
  mode: AccessRule['mode'],
  target: AccessRule['configuration']['target'],
  value: string,
  ageDays: number,
): AccessRule {
  const at = iso(BASE_MS - ageDays * 86_400_000);
  return {
    id: hexId(),
    mode,
    allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'],
    configuration: { target, value },
    notes: `seed ${value}`,
    created_on: at,
    modified_on: at,
    scope: zoneOrAccount,
  };
}

function list(name: string, ips: readonly string[]): IpList {
  const items = new Map<string, ListItem>();
  ips.forEach((ip, i) => {
    const id = hexId();
    const at = iso(BASE_MS - (i % 200) * 86_400_000);
    items.set(id, { id, ip, comment: `item ${i}`, created_on: at, modified_on: at });
  });
  return { id: hexId(), name, description: '', kind: 'ip', created_on: iso(BASE_MS), modified_on: iso(BASE_MS), num_referencing_filters: 1, items };
}

function job(id: number, dataset: string, fields: string[] | undefined, destination: string, legacy?: string): LogpushJob {
  return {
    id,
    name: `job-${id}`,
    dataset,
    enabled: true,
    kind: '',
    destination_conf: destination,
    output_options: fields ? { field_names: fields, timestamp_format: 'rfc3339', output_type: 'ndjson' } : null,
    last_complete: null,
    last_error: null,
    error_message: null,
    frequency: null,
    max_upload_bytes: null,
    max_upload_interval_seconds: null,
    max_upload_records: null,
    logpull_options: legacy ?? null,
  };
}

/** An account with an Enterprise, a Pro and a Free zone holding every kind of object; returns the ground truth. */
export async function startSeededEmulator(options: { permissions?: readonly string[] } = {}): Promise<{ emulator: Emulator; truth: Truth }> {
  const emulator = await startEmulator({ now: testClock.now });
  const { state } = emulator;
  addAccount(state, { id: ACCOUNT, name: 'Luxeret', plan: 'enterprise' });
  const ent = addZone(state, { id: ZONE_ENT, name: 'shop.luxeret.com', accountId: ACCOUNT, plan: 'enterprise', logRetention: true });
  const pro = addZone(state, { id: ZONE_PRO, name: 'pro.luxeret.com', accountId: ACCOUNT, plan: 'pro' });
  const free = addZone(state, { id: ZONE_FREE, name: 'blog.luxeret.com', accountId: ACCOUNT, plan: 'free' });
  addToken(state, { value: TOKEN, permissions: [...(options.permissions ?? ALL_PERMISSIONS)] });
  const account = state.accounts.get(ACCOUNT)!;

  // Access rules: 130 on the Enterprise zone (several pages), 12 on Pro, 6 on Free, 40 at account level.
  const put = (target: Map<string, AccessRule>, r: AccessRule) => target.set(r.id, r);
  const entScope = { id: ent.id, type: 'zone' as const };
  for (let i = 0; i < 120; i++) put(ent.accessRules, rule(entScope, i % 3 === 0 ? 'challenge' : 'block', 'ip', `198.51.${100 + (i >> 6)}.${i & 63}`, i));
  put(ent.accessRules, rule(entScope, 'block', 'ip6', '2001:db8::7', 400));
  put(ent.accessRules, rule(entScope, 'block', 'ip_range', '203.0.113.0/24', 3));
  put(ent.accessRules, rule(entScope, 'whitelist', 'ip', '192.0.2.10', 50));
  put(ent.accessRules, rule(entScope, 'block', 'country', 'KP', 10));
  put(ent.accessRules, rule(entScope, 'block', 'country', 'RU', 11));
  put(ent.accessRules, rule(entScope, 'challenge', 'asn', 'AS64500', 12));
  // The same address as an Enterprise-zone rule: one distinct IP.
  put(ent.accessRules, rule(entScope, 'js_challenge', 'ip_range', '198.51.0.0/16', 13));
  put(ent.accessRules, rule(entScope, 'managed_challenge', 'ip', '198.51.100.250', 14));
  put(ent.accessRules, rule(entScope, 'block', 'ip', '198.51.100.251', 15));
  put(ent.accessRules, rule(entScope, 'block', 'ip', '198.51.100.252', 16));
  const proScope = { id: pro.id, type: 'zone' as const };
  for (let i = 0; i < 12; i++) put(pro.accessRules, rule(proScope, 'block', 'ip', `198.51.100.${i}`, 200 + i));
  const freeScope = { id: free.id, type: 'zone' as const };
  for (let i = 0; i < 5; i++) put(free.accessRules, rule(freeScope, 'block', 'ip', `100.64.0.${i + 1}`, 30 + i));
  put(free.accessRules, rule(freeScope, 'challenge', 'country', 'RU', 1));
  const accountScope = { id: ACCOUNT, type: 'account' as const };
  for (let i = 0; i < 40; i++) put(account.accessRules, rule(accountScope, 'block', 'ip', `100.65.${i >> 4}.${i & 15}`, 500 - i));

  const allRules = [...ent.accessRules.values(), ...pro.accessRules.values(), ...free.accessRules.values(), ...account.accessRules.values()];
  const ipValues = new Set(allRules.filter((r) => ['ip', 'ip6', 'ip_range'].includes(r.configuration.target)).map((r) => r.configuration.value));
  const countryRules: Record<string, number> = {};
  for (const r of allRules) if (r.configuration.target === 'country') countryRules[r.configuration.value] = (countryRules[r.configuration.value] ?? 0) + 1;
  const created = allRules.map((r) => Date.parse(r.created_on));

  // Lists: a managed list of 1,203 items (three cursor pages of 500) and a reported-only one.
  const blocked = list(
    'blocked_ips',
    Array.from({ length: 1203 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
  );
  const office = list('office_allow', ['192.0.2.0/24', '10.0.0.1', '2001:db8:1::/64']);
  account.lists.set(blocked.id, blocked);
  account.lists.set(office.id, office);
  const listIps = new Set([...blocked.items.values(), ...office.items.values()].map((item) => item.ip));

  // Lockdowns: Enterprise zone 2 rules, Pro zone 1 rule; the Free zone cannot have any.
  const lockdown = (zone: ZoneState, values: string[]): void => {
    const l: Lockdown = {
      id: hexId(),
      description: 'admin',
      paused: false,
      urls: [`${zone.name}/admin*`],
      configurations: values.map((value) => ({ target: value.includes('/') ? 'ip_range' : 'ip', value })),
      created_on: iso(BASE_MS),
      modified_on: iso(BASE_MS),
    };
    zone.lockdowns.set(l.id, l);
  };
  lockdown(ent, ['192.0.2.10', '192.0.2.0/24']);
  lockdown(ent, ['192.0.2.10']);
  lockdown(pro, ['198.18.0.0/16', '198.18.5.5']);

  // Custom rules: Enterprise and Free zones have an entrypoint; the Pro zone has none (404).
  const ruleset = (zone: ZoneState, expressions: string[]): void => {
    const rs: Ruleset = {
      id: hexId(),
      name: 'default',
      description: '',
      kind: 'zone',
      version: '1',
      phase: 'http_request_firewall_custom',
      last_updated: iso(BASE_MS),
      rules: expressions.map((expression) => ({
        id: hexId(),
        version: '1',
        action: 'block',
        expression,
        description: 'seed',
        enabled: true,
        ref: 'r',
        last_updated: iso(BASE_MS),
      })),
    };
    zone.rulesets.set(rs.id, rs);
  };
  ruleset(ent, [
    '(ip.src in {203.0.113.7 198.51.100.0/24 2001:db8::/64}) or (ip.src.country in {"RU" "KP"})',
    'not ip.src in {192.0.2.10} and http.request.uri.path eq "/admin"',
    'http.host eq "shop.luxeret.com"',
    'ip.src in $blocked_ips',
  ]);
  ruleset(free, ['ip.geoip.country eq "CN" or ip.src eq 203.0.113.7']);

  // Logs: retention on the Enterprise zone; Logpush jobs with secrets in their destinations.
  ent.logpushJobs.set(
    1,
    job(
      1,
      'firewall_events',
      ['ClientIP', 'ClientCountry', 'Datetime', 'RayID'],
      `r2://cf-logs/fw/{DATE}?account-id=${ACCOUNT}&access-key-id=${SECRETS[0]}&secret-access-key=${SECRETS[1]}`,
    ),
  );
  ent.logpushJobs.set(2, job(2, 'http_requests', ['Datetime', 'RayID', 'EdgeResponseStatus'], 's3://logs/http?region=eu-west-1'));
  ent.logpushJobs.set(
    3,
    job(3, 'http_requests', undefined, `https://logs.example.com/in?X-Amz-Signature=${SECRETS[2]}&region=eu`, 'fields=ClientIP,RayID&timestamps=rfc3339'),
  );
  account.logpushJobs.set(4, job(4, 'audit_logs', ['ClientCountry'], `datadog://intake.example.com/v1?header_DD-API-KEY=${SECRETS[3]}`));

  const truth: Truth = {
    accessRules: {
      records: allRules.length,
      distinctIps: ipValues.size,
      countries: countryRules,
      oldest: iso(Math.min(...created)),
      newest: iso(Math.max(...created)),
    },
    listItems: { records: blocked.items.size + office.items.size, distinctIps: listIps.size, managed: { blocked_ips: 1203 }, reported: { office_allow: 3 } },
    lockdowns: { records: 5, distinctIps: 4 },
    // Literals: 203.0.113.7, 198.51.100.0/24, 2001:db8::/64, 192.0.2.10 (Enterprise) + 203.0.113.7 (Free).
    customRules: { records: 5, distinctIps: 4, countries: { RU: 1, KP: 1, CN: 1 } },
    // Retention on (1 zone) + jobs 1, 3 (ClientIP) and 4 (ClientCountry).
    logpull: { records: 4 },
  };
  return { emulator, truth };
}

/** Writes the config naming the given zones and the managed list. */
export function writeConfig(home: string, zoneIds: readonly string[], extra = ''): void {
  const zones = zoneIds.map((id) => `  - id: "${id}"\n`).join('');
  writeFileSync(join(home, 'config.yaml'), `account_id: "${ACCOUNT}"\nzones:\n${zones}managed_lists:\n  - blocked_ips\n${extra}`);
}

/** Adds `rules` block rules to the Enterprise zone and `items` items to the managed list, for scale tests. */
export function addScale(emulator: Emulator, counts: { rules: number; items: number }): { rules: number; items: number } {
  const { state } = emulator;
  const zone = state.zones.get(ZONE_ENT)!;
  const account = state.accounts.get(ACCOUNT)!;
  const scope = { id: ZONE_ENT, type: 'zone' as const };
  for (let i = 0; i < counts.rules; i++) {
    const r = rule(scope, 'block', 'ip', `172.16.${(i >> 8) & 255}.${i & 255}`, 100 + (i % 300));
    zone.accessRules.set(r.id, r);
  }
  const blocked = [...account.lists.values()].find((l) => l.name === 'blocked_ips')!;
  for (let i = 0; i < counts.items; i++) {
    const id = hexId();
    const at = iso(BASE_MS - (i % 300) * 86_400_000);
    blocked.items.set(id, { id, ip: `172.20.${(i >> 8) & 255}.${i & 255}`, comment: '', created_on: at, modified_on: at });
  }
  return counts;
}
