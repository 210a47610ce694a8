import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditEntry } from '../../src/audit/entry.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { appendAuditEntry, type AuditEntry } from '../../src/audit/log.js';
import { openStore } from '../../src/store/db.js';
import { makeTempDir, runCli } from '../helpers/cli.js';

// One operator home with a real store, real key files and a log of 12 entries, shared by the read-only tests.
const operator = makeTempDir();
const home = join(operator.dir, 'home');
const env = { LUXERET_HOME: home };
const exportPath = join(operator.dir, 'audit.jsonl');
const publicKeyPath = join(operator.dir, 'audit-public.pem');
let exportLines: string[];

beforeAll(async () => {
  expect((await runCli(['init'], { env })).code).toBe(0);
  const db = openStore(join(home, 'luxeret.db'));
  const signer = { privateKey: loadSigningKey(join(home, 'keys', 'audit-signing-key.pem')), actor: 'ops@host', now: () => new Date('2026-11-01T03:00:00Z') };
  for (let i = 0; i < 6; i++) {
    appendAuditEntry(db, signer, {
      event: 'purge.intent',
      command: 'purge',
      run_id: `run-${i}`,
      location: 'local/firewall-events',
      counts: { planned: 10 * i },
    });
    appendAuditEntry(db, signer, {
      event: 'purge.outcome',
      command: 'purge',
      run_id: `run-${i}`,
      location: 'local/firewall-events',
      counts: { planned: 10 * i, deleted: 10 * i, held: 1 },
      retention_rule: 'retention.firewall_events=30d',
      reason: 'Retention ended (한국어 ✓ "quoted")',
    });
  }
  db.close();
  expect((await runCli(['hold', 'add', '--ip', '203.0.113.5', '--reason', 'Police request', '--reference', 'KNPA-1'], { env })).code).toBe(0);
  expect((await runCli(['audit', 'export', '--output', exportPath], { env })).code).toBe(0);
  expect((await runCli(['keys', 'public', '--output', publicKeyPath], { env })).code).toBe(0);
  exportLines = readFileSync(exportPath, 'utf8').trimEnd().split('\n');
});
afterAll(() => operator.cleanup());

/** Verifies a tampered copy of the export on a fresh home that has nothing but the file and the public key. */
async function verifyLines(lines: string[], extra: string[] = []) {
  const auditor = makeTempDir();
  try {
    const file = join(auditor.dir, 'audit.jsonl');
    writeFileSync(file, lines.map((line) => line + '\n').join(''));
    return await runCli(['audit', 'verify', '--file', file, '--public-key', publicKeyPath, ...extra], { env: { LUXERET_HOME: join(auditor.dir, 'home') } });
  } finally {
    auditor.cleanup();
  }
}

const entryLines = () => exportLines.slice(0, -1);
const headLine = () => exportLines[exportLines.length - 1]!;

