import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { queryStore } from '../helpers/store.js';
import { emulatorObjectIds, seedCloudflare, startPurgeHome, type PurgeHome } from './purge-cloudflare-fixture.js';

// README "Exit codes": 3 is a Cloudflare failure after retries (bad token, exhausted 429/5xx, malformed response),
// over REST as over GraphQL, in every command that reads or deletes in Cloudflare.
let ctx: PurgeHome;
beforeEach(async () => {
  ctx = await startPurgeHome(5000);
});
afterEach(() => ctx.close());
const store = () => join(ctx.home, 'luxeret.db');
const outcomes = () => queryStore<{ n: number }>(store(), `SELECT COUNT(*) AS n FROM audit_log WHERE entry LIKE '%"event":"purge.outcome"%'`)[0]!.n;

function disableToken(): void {
  for (const token of ctx.emulator.state.tokens.values()) token.status = 'disabled';
}

describe('a Cloudflare REST failure after retries ends in exit 3 where the whole Cloudflare side failed', () => {
  it.each([
    ['every REST answer a 5xx', () => void (ctx.emulator.state.faults.rest.serverError = 1)],
    ['a disabled token', disableToken],
  ])('purge, %s: exit 3, nothing deleted in Cloudflare, the local purge still done and audited', async (_name, fail) => {
    seedCloudflare(ctx.emulator, store(), new Date());
    const before = emulatorObjectIds(ctx.emulator);
    fail();
    const result = await runCli(['purge'], { env: ctx.env });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('bug');
    expect(emulatorObjectIds(ctx.emulator)).toEqual(before);
    expect(outcomes()).toBeGreaterThan(0);
  });

  it.each([
    ['subject show', ['subject', 'show', '--ip', '203.0.113.10', '--json'], 'subject.show'],
    ['subject erase', ['subject', 'erase', '--ip', '203.0.113.10', '--json'], 'subject.erase.intent'],
  ])('%s, every REST answer a 5xx: exit 3, nothing deleted in Cloudflare, the request still audited', async (_name, argv, event) => {
    seedCloudflare(ctx.emulator, store(), new Date());
    const before = emulatorObjectIds(ctx.emulator);
    ctx.emulator.state.faults.rest.serverError = 1;
    const result = await runCli(argv, { env: ctx.env });
    expect(result.code).toBe(3);
    expect(result.stderr).not.toContain('bug');
    expect(emulatorObjectIds(ctx.emulator)).toEqual(before);
    const audited = queryStore<{ n: number }>(store(), `SELECT COUNT(*) AS n FROM audit_log WHERE entry LIKE '%"event":"${event}"%'`)[0]!.n;
    expect(audited).toBe(1);
  });

  it('subject show with Cloudflare answering: not exit 3', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    expect((await runCli(['subject', 'show', '--ip', '203.0.113.10'], { env: ctx.env })).code).toBe(0);
  });

  it('inventory, every REST answer a 5xx: exit 3, and the report still lists every location', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    ctx.emulator.state.faults.rest.serverError = 1;
    const result = await runCli(['inventory', '--format', 'json'], { env: ctx.env });
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { locations: { id: string; status: string }[] };
    expect(report.locations.find((l) => l.id === 'local/firewall-events')?.status).toBe('ok');
    expect(report.locations.find((l) => l.id === 'cloudflare/access-rules')?.status).toBe('error');
  });

  it('inventory with a disabled token: exit 3 (every read refused, and the verify endpoints say the token is not active)', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    disableToken();
    const result = await runCli(['inventory', '--format', 'json'], { env: ctx.env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('does not accept CLOUDFLARE_API_TOKEN');
    const report = JSON.parse(result.stdout) as { locations: { id: string; status: string }[] };
    expect(report.locations.find((l) => l.id === 'cloudflare/access-rules')?.status).toBe('not_readable');
  });

  it('inventory with a token that lacks the permissions but is active: not exit 3 (the report says what is not readable)', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    for (const token of ctx.emulator.state.tokens.values()) token.permissions = ['Analytics Read'];
    const result = await runCli(['inventory', '--format', 'json'], { env: ctx.env });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('does not accept');
  });

  it('inventory and purge with Cloudflare answering: not exit 3', async () => {
    seedCloudflare(ctx.emulator, store(), new Date());
    expect((await runCli(['inventory', '--format', 'json'], { env: ctx.env })).code).toBe(0);
    expect((await runCli(['purge'], { env: ctx.env })).code).toBe(0);
  });
});
