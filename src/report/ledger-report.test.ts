import { describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/ledger.js';
import { renderLedgerCsv } from './ledger-csv.js';
import { renderLedgerHtml } from './ledger-html.js';
import { renderLedgerJson } from './ledger-json.js';
import { renderLedgerMarkdown } from './ledger-md.js';

/** Values as hostile as an audit entry can carry: formulas, quotes, commas, newlines, pipes, markup. */
function hostileLedger(): Ledger {
  return {
    generatedAt: new Date('2025-03-01T00:00:00Z'),
    from: new Date('2025-01-01T00:00:00Z'),
    to: undefined,
    controller: 'Luxeret <b>Co.</b>, "Ltd."',
    keyRotations: [{ auditSeq: 9, at: new Date('2025-02-01T00:00:00Z'), fingerprint: 'SHA256:' + 'ab'.repeat(32), reason: 'admin <left> | "gone"' }],
    rows: [
      {
        no: 1,
        location: 'local/firewall-events',
        fileName: 'local/firewall-events',
        items: ['ip_address', 'country'],
        createdAt: new Date('2024-12-01T10:00:00.000Z'),
        destroyedAt: new Date('2025-01-31T23:59:59.999Z'),
        kind: 'retention',
        scope: 'local',
        retentionRule: 'retention.firewall_events=30d',
        reason: null,
        actor: "=cmd|' /C calc'!A0",
        deleted: 10,
        before: 50,
        after: 40,
        method: 'SQLite DELETE, then "vacuum"',
        event: 'purge.outcome',
        auditSeq: 7,
        auditHash: 'sha256:' + 'a'.repeat(64),
      },
      {
        no: 2,
        location: 'cloudflare/list-items',
        fileName: 'cloudflare/list-items',
        items: ['ip_address', 'mystery'],
        createdAt: undefined,
        destroyedAt: new Date('2025-02-15T00:00:00Z'),
        kind: 'subject_request',
        scope: 'cloudflare',
        retentionRule: null,
        reason: 'two\nlines | <script>alert(1)</script> @SUM(1)',
        actor: '-ops@web1',
        deleted: 1,
        before: null,
        after: null,
        method: null,
        event: 'subject.erase.outcome',
        auditSeq: 9,
        auditHash: 'sha256:' + 'b'.repeat(64),
      },
      {
        no: 3,
        location: 'archive/firewall',
        // A prefix may hold commas, quotes and markup; the bucket cannot.
        fileName: 'logs-bucket/fw, "eu" <b>/',
        items: ['ip_address', 'ray_id'],
        createdAt: new Date('2025-01-01T00:00:00Z'),
        destroyedAt: new Date('2025-02-20T00:00:00Z'),
        kind: 'retention',
        scope: 'archive',
        retentionRule: 'archives.firewall.retention=30d',
        reason: null,
        actor: 'ops@web1',
        deleted: 22,
        before: null,
        after: null,
        method: 'S3 DeleteObjects (batches of up to 1,000) of whole Logpush archive objects past retention, then re-listed to confirm they are gone',
        event: 'archive.delete.outcome',
        auditSeq: 11,
        auditHash: 'sha256:' + 'c'.repeat(64),
      },
    ],
  };
}

describe('ledger CSV', () => {
  it('starts with a BOM, has Korean headers, quotes per RFC 4180 and defuses formulas', () => {
    const csv = renderLedgerCsv(hostileLedger(), { lang: 'ko' });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toMatchInlineSnapshot(`
      "번호,개인정보 파일명,자료의 종류,생성일,폐기일,폐기사유,처리담당자,처리부서장,파기 구분,보관 위치,파기 건수,파기 전 건수,파기 후 건수,파기 방법,감사 로그 번호,감사 로그 해시
      1,local/firewall-events,"IP 주소, 국가",2024-12-01T10:00:00Z,2025-01-31T23:59:59Z,보유기간 경과 (retention.firewall_events=30d),'=cmd|' /C calc'!A0,,보유기간 경과 (자체 저장소),local/firewall-events,10,50,40,"SQLite DELETE, then ""vacuum""",7,sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      2,cloudflare/list-items,"IP 주소, mystery",,2025-02-15T00:00:00Z,"정보주체의 삭제 요구 (개인정보 보호법 제36조): two
      lines | <script>alert(1)</script> @SUM(1)",'-ops@web1,,정보주체 삭제 요구 (Cloudflare),cloudflare/list-items,1,,,,9,sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
      3,"logs-bucket/fw, ""eu"" <b>/","IP 주소, Ray ID",2025-01-01T00:00:00Z,2025-02-20T00:00:00Z,보유기간 경과 (archives.firewall.retention=30d),ops@web1,,보유기간 경과 (S3/R2의 Cloudflare Logpush 보관 파일),archive/firewall,22,,,"S3 DeleteObjects로 보유기간이 지난 Logpush 보관 파일(객체) 전체를 삭제(한 번에 최대 1,000개), 다시 목록을 조회하여 삭제 확인",11,sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
      "
    `);
  });

  it('has English headers with --lang en', () => {
    expect(renderLedgerCsv(hostileLedger(), { lang: 'en' }).split('\r\n')[0]).toBe(
      '\uFEFFNo.,Personal data file,Data items,Created (oldest record),Destroyed,Reason,Handled by,Head of department,Kind,Location,Records destroyed,Records before,Records after,Method,Audit entry,Audit entry hash',
    );
  });
});

describe('ledger Markdown', () => {
  it('escapes pipes, markup and line breaks so each row stays one table row', () => {
    expect(renderLedgerMarkdown(hostileLedger(), { lang: 'en' })).toMatchInlineSnapshot(`
      "# Personal data destruction ledger

      - Controller: Luxeret &lt;b&gt;Co.&lt;/b&gt;, "Ltd."
      - Period: 2025-01-01T00:00:00Z – now
      - Generated: 2025-03-01T00:00:00Z
      - Destructions: 3

      | No. | Personal data file | Data items | Created (oldest record) | Destroyed | Reason | Handled by | Head of department | Kind | Location | Records destroyed | Records before | Records after | Method | Audit entry | Audit entry hash |
      | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
      | 1 | local/firewall-events | IP address, country | 2024-12-01T10:00:00Z | 2025-01-31T23:59:59Z | Retention period ended (retention.firewall\\_events=30d) | =cmd\\|' /C calc'!A0 |  | retention ended (own store) | local/firewall-events | 10 | 50 | 40 | SQLite DELETE, then "vacuum" | 7 | sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa |
      | 2 | cloudflare/list-items | IP address, mystery |  | 2025-02-15T00:00:00Z | Erasure requested by the data subject (PIPA Art. 36): two<br>lines \\| &lt;script&gt;alert(1)&lt;/script&gt; @SUM(1) | -ops@web1 |  | data subject request (Cloudflare) | cloudflare/list-items | 1 |  |  |  | 9 | sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb |
      | 3 | logs-bucket/fw, "eu" &lt;b&gt;/ | IP address, Ray ID | 2025-01-01T00:00:00Z | 2025-02-20T00:00:00Z | Retention period ended (archives.firewall.retention=30d) | ops@web1 |  | retention ended (Cloudflare Logpush archive in S3/R2) | archive/firewall | 22 |  |  | S3 DeleteObjects (batches of up to 1,000) of whole Logpush archive objects past retention, then re-listed to confirm they are gone | 11 | sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc |

      - Audit signing key rotated: #9 2025-02-01T00:00:00Z → SHA256:abababababababababababababababababababababababababababababababab (admin &lt;left&gt; \\| "gone")

      Each row's audit entry number and hash must match the signed audit log: luxeret-privacy audit verify

      Handled by: ____________________ (signature)    Head of department: ____________________ (signature)    Date: ____________
      "
    `);
  });
});

describe('ledger HTML', () => {
  const html = renderLedgerHtml(hostileLedger(), { lang: 'ko' });

  it('is self-contained and printable on A4 landscape, with a signature line', () => {
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="ko">/);
    expect(html).toContain('@page { size: A4 landscape;');
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).not.toMatch(/<script|<link|<img|\b(?:src|href)=/i);
    expect(html).toContain('<h1>개인정보파일 파기 관리대장</h1>');
    expect(html).toContain(
      '<div class="signatures"><div>처리담당자<span class="line"></span>(서명)</div><div>처리부서장<span class="line"></span>(서명)</div>',
    );
  });

  it('escapes every value', () => {
    expect(html).toContain('two\nlines | &lt;script&gt;alert(1)&lt;/script&gt; @SUM(1)');
    expect(html).toContain('Luxeret &lt;b&gt;Co.&lt;/b&gt;, &quot;Ltd.&quot;');
    expect(html).toContain('<td>=cmd|&#39; /C calc&#39;!A0</td>');
    expect(html.match(/<tr>/g)).toHaveLength(4);
    // An archive row: 개인정보 파일명 is its bucket/prefix, 보관 위치 its archive/<name>, in this order.
    expect(html).toContain('<tr><td class="num">3</td><td>logs-bucket/fw, &quot;eu&quot; &lt;b&gt;/</td>');
    expect(html).toMatch(/S3\/R2의 Cloudflare Logpush 보관 파일\)<\/td><td>archive\/firewall<\/td><td class="num">22<\/td>/);
    expect(html).toContain('<col style="width: 7%">');
  });

  it('says so when nothing was destroyed', () => {
    expect(renderLedgerHtml({ ...hostileLedger(), rows: [] }, { lang: 'en' })).toContain('<p>No destruction was recorded in this period.</p>');
  });
});

