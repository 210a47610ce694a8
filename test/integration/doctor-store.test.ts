import { beforeEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeEachStore, useTargetHome, type TestStoreTarget } from '../helpers/store-kinds.js';

type DoctorJson = { ok: boolean; checks: { name: string; status: string; detail: string }[] };
const HOUR_MS = 3_600_000;

describeEachStore('doctor reads the store and the schedule through the port', (kind) => {
  let target: TestStoreTarget;
  let home: string;
  let env: Record<string, string>;
  useTargetHome(kind, (made) => ({ target, home, env } = made), { writeConfig: true });
  beforeEach(async () => {
    expect((await runCli(['init'], { env })).code).toBe(0);
  });

  /** doctor's store and schedule checks (no token here: the token check fails, which is not what is looked at). */
  const doctor = async () => {
    const result = await runCli(['doctor', '--json'], { env });
    const checks = (JSON.parse(result.stdout) as DoctorJson).checks;
    const pick = (name: string) => checks.find((c) => c.name === name);
    return { store: pick('store'), pull: pick('last pull'), purge: pick('last purge') };
  };

  it('passes the store check on a fresh store and warns that nothing was pulled or purged yet', async () => {
    const { store, pull, purge } = await doctor();
    expect(store?.status).toBe('pass');
    expect(store?.detail).toMatch(
      kind === 'sqlite'
        ? /^readable, schema version 6, 0 firewall event\(s\)$/
        : /^PostgreSQL postgres:\/\/.*\(schema lux_test_\w+\), readable, schema version 6/,
    );
    expect(pull).toMatchObject({ status: 'warn', detail: 'no successful pull recorded' });
    expect(purge).toMatchObject({ status: 'warn', detail: 'no purge recorded' });
  });

  it('reads the last pull and purge any host recorded: recent passes, a purge days overdue fails', async () => {
    const port = await target.openPort(home);
    try {
      const lastPullSeconds = Math.floor((Date.now() - 2 * HOUR_MS) / 1000);
      await port.writePullState({
        zoneId: 'z1',
        dataset: 'firewall_events',
        coveredFrom: 0,
        coveredTo: lastPullSeconds,
        settledTo: lastPullSeconds,
        lastPullAt: lastPullSeconds,
      });
      const partial = await doctor();
      expect(partial.pull).toMatchObject({
        status: 'warn',
        detail: `no successful pull of every zone recorded; a zone was last pulled at ${new Date(lastPullSeconds * 1000).toISOString()}`,
      });

      const recent = new Date(Date.now() - HOUR_MS).toISOString();
      await port.writeMeta('last_pull_at', recent);
      await port.writeMeta('last_purge_at', recent);
      const fine = await doctor();
      expect(fine.pull).toMatchObject({ status: 'pass', detail: `last successful pull ${recent}` });
      expect(fine.purge).toMatchObject({ status: 'pass', detail: `last purge ${recent}` });

      const overdue = new Date(Date.now() - 6 * 24 * HOUR_MS).toISOString();
      await port.writeMeta('last_purge_at', overdue);
      const late = await runCli(['doctor', '--json'], { env });
      expect(late.code).toBe(1);
      expect((JSON.parse(late.stdout) as DoctorJson).checks.find((c) => c.name === 'last purge')).toMatchObject({
        status: 'fail',
        detail: `last purge ${overdue}, over 5 days ago: the policy promises destruction without delay`,
      });
    } finally {
      await port.close();
    }
  });
});
