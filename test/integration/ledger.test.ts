import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { appendAuditEntry } from '../../src/audit/log.js';
import { loadSigningKey } from '../../src/audit/keys.js';
import { homePaths } from '../../src/cli/paths.js';
import { openStore } from '../../src/store/db.js';
import { runCli } from '../helpers/cli.js';
import { insertAnalytics, insertEvents, queryStore, writeConfig, ZONE_ID, type SeedEvent, useInitialisedHome } from '../helpers/store.js';
import { DESTRUCTION_METHODS } from '../../src/policy/destruction-methods.js';

const DAY = 86_400_000;
let dir: string;
let home: string;
let env: Record<string, string>;
useInitialisedHome('controller: "Luxeret Co., Ltd."\nretention:\n  firewall_events: 30d\n  http_analytics: 30d\n', (made) => ({ dir, home, env } = made));

const store = () => join(home, 'luxeret.db');

function seed(now: Date, perDay = 5): SeedEvent[] {
  const events: SeedEvent[] = [];
  for (let day = 0; day < 60; day++) {
    for (let i = 0; i < perDay; i++) {
      const n = day * perDay + i;
      events.push({
        zone: ZONE_ID,
        at: new Date(now.getTime() - day * DAY - 3_600_000),
        ray: `ray${n}`,
        ip: `198.18.${day}.${i}`,
        country: ['KR', 'US'][i % 2]!,
      });
    }
  }
  return events;
}

interface StoredEntry {
  seq: number;
  hash: string;
  event: string;
  location: string | null;
  time: string;
  counts: Record<string, number> | null;
}
const readLog = () =>
  queryStore<{ seq: number; entry: string; hash: string }>(store(), 'SELECT seq, entry, hash FROM audit_log ORDER BY seq').map((row) => ({
    ...(JSON.parse(row.entry) as StoredEntry),
    stored_hash: row.hash,
  }));

/** Entries as later issues write them: a Cloudflare deletion and a subject erasure, signed with the home's key. */
function appendLaterKindsOfDestruction(reason: string): void {
  const db = openStore(store());
  try {
    const signer = { privateKey: loadSigningKey(homePaths(home).signingKey), actor: 'officer@luxeret', now: () => new Date() };
    appendAuditEntry(db, signer, {
      event: 'cloudflare.delete.outcome',
      command: 'purge',
      location: 'cloudflare/access-rules',
      counts: { planned: 3, deleted: 3, held: 0, failed: 0, before: 10, after: 7 },
      retention_rule: 'retention.access_rules=90d',
      details: { method: 'Cloudflare API DELETE, re-query verified', oldest_record: '2026-01-02T03:04:05Z' },
    });
    appendAuditEntry(db, signer, {
      event: 'subject.erase.outcome',
      command: 'subject erase',
      location: 'local/firewall-events',
      counts: { deleted: 4, before: 100, after: 96 },
      reason,
      subjects: ['hmac-sha256:' + 'ab'.repeat(32)],
      details: { method: 'SQLite DELETE with secure_delete' },
    });
    // Destroyed nothing: not a ledger row.
    appendAuditEntry(db, signer, { event: 'cloudflare.delete.outcome', command: 'purge', location: 'cloudflare/list-items', counts: { deleted: 0 } });
  } finally {
    db.close();
  }
}

