/**
 * Deterministic data generators (seeded RNG): the same options always produce the same rows, and the rows are the
 * ground truth a test compares a pull against. Add them to a zone with `addFirewallEvents` / `addHttpRequests`.
 */
import type {
  AccessRule,
  AccessRuleMode,
  AccessRuleTarget,
  FirewallEvent,
  HttpRequestSample,
  IpList,
  ListItem,
  Lockdown,
  LogpushJob,
  Ruleset,
  RulesetRule,
} from './models.js';
import { createRng, type Rng } from './rng.js';

export const SEED_COUNTRIES: readonly string[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'NL',
  'CN',
  'RU',
  'BR',
  'IN',
  'JP',
  'KR',
  'VN',
  'ID',
  'TR',
  'UA',
  'PL',
  'IT',
  'ES',
  'CA',
  'AU',
  'SG',
  'ZA',
  'NG',
  'MX',
  'AR',
  'SE',
  'CH',
  'IR',
  'KP',
  'XX',
  'T1',
];

const ACTIONS = ['block', 'managed_challenge', 'challenge', 'js_challenge', 'log', 'skip'] as const;
const SOURCES = ['firewallCustom', 'firewallManaged', 'ip', 'ratelimit', 'waf', 'securitylevel', 'zoneLockdown', 'uaBlock'] as const;
const PATHS = ['/', '/wp-login.php', '/xmlrpc.php', '/admin', '/login', '/api/v1/orders', '/.env', '/checkout', '/search'] as const;
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64)',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
] as const;
const ASNS: readonly [string, string][] = [
  ['13335', 'CLOUDFLARENET'],
  ['16509', 'AMAZON-02'],
  ['4134', 'CHINANET-BACKBONE'],
  ['3320', 'DTAG'],
  ['5089', 'NTL'],
  ['14061', 'DIGITALOCEAN-ASN'],
  ['12389', 'ROSTELECOM-AS'],
  ['7922', 'COMCAST-7922'],
];
const COLOS = ['LHR', 'FRA', 'AMS', 'IAD', 'SJC', 'SIN', 'NRT', 'GRU'] as const;

export function randomIPv4(rng: Rng): string {
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** An address in the documentation prefix 2001:db8::/32, in canonical (RFC 5952) text. */
export function randomIPv6(rng: Rng): string {
  return `2001:db8:${rng.int(1, 0xffff).toString(16)}:${rng.int(1, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}`;
}

export interface FirewallEventSeed {
  seed?: number;
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Events spread over [from, to). */
  count: number;
  /** Extra events that all share one second each. */
  bursts?: { at: Date; size: number }[];
  /** How many Ray IDs get a second event from another rule (same second, same rayName, other ruleId/source). */
  sharedRayIds?: number;
  /** Share of IPv6 clients, 0–1 (default 0.2). */
  ipv6Share?: number;
  countries?: readonly string[];
  host?: string;
  /** Restrict clients to this pool (attackers repeat); default: a fresh address per event. */
  ipPool?: readonly string[];
}

let lastSecond = Number.NaN;
let lastIso = '';
/** RFC 3339 at one-second resolution; consecutive calls for one second share the string. */
function isoSecond(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastIso = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
  }
  return lastIso;
}

/** A fixed set of rule ids per seed: real events come from a handful of rules, not one rule each. */
function rulePool(rng: Rng, size: number): { ruleId: string; rulesetId: string }[] {
  const rulesetIds = [rng.hex(32), rng.hex(32), rng.hex(32)];
  return Array.from({ length: size }, () => ({ ruleId: rng.hex(32), rulesetId: rng.pick(rulesetIds) }));
}

