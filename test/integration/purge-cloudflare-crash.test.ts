import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '@luxeret/cloudflare-emulator';
import { runCli } from '../helpers/cli.js';
import { queryStore } from '../helpers/store.js';
import { addHolds, emulatorObjectIds, locationOf, seedCloudflare, startPurgeHome, type PurgeHome, without } from './purge-cloudflare-fixture.js';
import { childEnv } from '../helpers/child-env.js';
import { sourceCliArgs } from '../helpers/source-cli.js';

let ctx: PurgeHome;
let home: string;
let env: Record<string, string>;
let emulator: Emulator;

beforeEach(async () => {
  ctx = await startPurgeHome(5000);
  ({ home, env, emulator } = ctx);
});
afterEach(() => ctx.close());

const store = () => join(home, 'luxeret.db');
const location = locationOf;

describe('Cloudflare purge killed mid-way', () => {
  const auditEvents = (): { event: string; location: string | null }[] => {
    try {
      return queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq').map(
        (r) => JSON.parse(r.entry) as { event: string; location: string | null },
      );
    } catch {
      return []; // the child is mid-write; look again
    }
  };
  const KILL_POINTS: [string, (events: { event: string; location: string | null }[]) => boolean][] = [
    ['while deleting access rules', (events) => events.some((e) => e.event === 'cloudflare.delete.intent' && e.location === 'cloudflare/access-rules')],
    ['while bulk-deleting list items', (events) => events.some((e) => e.event === 'cloudflare.delete.intent' && e.location === 'cloudflare/list-items')],
  ];

  it.each(KILL_POINTS)(
    'SIGKILL %s, then a re-run ends in exactly the expected state with a verifiable log',
    async (_, isReached) => {
      const fixture = seedCloudflare(emulator, store(), new Date(), { bulkRules: 60, bulkItems: 300 });
      await addHolds(env, fixture);
      // Slow enough to land the kill mid-way: a little latency per request, small list-item batches.
      emulator.state.faults.rest.latency = 1;
      emulator.state.faults.rest.latencyMs = 15;
      emulator.state.behaviour.bulkOperationStepMs = 150;
      const before = emulatorObjectIds(emulator);
      const child = spawn(process.execPath, sourceCliArgs(['purge', '--quiet']), {
        env: childEnv({ ...env, LUXERET_LIST_ITEM_BUDGET: '200/1s' }),
        stdio: 'ignore',
      });
      const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let exited = false;
      void done.then(() => (exited = true));
      for (let i = 0; i < 3000 && !exited && !isReached(auditEvents()); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(exited).toBe(false);
      child.kill('SIGKILL');
      await done;
      const partial = emulatorObjectIds(emulator);
      // Mid-way: some of the plan may be gone, not all of it.
      expect(partial.rules.length + partial.items.length).toBeGreaterThan(
        before.rules.length + before.items.length - fixture.expectedRuleDeletes.length - fixture.expectedItemDeletes.length,
      );

      emulator.state.faults.rest.latency = 0;
      const rerun = await runCli(['purge', '--json'], { env });
      expect(rerun.stderr).not.toContain('error');
      expect(rerun.code).toBe(0);
      expect(JSON.parse(rerun.stdout).reconciled).toBeGreaterThanOrEqual(1);
      const after = emulatorObjectIds(emulator);
      expect(after.rules).toEqual(without(before.rules, fixture.expectedRuleDeletes));
      expect(after.items).toEqual(without(before.items, fixture.expectedItemDeletes));

      const verify = await runCli(['audit', 'verify', '--json'], { env });
      expect(JSON.parse(verify.stdout).ok).toBe(true);
      const entries = queryStore<{ entry: string }>(store(), 'SELECT entry FROM audit_log ORDER BY seq').map(
        (r) => JSON.parse(r.entry) as { event: string; run_id: string | null; counts: Record<string, number> },
      );
      for (const intent of entries.filter((e) => e.event.endsWith('.intent'))) {
        expect(entries.some((e) => e.run_id === intent.run_id && !e.event.endsWith('.intent'))).toBe(true);
      }
      const reconciled = entries.filter((e) => e.event === 'cloudflare.delete.reconciled');
      expect(reconciled.length).toBeGreaterThanOrEqual(1);
      // Every planned object is accounted for: deleted by the killed run (found by re-query) or by the re-run.
      const deletedByRerun = entries.filter((e) => e.event === 'cloudflare.delete.outcome').reduce((n, e) => n + (e.counts['deleted'] ?? 0), 0);
      expect(deletedByRerun).toBeLessThanOrEqual(fixture.expectedRuleDeletes.length + fixture.expectedItemDeletes.length);
      // Nothing left to do.
      const again = JSON.parse((await runCli(['purge', '--dry-run', '--json'], { env })).stdout);
      expect(location(again, 'cloudflare/access-rules').planned + location(again, 'cloudflare/list-items').planned).toBe(0);
    },
    40_000,
  );
});