describe('destruction ledger', () => {
  it('has one row per destruction, Korean headers by default, and each row references its signed audit entry', async () => {
    const now = new Date();
    insertEvents(store(), seed(now));
    insertAnalytics(store(), [{ zone: ZONE_ID, hour: new Date(now.getTime() - 40 * DAY), ip: '198.18.200.1', country: 'KR', requests: 5 }]);
    expect((await runCli(['hold', 'add', '--ip', '192.0.2.0/24', '--reason', 'Police request'], { env })).code).toBe(0);
    expect((await runCli(['purge'], { env })).code).toBe(0);
    expect((await runCli(['purge'], { env })).code).toBe(0); // nothing due: no destruction
    writeConfig(home, 'controller: "Luxeret Co., Ltd."\nretention:\n  firewall_events: 20d\n  http_analytics: 30d\n');
    expect((await runCli(['purge'], { env })).code).toBe(0);
    appendLaterKindsOfDestruction('=HYPERLINK("http://x")|pipe <script>alert(1)</script>');

    const log = readLog();
    const destructions = log.filter((e) => e.event.endsWith('.outcome') && (e.counts?.['deleted'] ?? 0) > 0);
    expect(destructions.map((e) => [e.event, e.location])).toEqual([
      ['purge.outcome', 'local/firewall-events'],
      ['purge.outcome', 'local/http-analytics'],
      ['purge.outcome', 'local/firewall-events'],
      ['cloudflare.delete.outcome', 'cloudflare/access-rules'],
      ['subject.erase.outcome', 'local/firewall-events'],
    ]);

    const json = JSON.parse((await runCli(['ledger', '--format', 'json'], { env })).stdout);
    expect(json.controller).toBe('Luxeret Co., Ltd.');
    expect(json.title).toBe('개인정보파일 파기 관리대장');
    expect(json.rows).toHaveLength(destructions.length);
    json.rows.forEach((row: Record<string, unknown>, i: number) => {
      const entry = destructions[i]!;
      expect(row['no']).toBe(i + 1);
      expect(row['audit_seq']).toBe(entry.seq);
      expect(row['audit_hash']).toBe(entry.hash);
      expect(row['audit_hash']).toBe(entry.stored_hash);
      expect(row['destroyed_at']).toBe(entry.time.replace(/\.\d{3}Z$/, 'Z'));
      expect(row['deleted']).toBe(entry.counts!['deleted']);
      expect(row['location']).toBe(entry.location);
      expect(row['approver']).toBeNull();
    });
    expect(json.rows[0]).toMatchObject({
      kind: 'retention',
      scope: 'local',
      retention_rule: 'retention.firewall_events=30d',
      deleted: 30 * 5,
      before: 60 * 5,
      after: 30 * 5,
      items: ['ip_address', 'country', 'asn', 'time', 'ray_id', 'host', 'action', 'rule'],
    });
    expect(json.rows[0].method).toContain('secure_delete');
    expect(json.rows[0].created).toBe(new Date(Math.floor((now.getTime() - 59 * DAY - 3_600_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(json.rows[3]).toMatchObject({ kind: 'retention', scope: 'cloudflare', method: 'Cloudflare API DELETE, re-query verified', before: 10, after: 7 });
    expect(json.rows[4]).toMatchObject({ kind: 'subject_request', scope: 'local', deleted: 4 });
    // Each row's hash is the hash of its entry's canonical bytes (what the signature covers), recomputed here.
    const stored = queryStore<{ seq: number; entry: string }>(store(), 'SELECT seq, entry FROM audit_log');
    for (const row of json.rows as { audit_seq: number; audit_hash: string }[]) {
      const { hash: _hash, signature: _signature, ...signed } = JSON.parse(stored.find((s) => s.seq === row.audit_seq)!.entry) as Record<string, unknown>;
      expect(row.audit_hash).toBe('sha256:' + createHash('sha256').update(canonicalJson(signed)).digest('hex'));
    }
    // The signed log still verifies: the ledger is a view of it, nothing more.
    const verify = await runCli(['audit', 'verify', '--json'], { env });
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout).ok).toBe(true);

    // CSV: BOM, Korean headers by default and with --lang ko, English with --lang en; formula cells defused.
    const csv = (await runCli(['ledger', '--format', 'csv'], { env })).stdout;
    expect(csv.startsWith('\uFEFF번호,개인정보 파일명,자료의 종류,생성일,폐기일,폐기사유,처리담당자,처리부서장,')).toBe(true);
    expect(csv).toContain('감사 로그 번호,감사 로그 해시\r\n');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + destructions.length);
    expect((await runCli(['ledger', '--format', 'csv', '--lang', 'ko'], { env })).stdout).toBe(csv);
    expect(csv).toContain(`,${destructions[0]!.seq},${destructions[0]!.hash}\r\n`);
    expect(csv).toContain('보유기간 경과 (retention.firewall_events=30d)');
    expect(csv).toContain('"정보주체의 삭제 요구 (개인정보 보호법 제36조): =HYPERLINK(""http://x"")|pipe <script>alert(1)</script>"');
    const en = (await runCli(['ledger', '--format', 'csv', '--lang', 'en'], { env })).stdout;
    expect(en.startsWith('\uFEFFNo.,Personal data file,Data items,Created (oldest record),Destroyed,Reason,Handled by,Head of department,')).toBe(true);

    // Markdown: one table row per destruction, pipes escaped so the cell stays one cell.
    const md = (await runCli(['ledger', '--format', 'md'], { env })).stdout;
    expect(md).toContain('# 개인정보파일 파기 관리대장');
    expect(md).toContain('| 번호 | 개인정보 파일명 | 자료의 종류 | 생성일 | 폐기일 | 폐기사유 | 처리담당자 | 처리부서장 |');
    const tableRows = md.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    expect(tableRows).toHaveLength(destructions.length);
    const columns = (line: string) => line.split(/(?<!\\)\|/).length;
    for (const line of tableRows) expect(columns(line)).toBe(columns(md.split('\n').find((l) => l.startsWith('| 번호'))!));
    expect(md).toContain('\\|pipe &lt;script&gt;');

    // HTML: self-contained, printable, escaped, with a signature line; --output writes a private file.
    const out = await runCli(['ledger', '--format', 'html', '--lang', 'en', '--output', 'ledger.html'], { env, cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('');
    const html = readFileSync(join(dir, 'ledger.html'), 'utf8');
    expect(statSync(join(dir, 'ledger.html')).mode & 0o777).toBe(0o600);
    expect(html).toContain('size: A4 landscape');
    expect(html).toContain('<th scope="col">Head of department</th>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/(?:src|href)=/);
    expect(html).toContain('(signature)');
    expect(html.match(/<tr>/g)).toHaveLength(1 + destructions.length);

    // No purged IP in the ledger (the log holds none; the ledger adds none).
    for (const text of [csv, en, md, html, JSON.stringify(json)]) expect(text).not.toMatch(/198\.18\.|192\.0\.2\./);
  });

  it('stays Korean under an English locale; lang: en in the config makes it English, and --lang overrides that', async () => {
    const english = join(dir, 'english.yaml');
    writeFileSync(english, 'controller: "Luxeret Co., Ltd."\nlang: en\n');
    const header = async (argv: string[], extraEnv: Record<string, string> = {}) =>
      (await runCli([...argv, 'ledger', '--format', 'csv'], { env: { ...env, ...extraEnv } })).stdout.split('\r\n')[0];
    expect(await header([], { LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' })).toMatch(/^\uFEFF번호,/);
    expect(await header(['--config', english])).toMatch(/^\uFEFFNo\.,/);
    expect((await runCli(['--config', english, 'ledger', '--format', 'csv', '--lang', 'ko'], { env })).stdout).toMatch(/^\uFEFF번호,/);
  });

  it('has a row for a real subject erasure, referencing its signed entry', async () => {
    const now = new Date();
    insertEvents(store(), seed(now));
    expect((await runCli(['subject', 'erase', '--ip', '198.18.3.0/24'], { env })).code).toBe(0);
    const [erasure] = readLog().filter((e) => e.event === 'subject.erase.outcome' && (e.counts?.['deleted'] ?? 0) > 0);
    const json = JSON.parse((await runCli(['ledger', '--format', 'json'], { env })).stdout);
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0]).toMatchObject({
      kind: 'subject_request',
      location: 'local/firewall-events',
      deleted: 5,
      audit_seq: erasure!.seq,
      audit_hash: erasure!.hash,
    });
    const csv = (await runCli(['ledger', '--format', 'csv'], { env })).stdout;
    expect(csv).toContain('정보주체의 삭제 요구 (개인정보 보호법 제36조)');
    // 파기 방법 in the ledger's words (Enforcement Decree Art. 16); the JSON keeps the text the signed entry holds.
    expect(csv).toContain('"복원이 불가능한 방법으로 영구 삭제: ');
    expect(json.rows[0].method).toBe(DESTRUCTION_METHODS.localSecure);
    expect((await runCli(['ledger', '--format', 'csv', '--lang', 'en'], { env })).stdout).toContain(`${json.rows[0].method as string}`);
    expect(csv).not.toMatch(/198\.18\./);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
  });

  it('--from/--to select destructions by time; an empty period says so', async () => {
    const now = new Date();
    insertEvents(store(), seed(now));
    expect((await runCli(['purge'], { env })).code).toBe(0);
    const [entry] = readLog().filter((e) => e.event === 'purge.outcome');
    const at = new Date(entry!.time);
    const inRange = JSON.parse(
      (await runCli(['ledger', '--format', 'json', '--from', at.toISOString(), '--to', new Date(at.getTime() + 1).toISOString()], { env })).stdout,
    );
    expect(inRange.rows).toHaveLength(1);
    const after = await runCli(['ledger', '--format', 'md', '--lang', 'en', '--from', new Date(at.getTime() + 1).toISOString()], { env });
    expect(after.stdout).toContain('No destruction was recorded in this period.');
    const before = JSON.parse((await runCli(['ledger', '--format', 'json', '--to', at.toISOString()], { env })).stdout);
    expect(before.rows).toEqual([]);
    const bad = await runCli(['ledger', '--from', 'last week'], { env });
    expect(bad.code).toBe(2);
    expect((await runCli(['ledger', '--format', 'pdf'], { env })).code).toBe(2);
    const help = await runCli(['ledger', '--help'], { env });
    expect(help.stdout + help.stderr).toContain('byte order mark');
  });
});