function makeEvent(rng: Rng, datetime: string, options: FirewallEventSeed, rules: readonly { ruleId: string; rulesetId: string }[]): FirewallEvent {
  const rule = rng.pick(rules);
  const [asn, asnName] = rng.pick(ASNS);
  const clientIP =
    options.ipPool !== undefined && options.ipPool.length > 0
      ? rng.pick(options.ipPool)
      : rng.next() < (options.ipv6Share ?? 0.2)
        ? randomIPv6(rng)
        : randomIPv4(rng);
  const action = rng.pick(ACTIONS);
  return {
    datetime,
    rayName: rng.hex(16),
    action,
    source: rng.pick(SOURCES),
    clientIP,
    clientCountryName: rng.pick(options.countries ?? SEED_COUNTRIES),
    clientAsn: asn,
    clientASNDescription: asnName,
    clientIPClass: 'noRecord',
    clientRequestHTTPHost: options.host ?? 'shop.example.com',
    clientRequestHTTPMethodName: rng.next() < 0.8 ? 'GET' : 'POST',
    clientRequestHTTPProtocol: 'HTTP/2',
    clientRequestPath: rng.pick(PATHS),
    clientRequestQuery: rng.next() < 0.3 ? `?q=${rng.hex(6)}` : '',
    clientRequestScheme: 'https',
    userAgent: rng.pick(AGENTS),
    ruleId: rule.ruleId,
    rulesetId: rule.rulesetId,
    description: 'emulated event',
    kind: 'firewall',
    matchIndex: 0,
    edgeColoName: rng.pick(COLOS),
    edgeResponseStatus: action === 'block' ? 403 : action === 'log' || action === 'skip' ? 200 : 403,
    originResponseStatus: action === 'log' || action === 'skip' ? 200 : 0,
    sampleInterval: 1,
  };
}

/** Firewall events over a window, with bursts and shared Ray IDs, sorted by (datetime, rayName). */
export function generateFirewallEvents(options: FirewallEventSeed): FirewallEvent[] {
  const rng = createRng(options.seed ?? 1);
  const fromMs = options.from.getTime();
  const spanMs = Math.max(1, options.to.getTime() - fromMs);
  const rules = rulePool(rng, 40);
  // Times first, sorted numerically, so events are created in time order and the final sort has little to do.
  const times = new Float64Array(options.count);
  for (let i = 0; i < options.count; i++) times[i] = fromMs + Math.floor(rng.next() * spanMs);
  times.sort();
  const events: FirewallEvent[] = [];
  for (const ms of times) events.push(makeEvent(rng, isoSecond(ms), options, rules));
  for (const burst of options.bursts ?? []) {
    const datetime = isoSecond(burst.at.getTime());
    const attackers = Array.from({ length: 20 }, () => randomIPv4(rng));
    const burstOptions = { ...options, ipPool: options.ipPool ?? attackers };
    for (let i = 0; i < burst.size; i++) events.push(makeEvent(rng, datetime, burstOptions, rules));
  }
  const shared = Math.min(options.sharedRayIds ?? 0, events.length);
  for (let i = 0; i < shared; i++) {
    const original = events[Math.floor((i * events.length) / Math.max(1, shared))] as FirewallEvent;
    events.push({ ...original, ruleId: rng.pick(rules).ruleId, source: original.source === 'waf' ? 'firewallCustom' : 'waf', matchIndex: 1 });
  }
  return events.sort((a, b) => (a.datetime < b.datetime ? -1 : a.datetime > b.datetime ? 1 : a.rayName < b.rayName ? -1 : a.rayName > b.rayName ? 1 : 0));
}

export interface HttpRequestSeed {
  seed?: number;
  from: Date;
  to: Date;
  /** Distinct client IPs per hour. */
  clientsPerHour: number;
  countries?: readonly string[];
  host?: string;
  ipv6Share?: number;
}

/** Request samples: each hour, `clientsPerHour` clients each make a few requests (count > 1). */
export function generateHttpRequests(options: HttpRequestSeed): HttpRequestSample[] {
  const rng = createRng(options.seed ?? 2);
  const samples: HttpRequestSample[] = [];
  const fromHour = Math.floor(options.from.getTime() / 3_600_000) * 3_600_000;
  for (let hour = fromHour; hour < options.to.getTime(); hour += 3_600_000) {
    for (let i = 0; i < options.clientsPerHour; i++) {
      const ms = hour + rng.int(0, 3599) * 1000;
      if (ms < options.from.getTime() || ms >= options.to.getTime()) continue;
      const [asn, asnName] = rng.pick(ASNS);
      samples.push({
        datetime: isoSecond(ms),
        clientIP: rng.next() < (options.ipv6Share ?? 0.2) ? randomIPv6(rng) : randomIPv4(rng),
        clientCountryName: rng.pick(options.countries ?? SEED_COUNTRIES),
        clientAsn: asn,
        clientASNDescription: asnName,
        clientRequestHTTPHost: options.host ?? 'shop.example.com',
        clientRequestHTTPMethodName: 'GET',
        clientRequestPath: rng.pick(PATHS),
        edgeResponseStatus: rng.next() < 0.9 ? 200 : 403,
        userAgent: rng.pick(AGENTS),
        count: rng.int(1, 40),
        edgeResponseBytes: rng.int(500, 500_000),
        visits: rng.int(0, 3),
      });
    }
  }
  return samples.sort((a, b) => (a.datetime < b.datetime ? -1 : a.datetime > b.datetime ? 1 : 0));
}

