import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/cli.js';

let cleanup = () => {};
afterEach(() => cleanup());

describe('demo', () => {
  it('runs init → pull → inventory → purge → audit verify → ledger against the bundled emulator, leaving the report and ledger', async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    // No token and no base URL: the demo brings its own emulator and must not need either. An operator's shell may
    // name the production store: the demo must not touch it (here it is unreachable, so using it would fail init).
    const production = 'postgres://operator:db-secret@127.0.0.1:1/production';
    const result = await runCli(['demo'], { cwd: temp.dir, env: { HOME: temp.dir, LUXERET_DATABASE_URL: production } });
    expect(result.stderr).not.toMatch(/exited \d+/);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('LUXERET_DATABASE_URL is set; the demo leaves that database alone');
    expect(result.stdout).not.toContain('postgres://');
    expect(result.stdout + result.stderr).not.toContain('db-secret');
    for (const step of ['init', 'pull', 'inventory', 'purge --dry-run', 'purge', 'audit verify', 'ledger --format md']) {
      expect(result.stdout).toContain(`$ luxeret-privacy ${step}`);
    }
    // The Logpush archive on the demo's own S3 server: reported, and its objects past the shortened retention deleted.
    expect(result.stdout).toMatch(/archive\/firewall-logpush: \d+ object\(s\), \d+ bytes in cf-logs\/firewall\//);
    expect(result.stdout).toContain('archive/firewall-logpush: written by Logpush job 100');
    const archiveRows = [...result.stdout.matchAll(/│ archive\/firewall-logpush *│ [^│]+│ [^│]+│ (\d+) *│ \d+ *│ (\d+) *│ (\d+) *│/g)];
    expect(archiveRows).toHaveLength(2);
    const [dryRun, purge] = archiveRows.map((row) => ({ planned: Number(row[1]), deleted: Number(row[2]), failed: Number(row[3]) }));
    expect(dryRun!.planned).toBeGreaterThan(100);
    expect(dryRun!.deleted).toBe(0);
    expect(purge).toEqual({ planned: dryRun!.planned, deleted: dryRun!.planned, failed: 0 });
    expect(result.stdout + result.stderr).not.toContain('S3RVER');
    const deleted = /Deleted (\d+) of (\d+) planned record/.exec(result.stdout);
    expect(Number(deleted?.[1])).toBeGreaterThan(1000);
    expect(deleted?.[1]).toBe(deleted?.[2]);
    expect(result.stdout).toMatch(/OK: .* entries intact/);
    const report = join(temp.dir, 'luxeret-demo-report.html');
    const ledger = join(temp.dir, 'luxeret-demo-ledger.html');
    expect(existsSync(report) && existsSync(ledger)).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain('<svg');
    expect(readFileSync(ledger, 'utf8')).toContain('local/firewall-events');
    expect(result.stdout + result.stderr).not.toMatch(/secret-access-key=(?!REDACTED)/);
  }, 120_000);
});
