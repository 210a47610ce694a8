/**
 * Deterministic data generators (seeded RNG): the same options always produce the same rows, and the rows are the
 * ground truth a test compares a pull against. Add them to a zone with `addFirewallEvents` / `addHttpRequests`.
 */
import type { FirewallEvent, HttpRequestSample } from './models.js';
import { createRng, type Rng } from './rng.js';

export const SEED_COUNTRIES: readonly string[] = [
  'US', 'GB', 'DE', 'FR', 'NL', 'CN', 'RU', 'BR', 'IN', 'JP', 'KR', 'VN', 'ID', 'TR', 'UA', 'PL', 'IT', 'ES', 'CA', 'AU',
  'SG', 'ZA', 'NG', 'MX', 'AR', 'SE', 'CH', 'IR', 'KP', 'XX', 'T1',
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
  ['13335', 'CLOUDFLARENET'], ['16509', 'AMAZON-02'], ['4134', 'CHINANET-BACKBONE'], ['3320', 'DTAG'],
  ['5089', 'NTL'], ['14061', 'DIGITALOCEAN-ASN'], ['12389', 'ROSTELECOM-AS'], ['7922', 'COMCAST-7922'],
];
const COLOS = ['LHR', 'FRA', 'AMS', 'IAD', 'SJC', 'SIN', 'NRT', 'GRU'] as const;

export function randomIPv4(rng: Rng): string {
  return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function randomIPv6(rng: Rng): string {
  const groups = ['2001', 'db8', rng.hex(4).replace(/^0+(?=.)/, ''), rng.hex(4).replace(/^0+(?=.)/, '')];
  return `${groups.join(':')}::${rng.hex(4).replace(/^0+(?=.)/, '')}`;
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
  const clientIP = options.ipPool !== undefined && options.ipPool.length > 0
    ? rng.pick(options.ipPool)
    : rng.next() < (options.ipv6Share ?? 0.2) ? randomIPv6(rng) : randomIPv4(rng);
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
    const burstOptions = { ...options, ipPool: attackers };
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
