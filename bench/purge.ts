import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildConfig } from '../src/config/config.js';
import { purgeExpired } from '../src/purge/purge.js';
import { startRollUpBeforePurge } from '../src/stats/rollup.js';
import { openStore } from '../src/store/db.js';
import { createSqliteStorePort } from '../src/store/sqlite/adapter.js';

export interface PurgeBenchResult {
  name: string;
  storedEvents: number;
  deletedEvents: number;
  /** A plain `DELETE … WHERE datetime < ?` on a copy of the same store, default connection settings. */
  baselineSeconds: number;
  /** `purge`: plan, statistics roll-up, signed intent and outcome, secure delete, WAL truncation, page reclaim. */
  purgeSeconds: number;
  /** The anonymised-statistics roll-up (issue 5) timed alone on a third copy; in the purge it runs beside the delete. */
  rollUpSeconds: number;
  ratio: number;
  targetRatio: number;
  storeBytesBefore: number;
  storeBytesAfter: number;
  ok: boolean;
}

const DAY_S = 86_400;

/** Deleting 90% of `events` (default 1,000,000) stored events, against a plain DELETE on an identical copy. */
export async function benchPurge(options: { events?: number; onProgress?: (line: string) => void } = {}): Promise<PurgeBenchResult> {
  const count = options.events ?? 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'luxeret-bench-purge-'));
  try {
    const nowS = Math.floor(Date.now() / 1000);
    const original = join(dir, 'original.db');
    options.onProgress?.(`purge bench: storing ${count} events`);
    fillStore(original, count, nowS);
    const baselinePath = join(dir, 'baseline.db');
    const purgePath = join(dir, 'purge.db');
    const rollUpPath = join(dir, 'rollup.db');
    copyFileSync(original, baselinePath);
    copyFileSync(original, purgePath);
    copyFileSync(original, rollUpPath);
    const storeBytesBefore = statSync(purgePath).size;

    options.onProgress?.('purge bench: baseline DELETE');
    const baseline = new Database(baselinePath);
    const baselineStart = performance.now();
    const baselineDeleted = baseline.prepare('DELETE FROM firewall_events WHERE datetime < ?').run(nowS - 30 * DAY_S).changes;
    const baselineSeconds = (performance.now() - baselineStart) / 1000;
    baseline.close();

    options.onProgress?.('purge bench: luxeret-privacy purge');
    const { config } = buildConfig({ retention: { firewall_events: '30d', http_analytics: '30d' } });
    const { privateKey } = generateKeyPairSync('ed25519');
    const db = openStore(purgePath);
    const purgeStart = performance.now();
    const result = await purgeExpired(
      {
        store: createSqliteStorePort(db, { path: purgePath, lockPath: `${purgePath}.lock` }),
        config: config!,
        signer: () => ({ privateKey, actor: 'bench@localhost', now: () => new Date() }),
        now: () => new Date(nowS * 1000),
      },
      { dryRun: false, trustClock: true },
    );
    const purgeSeconds = (performance.now() - purgeStart) / 1000;
    db.close();
    const deletedEvents = result.locations.find((l) => l.id === 'local/firewall-events')?.deleted ?? 0;
    if (deletedEvents !== baselineDeleted) throw new Error(`purge deleted ${deletedEvents}, baseline ${baselineDeleted}`);
    options.onProgress?.('purge bench: statistics roll-up alone');
    const rollUpDb = openStore(rollUpPath);
    const rollUpStart = performance.now();
    rollUpDb
      .transaction(() =>
        startRollUpBeforePurge(rollUpDb, { minCount: 10, now: new Date(nowS * 1000) }, 'local/firewall-events', new Date((nowS - 30 * DAY_S) * 1000)).finish(),
      )
      .immediate();
    const rollUpSeconds = (performance.now() - rollUpStart) / 1000;
    rollUpDb.close();
    const ratio = purgeSeconds / baselineSeconds;
    return {
      name: 'purge (90% of stored events)',
      storedEvents: count,
      deletedEvents,
      baselineSeconds,
      purgeSeconds,
      ratio,
      rollUpSeconds,
      targetRatio: 2,
      storeBytesBefore,
      storeBytesAfter: statSync(purgePath).size,
      ok: ratio <= 2,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store of `count` events over 100 days: 90% older than 30 days, the rest newer, spread over ~60k IPs. */
function fillStore(path: string, count: number, nowS: number): void {
  const db = openStore(path, { create: true });
  const insert = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, client_asn, action, source, rule_id, host, sample_interval)
     VALUES ('023e105f4ecef8ad9ca31a8372d0c353', ?, ?, ?, ?, '64500', 'block', 'firewallCustom', 'f3b2c1d0e9a84b7c8d6e5f4a3b2c1d0e', 'shop.luxeret.com', 1)`,
  );
  const countries = ['KR', 'US', 'CN', 'RU', 'DE', 'JP', 'BR', 'IN'];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const old = i % 10 !== 0;
      const ageS = old ? 31 * DAY_S + (i % (69 * DAY_S)) : i % (29 * DAY_S);
      insert.run(nowS - ageS, i.toString(16).padStart(16, '0'), `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`, countries[i % countries.length]);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** A readable table of the result. */
export function renderPurgeBench(r: PurgeBenchResult): string {
  const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
  const lines = [
    ['bench', r.name],
    ['deleted / stored', `${r.deletedEvents.toLocaleString('en')} / ${r.storedEvents.toLocaleString('en')}`],
    ['purge', `${r.purgeSeconds.toFixed(3)} s  (plan, roll-up beside the secure delete, signed entries, WAL truncation, VACUUM)`],
    ['baseline (plain DELETE)', `${r.baselineSeconds.toFixed(3)} s`],
    ['ratio purge / baseline', `${r.ratio.toFixed(3)}×  (target ≤ ${r.targetRatio}×)`],
    ['roll-up, timed alone', `${r.rollUpSeconds.toFixed(3)} s  (hidden behind the delete in the purge)`],
    ['store file', `${mb(r.storeBytesBefore)} → ${mb(r.storeBytesAfter)}`],
    ['result', r.ok ? 'OK' : 'MISSED TARGET'],
  ];
  const width = Math.max(...lines.map(([k]) => k!.length));
  return lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n') + '\n';
}
