import { putArchiveObjects, type ArchiveServer } from './archive-server.js';
import { generateLogpushObjects } from './logpush-archive.js';
import { generateFirewallEvents } from './seed.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;

/** Where the demo's Logpush archive is: the bucket and prefix of the demo's firewall_events Logpush jobs. */
export const DEMO_ARCHIVE = { bucket: 'cf-logs', prefix: 'firewall/' } as const;

export interface DemoArchiveSummary {
  readonly bucket: string;
  readonly prefix: string;
  readonly objects: number;
  readonly bytes: number;
  readonly days: number;
}

/**
 * The demo's Logpush archive: what the zone shop.luxeret.example's firewall_events job (r2://cf-logs/firewall/{DATE})
 * pushed over the last `days` days, one gzip NDJSON file per 5 minutes that saw events (Logpush's longest upload
 * interval), IPv4 and IPv6 clients. Puts them into the server's bucket `cf-logs`; deterministic for a given `now`.
 */
export async function seedDemoArchive(server: ArchiveServer, options: { now: Date; days?: number; seed?: number }): Promise<DemoArchiveSummary> {
  const days = options.days ?? 3;
  const windowMs = 5 * MINUTE_MS;
  // Only windows that have ended: Logpush pushes a file after its window closes.
  const toMs = Math.floor(options.now.getTime() / windowMs) * windowMs;
  const events = generateFirewallEvents({
    seed: options.seed ?? 2026,
    from: new Date(toMs - days * DAY_MS),
    to: new Date(toMs),
    count: 250 * days * 2,
    host: 'shop.luxeret.example',
    ipv6Share: 0.25,
  });
  const objects = generateLogpushObjects({ prefix: DEMO_ARCHIVE.prefix, events, windowMs });
  await putArchiveObjects(server, DEMO_ARCHIVE.bucket, objects);
  return { ...DEMO_ARCHIVE, objects: objects.length, bytes: objects.reduce((n, object) => n + object.body.length, 0), days };
}