const DAY_MS = 86_400_000;

function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

export interface AccessRuleSeed {
  seed?: number;
  now: Date;
  count: number;
  scope: AccessRule['scope'];
  /** Share of rules older than a year (default 0.5). */
  oldShare?: number;
  /** Allow `block` on country targets (Enterprise only; default false: country rules challenge). */
  allowCountryBlock?: boolean;
}

/** IP Access Rules: old and new; block / whitelist / challenge; ip, ip6, ip_range, asn and country targets; unique configurations. */
export function generateAccessRules(options: AccessRuleSeed): AccessRule[] {
  const rng = createRng(options.seed ?? 3);
  const rules: AccessRule[] = [];
  const seen = new Set<string>();
  const nowMs = options.now.getTime();
  const targets: AccessRuleTarget[] = ['ip', 'ip', 'ip', 'ip6', 'ip_range', 'asn', 'country'];
  while (rules.length < options.count) {
    const target = rng.pick(targets);
    const value =
      target === 'ip'
        ? randomIPv4(rng)
        : target === 'ip6'
          ? randomIPv6(rng)
          : target === 'ip_range'
            ? rng.next() < 0.5
              ? `${rng.int(1, 223)}.${rng.int(0, 255)}.0.0/16`
              : `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`
            : target === 'asn'
              ? `AS${rng.pick(ASNS)[0]}${rules.length}`
              : rng.pick(SEED_COUNTRIES.filter((c) => c.length === 2 && c !== 'XX' && c !== 'T1'));
    if (seen.has(`${target}:${value}`)) continue;
    seen.add(`${target}:${value}`);
    const isOld = rng.next() < (options.oldShare ?? 0.5);
    const createdMs = nowMs - (isOld ? rng.int(366, 1200) : rng.int(1, 60)) * DAY_MS - rng.int(0, 86_399) * 1000;
    let mode: AccessRuleMode = rng.pick(['block', 'block', 'block', 'whitelist', 'challenge', 'managed_challenge', 'js_challenge'] as const);
    if (target === 'country' && mode === 'block' && options.allowCountryBlock !== true) mode = 'managed_challenge';
    const notes = rng.pick([
      '',
      `abuse case ${rng.int(100, 999)}`,
      `retention-until=${isoMs(createdMs + 180 * DAY_MS).slice(0, 10)} purpose=abuse-case-${rng.int(100, 999)}`,
      'office egress',
      'credential stuffing',
    ]);
    rules.push({
      id: rng.hex(32),
      mode,
      allowed_modes: ['block', 'challenge', 'whitelist', 'js_challenge', 'managed_challenge'],
      configuration: { target, value },
      notes,
      created_on: isoMs(createdMs),
      modified_on: isoMs(createdMs + (rng.next() < 0.3 ? rng.int(0, 30) * DAY_MS : 0)),
      scope: options.scope,
    });
  }
  return rules;
}

export interface IpListSeed {
  seed?: number;
  now: Date;
  name: string;
  description?: string;
  items: number;
}

