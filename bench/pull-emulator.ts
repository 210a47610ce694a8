/**
 * The "Cloudflare" side of the pull bench, run in its own process so it shares neither the event loop nor the RSS
 * of the pulling side. Seeds one Enterprise zone with `count` minimal firewall events and reports where it listens.
 */
import { addFirewallEvents, addToken, addZone, createRng, startEmulator, type FirewallEvent } from '@luxeret/cloudflare-emulator';

export interface PullEmulatorReady {
  readonly baseUrl: string;
  readonly zoneId: string;
  readonly token: string;
  readonly events: number;
}

const COUNTRIES = ['KR', 'US', 'CN', 'RU', 'DE', 'JP', 'BR', 'IN', 'GB', 'FR'];
const ACTIONS = ['block', 'managed_challenge', 'log'];
const SOURCES = ['firewallCustom', 'waf', 'ip'];

function* minimalEvents(count: number, fromMs: number, toMs: number): Generator<FirewallEvent> {
  const rng = createRng(42);
  const span = toMs - fromMs;
  const rules = Array.from({ length: 20 }, () => rng.hex(32));
  for (let i = 0; i < count; i++) {
    const ms = fromMs + Math.floor((i / count) * span);
    yield {
      datetime: new Date(ms - (ms % 1000)).toISOString().slice(0, 19) + 'Z',
      rayName: rng.hex(16),
      action: rng.pick(ACTIONS),
      source: rng.pick(SOURCES),
      clientIP: `198.${18 + (i & 1)}.${(i >> 8) & 255}.${i & 255}`,
      clientCountryName: rng.pick(COUNTRIES),
      clientAsn: String(rng.int(1000, 65000)),
      clientRequestHTTPHost: 'shop.luxeret.com',
      ruleId: rng.pick(rules),
      sampleInterval: 1,
    };
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const emulator = await startEmulator({ limits: { graphqlQueries: 100_000 } });
  const token = 'bench-token-not-a-secret';
  addToken(emulator.state, { value: token, permissions: ['Analytics Read'] });
  const zone = addZone(emulator.state, { name: 'bench.luxeret.com', plan: 'enterprise' });
  const now = Date.now();
  // Ending 5 minutes back, past the emulator's ingestion lag: every event is served, so stored must equal seeded.
  addFirewallEvents(emulator.state, zone.id, minimalEvents(count, now - 6 * 86_400_000, now - 300_000));
  // Warm up (the emulator builds Cloudflare's 1.4 MB schema on first use): real Cloudflare has no such cost.
  await fetch(emulator.graphqlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query { viewer { zones(filter: {zoneTag: "' + zone.id + '"}) { settings { firewallEventsAdaptive { maxPageSize } } } } }' }),
  }).then((response) => response.text());
  const ready: PullEmulatorReady = { baseUrl: emulator.baseUrl, zoneId: zone.id, token, events: count };
  process.send?.(ready);
  process.on('disconnect', () => void emulator.close().finally(() => process.exit(0)));
}

void main();