describe('audit verify', () => {
  it('passes the store of the operator', async () => {
    const result = await runCli(['audit', 'verify'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^OK: .*luxeret\.db: 14 entries intact .*signed head checkpoint matches/);
  });

  it('passes the untouched export on a fresh home with only the export and the public key', async () => {
    const result = await verifyLines(exportLines, ['--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      entries: 14,
      errors: [],
      head: 'verified',
      genesis: 'verified',
      public_key_fingerprint: expect.stringMatching(/^SHA256:[0-9a-f]{64}$/),
    });
  });

  it('writes a final head line and one canonical entry per line', () => {
    expect(exportLines).toHaveLength(15);
    expect(JSON.parse(headLine())).toMatchObject({ type: 'head', v: 1, count: 14 });
    for (const line of entryLines()) expect(canonicalJson(JSON.parse(line))).toBe(line);
  });

  it('holds no raw IP: a hold on an IP appears as a keyed hash only', () => {
    const text = readFileSync(exportPath, 'utf8');
    expect(text).not.toContain('203.0.113');
    const hold = JSON.parse(entryLines()[13]!) as AuditEntry;
    expect(hold).toMatchObject({ event: 'hold.add', subjects: [expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/)] });
  });

  it('names an entry with one flipped byte', async () => {
    const lines = [...entryLines(), headLine()];
    lines[5] = lines[5]!.replace('"planned":20', '"planned":21');
    const result = await verifyLines(lines);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^BROKEN: .*\nFirst broken entry: seq 6 \(line 6\): content does not match its hash or its signature: the entry was edited\nKey: SHA256:[0-9a-f]{64} \(the key given\)\n$/,
    );
  });

  it('names an edited field even when the hash was recomputed', async () => {
    const lines = [...entryLines(), headLine()];
    const entry = JSON.parse(lines[7]!) as AuditEntry;
    const forged = buildAuditEntry(
      { seq: 7, hash: entry.prev_hash },
      { privateKey: generateKeyPairSync('ed25519').privateKey, actor: entry.actor, now: () => new Date(entry.time) },
      { ...entry, counts: { deleted: 0 } },
    );
    lines[7] = canonicalJson({ ...forged, signature: entry.signature });
    const result = await verifyLines(lines, ['--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; errors: { entry: number; reason: string }[] };
    expect(result.code).toBe(1);
    expect(report.errors[0]).toMatchObject({ entry: 8, reason: expect.stringContaining('signature does not verify') });
    expect(report.errors[1]).toMatchObject({ entry: 9, reason: expect.stringContaining('prev_hash does not match') });
  });

  it('names a deleted entry', async () => {
    const lines = [...entryLines(), headLine()];
    lines.splice(5, 1);
    const result = await verifyLines(lines);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('First broken entry: seq 7 (line 6): sequence gap: expected seq 6, found 7 (seq 6 missing: deleted?)');
  });

  it('names reordered entries', async () => {
    const lines = [...entryLines(), headLine()];
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    const result = await verifyLines(lines);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('First broken entry: seq 4 (line 3): sequence gap: expected seq 3, found 4');
    expect(result.stdout).toContain('seq 3 (line 4): out of order');
  });

  it('names an entry inserted with another key', async () => {
    const lines = entryLines();
    const previous = JSON.parse(lines[13]!) as AuditEntry;
    const intruder = { privateKey: generateKeyPairSync('ed25519').privateKey, actor: 'ops@host', now: () => new Date('2026-11-02T00:00:00Z') };
    const inserted = buildAuditEntry(previous, intruder, { event: 'hold.release', command: 'hold release', reason: 'quietly' });
    const result = await verifyLines([...lines, canonicalJson(inserted), headLine()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('First broken entry: seq 15 (line 15): signature does not verify with this public key: edited, or signed with another key');
  });

  it('detects a truncated tail through the signed head', async () => {
    const result = await verifyLines([...entryLines().slice(0, 11), headLine()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /First broken entry: seq 12 \(line 11\): truncated tail: the signed head checkpoint \(.*\) records 14 entries, the log ends at seq 11 \(seq 12–14 missing\)/,
    );
  });

  it('detects a tail truncated together with its head line', async () => {
    const result = await verifyLines(entryLines().slice(0, 11));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no signed head checkpoint: a truncated tail cannot be ruled out');
  });

  it('checks a head lodged elsewhere earlier', async () => {
    const auditor = makeTempDir();
    try {
      const lodged = join(auditor.dir, 'head.json');
      writeFileSync(lodged, headLine() + '\n');
      expect((await verifyLines(exportLines, ['--head', lodged])).code).toBe(0);
    } finally {
      auditor.cleanup();
    }
  });

  it('detects a tail truncated in the store and refuses to extend it', async () => {
    const copy = makeTempDir();
    try {
      const copyHome = join(copy.dir, 'home');
      expect((await runCli(['init'], { env: { LUXERET_HOME: copyHome } })).code).toBe(0);
      const db = openStore(join(copyHome, 'luxeret.db'));
      const signer = { privateKey: loadSigningKey(join(copyHome, 'keys', 'audit-signing-key.pem')), actor: 'ops@host', now: () => new Date() };
      for (let i = 0; i < 3; i++) appendAuditEntry(db, signer, { event: 'hold.add', command: 'hold add' });
      db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
      db.close();
      const result = await runCli(['audit', 'verify', '--json'], { env: { LUXERET_HOME: copyHome } });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        ok: false,
        entries: 3,
        head: 'broken',
        errors: [{ entry: 4, reason: expect.stringContaining('truncated tail') }],
      });
    } finally {
      copy.cleanup();
    }
  });

  it.each([
    ['an empty export', () => [], 'seq 0 (line 0): no genesis: the log is empty; it may have been wiped'],
    ['an export without its genesis line', () => exportLines.slice(1), 'seq 2 (line 1): no genesis: its first entry is a "purge.intent" entry'],
  ])('calls %s broken: no genesis', async (_name, lines, first) => {
    const result = await verifyLines(lines());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`First broken entry: ${first}`);
  });

  it.each([
    [
      'a duplicate key placed before the real one',
      (line: string) => line.replace('"reason":', '"reason":"FORGED: nothing was deleted","reason":'),
      'not in canonical form',
    ],
    ['1e999', (line: string) => line.replace('"seq":', '"x":1e999,"seq":'), 'cannot be canonicalised: Infinity is not allowed'],
    ['non-canonical spacing', (line: string) => line.replace('","', '", "'), 'not in canonical form'],
  ])('names a line with %s as broken (exit 1, not a crash)', async (_name, tamper, reason) => {
    const lines = [...exportLines];
    lines[6] = tamper(lines[6]!);
    expect(lines[6]).not.toBe(exportLines[6]);
    const result = await verifyLines(lines);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(result.stdout).toContain(`First broken entry: seq 7 (line 7): ${reason}`);
  });

  it('calls a wiped store broken and refuses to start a new chain in it', async () => {
    const copy = makeTempDir();
    try {
      const copyEnv = { LUXERET_HOME: join(copy.dir, 'home') };
      expect((await runCli(['init'], { env: copyEnv })).code).toBe(0);
      expect((await runCli(['hold', 'add', '--ip', '203.0.113.0/24', '--reason', 'Police request'], { env: copyEnv })).code).toBe(0);
      const db = openStore(join(copy.dir, 'home', 'luxeret.db'));
      db.exec('DELETE FROM audit_log; DELETE FROM audit_head;');
      db.close();
      const verified = await runCli(['audit', 'verify'], { env: copyEnv });
      expect(verified.code).toBe(1);
      expect(verified.stdout).toContain('no genesis: the log is empty; it may have been wiped');
      const added = await runCli(['hold', 'add', '--ip', '198.51.100.0/24', '--reason', 'Police request'], { env: copyEnv });
      expect(added.code).toBe(7);
      expect(added.stderr).toContain('The audit log has lost its genesis entry (seq 1): it may have been wiped; refusing to append');
      expect((await runCli(['init'], { env: copyEnv })).code).toBe(7);
    } finally {
      copy.cleanup();
    }
  });

  it('is a usage-free failure when the export is missing', async () => {
    const result = await runCli(['audit', 'verify', '--file', join(operator.dir, 'nope.jsonl'), '--public-key', publicKeyPath], { env });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('Could not read the audit export');
  });
});

describe('audit show', () => {
  it('prints a table and JSON, optionally since a time', async () => {
    const table = await runCli(['audit', 'show'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('purge.outcome');
    expect(table.stdout).toContain('deleted=50 held=1 planned=50');
    const json = await runCli(['audit', 'show', '--format', 'json', '--since', '2026-11-01T03:00:00Z'], { env });
    expect(JSON.parse(json.stdout)).toHaveLength(14);
    const later = await runCli(['audit', 'show', '--format', 'json', '--since', '2026-11-01T03:00:00.001Z'], { env });
    expect((JSON.parse(later.stdout) as AuditEntry[]).map((e) => e.event)).toEqual(['audit.genesis', 'hold.add']);
    const none = await runCli(['audit', 'show', '--since', '2099-01-01T00:00:00Z'], { env });
    expect(none.stdout).toBe('The audit log has no entries in that range.\n');
  });

  it('rejects a bad --since with exit 2', async () => {
    const result = await runCli(['audit', 'show', '--since', 'yesterday'], { env });
    expect(result.code).toBe(2);
  });
});

describe('keys public', () => {
  it('prints the PEM and its fingerprint', async () => {
    const result = await runCli(['keys', 'public'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Fingerprint: SHA256:[0-9a-f]{64}\n-----BEGIN PUBLIC KEY-----\n.*\n-----END PUBLIC KEY-----\n$/s);
    expect(result.stdout).toContain(readFileSync(publicKeyPath, 'utf8'));
  });

  it.each([
    ['keys', 'public'],
    ['audit', 'verify'],
    ['audit', 'export'],
    ['audit', 'show'],
  ])('%s %s --help has an example', async (...argv) => {
    const result = await runCli([...argv, '--help'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples?:\n  luxeret-privacy /);
  });
});