/** An account IP list with IPv4 addresses, IPv4 CIDRs and IPv6 /64s (how single IPv6 addresses are stored). */
export function generateIpList(options: IpListSeed): IpList {
  const rng = createRng(options.seed ?? 4);
  const nowMs = options.now.getTime();
  const items = new Map<string, ListItem>();
  const seen = new Set<string>();
  while (items.size < options.items) {
    const roll = rng.next();
    const ip =
      roll < 0.6 ? randomIPv4(rng) : roll < 0.8 ? `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24` : `${randomIPv6(rng).split('::')[0]}::/64`;
    if (seen.has(ip)) continue;
    seen.add(ip);
    const created = isoMs(nowMs - rng.int(0, 700) * DAY_MS);
    const id = rng.hex(32);
    items.set(id, { id, ip, ...(rng.next() < 0.5 ? { comment: `case ${rng.int(100, 999)}` } : {}), created_on: created, modified_on: created });
  }
  const created = isoMs(nowMs - 800 * DAY_MS);
  return {
    id: rng.hex(32),
    name: options.name,
    description: options.description ?? 'IPs blocked after abuse reports',
    kind: 'ip',
    created_on: created,
    modified_on: isoMs(nowMs),
    num_referencing_filters: 0,
    items,
  };
}

/** Zone Lockdown rules that restrict admin paths to a few IPs and ranges. */
export function generateLockdowns(options: { seed?: number; now: Date; count: number; host?: string }): Lockdown[] {
  const rng = createRng(options.seed ?? 5);
  return Array.from({ length: options.count }, (_, index) => {
    const created = isoMs(options.now.getTime() - rng.int(1, 900) * DAY_MS);
    return {
      id: rng.hex(32),
      description: `Restrict ${index === 0 ? 'admin' : `area ${index}`} to office`,
      paused: false,
      urls: [`${options.host ?? 'shop.example.com'}/${index === 0 ? 'admin' : `area${index}`}*`],
      configurations: [
        { target: 'ip' as const, value: randomIPv4(rng) },
        { target: 'ip_range' as const, value: `${rng.int(1, 223)}.${rng.int(0, 255)}.0.0/16` },
      ],
      created_on: created,
      modified_on: created,
    };
  });
}

/** The zone's `http_request_firewall_custom` entrypoint with rules that embed IPs, CIDRs and countries. */
export function generateCustomRuleset(options: { seed?: number; now: Date; rules: number; listName?: string }): Ruleset {
  const rng = createRng(options.seed ?? 6);
  const at = isoMs(options.now.getTime() - rng.int(1, 400) * DAY_MS);
  const rules: RulesetRule[] = Array.from({ length: options.rules }, (_, index) => {
    const id = rng.hex(32);
    const ips = [randomIPv4(rng), `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`, `${randomIPv6(rng).split('::')[0]}::/64`];
    const parts = [`(ip.src in {${ips.join(' ')}})`];
    if (index % 2 === 1) parts.push(`(ip.src.country in {"RU" "KP"})`);
    if (index === 0 && options.listName !== undefined) parts.push(`(ip.src in $${options.listName})`);
    return {
      id,
      version: '1',
      action: rng.pick(['block', 'managed_challenge', 'log']),
      expression: parts.join(' or '),
      description: `abuse case ${rng.int(100, 999)}`,
      enabled: true,
      ref: id,
      last_updated: at,
    };
  });
  return { id: rng.hex(32), name: 'default', description: '', kind: 'zone', version: '1', phase: 'http_request_firewall_custom', last_updated: at, rules };
}

/** Logpush jobs whose `destination_conf` carries R2 secrets (clients must redact them). */
export function generateLogpushJobs(options: { seed?: number; count: number; accountId: string; firstId?: number }): LogpushJob[] {
  const rng = createRng(options.seed ?? 7);
  return Array.from({ length: options.count }, (_, index) => ({
    id: (options.firstId ?? 100) + index,
    name: `logs-${index}`,
    dataset: index % 2 === 0 ? 'firewall_events' : 'http_requests',
    enabled: true,
    kind: '',
    destination_conf: `r2://cf-logs/${index % 2 === 0 ? 'firewall' : 'http'}/{DATE}?account-id=${options.accountId}&access-key-id=${rng.hex(32)}&secret-access-key=${rng.hex(64)}`,
    output_options: { field_names: ['ClientIP', 'ClientCountry', 'Datetime', 'RayID'], timestamp_format: 'rfc3339', output_type: 'ndjson' },
    last_complete: null,
    last_error: null,
    error_message: null,
    frequency: null,
    max_upload_bytes: null,
    max_upload_interval_seconds: null,
    max_upload_records: null,
    logpull_options: null,
  }));
}
