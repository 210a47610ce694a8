import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { startCountingDayCells } from './day-cells-count.js';
import { countDayCells, DAY_SECONDS } from './stats.js';
import { useTempStore } from '../../test/helpers/store.js';
import { childEnv } from '../../test/helpers/child-env.js';
import { sourceModuleUrl } from '../../test/helpers/source-cli.js';

const DAY = 20_000 * DAY_SECONDS;

let db: Db;
useTempStore((opened) => (db = opened));

function addEvents(day: number, country: string, ips: readonly string[]): void {
  const insert = db.prepare(
    `INSERT INTO firewall_events (zone_id, datetime, ray_name, client_ip, client_country, action, source) VALUES ('z1', ?, ?, ?, ?, 'block', 'waf')`,
  );
  ips.forEach((ip, i) => insert.run(day + i, `ray-${day}-${country}-${i}`, ip, country));
}

describe('startCountingDayCells', () => {
  it('asks nothing of a worker when there is nothing to count', () => {
    expect(startCountingDayCells(db, 'firewall_events', []).wait()).toEqual({ cells: [], countedBy: 'this thread' });
  });

  it('counts on a worker thread, from the committed rows, while this connection deletes them', () => {
    addEvents(DAY, 'KR', ['198.18.0.1', '198.18.0.2', '198.18.0.1']);
    addEvents(DAY + DAY_SECONDS, 'US', ['2001:db8::1']);
    const expected = [countDayCells(db, 'firewall_events', DAY), countDayCells(db, 'firewall_events', DAY + DAY_SECONDS)];
    expect(expected[0]).toEqual([{ zoneId: 'z1', day: DAY, country: 'KR', count: 3, distinctIps: 2, rows: 3, ipRows: 3 }]);

    const result = db
      .transaction(() => {
        const counting = startCountingDayCells(db, 'firewall_events', [DAY, DAY + DAY_SECONDS]);
        db.prepare('DELETE FROM firewall_events').run();
        return counting.wait();
      })
      .immediate();
    expect(result).toEqual({ cells: expected, countedBy: 'worker' });
  });

  it('counts on this thread, still from the committed rows, when the worker cannot load', () => {
    addEvents(DAY, 'KR', ['198.18.0.1', '198.18.0.2']);
    const result = db
      .transaction(() => {
        const counting = startCountingDayCells(db, 'firewall_events', [DAY], { workerScript: new URL('file:///nonexistent/day-cells-worker.js') });
        db.prepare('DELETE FROM firewall_events').run();
        return counting.wait();
      })
      .immediate();
    expect(result).toEqual({ cells: [[{ zoneId: 'z1', day: DAY, country: 'KR', count: 2, distinctIps: 2, rows: 2, ipRows: 2 }]], countedBy: 'this thread' });
  });

  it('counts on this thread when the worker never even starts, instead of waiting for it', () => {
    addEvents(DAY, 'KR', ['198.18.0.1']);
    const never = new URL('data:text/javascript,await new Promise(() => {})');
    const started = performance.now();
    const result = startCountingDayCells(db, 'firewall_events', [DAY], { workerScript: never, startTimeoutMs: 300 }).wait();
    expect(result.countedBy).toBe('this thread');
    expect(result.cells[0]).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('starts its worker in a process run as ES module eval (inherited --input-type=module)', () => {
    addEvents(DAY, 'KR', ['198.18.0.1', '198.18.0.2']);
    const script = `
      const { openStore } = await import(${JSON.stringify(sourceModuleUrl('store/db'))});
      const { startCountingDayCells } = await import(${JSON.stringify(sourceModuleUrl('store/day-cells-count'))});
      const db = openStore(${JSON.stringify(db.name)});
      console.log(startCountingDayCells(db, 'firewall_events', [${DAY}], { startTimeoutMs: 20000 }).wait().countedBy);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: childEnv() });
    expect(output.trim()).toBe('worker');
  });
});