describe('ledger JSON', () => {
  it('keeps a stable key order with ISO-8601 UTC times and item ids', () => {
    const json = JSON.parse(renderLedgerJson(hostileLedger(), { lang: 'en' }));
    expect(Object.keys(json)).toEqual(['title', 'controller', 'generated_at', 'from', 'to', 'rows', 'key_rotations']);
    expect(json.rows[0]).toEqual({
      no: 1,
      location: 'local/firewall-events',
      file_name: 'local/firewall-events',
      items: ['ip_address', 'country'],
      created: '2024-12-01T10:00:00Z',
      destroyed_at: '2025-01-31T23:59:59Z',
      kind: 'retention',
      scope: 'local',
      retention_rule: 'retention.firewall_events=30d',
      reason: null,
      actor: "=cmd|' /C calc'!A0",
      approver: null,
      deleted: 10,
      before: 50,
      after: 40,
      method: 'SQLite DELETE, then "vacuum"',
      event: 'purge.outcome',
      audit_seq: 7,
      audit_hash: 'sha256:' + 'a'.repeat(64),
    });
    expect(json.rows[2]).toMatchObject({ location: 'archive/firewall', file_name: 'logs-bucket/fw, "eu" <b>/', scope: 'archive' });
  });
});

describe('ledger reasons', () => {
  it('does not repeat a subject request reason that only restates Art. 36', () => {
    const ledger = hostileLedger();
    const row = { ...ledger.rows[1]!, reason: 'Data subject request for erasure (PIPA Art. 36)' };
    const csv = renderLedgerCsv({ ...ledger, rows: [row] }, { lang: 'ko' });
    expect(csv).toContain(',정보주체의 삭제 요구 (개인정보 보호법 제36조),');
  });
});
