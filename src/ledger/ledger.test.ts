import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/log.js';
import { buildLedger, isDestruction } from './ledger.js';

const NOW = new Date('2025-03-01T00:00:00Z');
let seq = 0;

function entry(partial: Partial<AuditEntry> & Pick<AuditEntry, 'event'>): AuditEntry {
  seq += 1;
  return {
    v: 1,
    seq,
    time: '2025-02-01T00:00:00.000Z',
    actor: 'ops@web1',
    command: 'purge',
    run_id: null,
    location: null,
    counts: null,
    retention_rule: null,
    policy_hash: null,
    reason: null,
    subjects: null,
    details: null,
    prev_hash: 'sha256:prev',
    hash: `sha256:${seq.toString(16).padStart(64, '0')}`,
    signature: 'sig',
    ...partial,
  };
}

describe('isDestruction', () => {
  it.each([
    ['purge.outcome', { deleted: 3 }, true],
    ['purge.outcome', { deleted: 0 }, false],
    ['purge.outcome', null, false],
    ['cloudflare.delete.outcome', { deleted: 1 }, true],
    ['subject.erase.outcome', { deleted: 2 }, true],
    ['cloudflare.delete.reconciled', { deleted: 2 }, true],
    ['purge.reconciled', { deleted: 0 }, false],
    ['purge.intent', { planned: 5, deleted: 5 }, false],
    ['hold.add', null, false],
  ] as const)('%s %j → %s', (event, counts, expected) => {
    expect(isDestruction(entry({ event, counts: counts === null ? null : { ...counts } }))).toBe(expected);
  });
});

describe('buildLedger', () => {
  const intent = entry({
    event: 'cloudflare.delete.intent',
    run_id: 'run-cf',
    location: 'cloudflare/access-rules',
    details: { method: 'Cloudflare API DELETE, re-query verified', oldest_record: '2024-11-01T00:00:00Z', targets: { 'zone:z': ['r1'] } },
  });
  const entries = [
    entry({ event: 'hold.add', command: 'hold add', time: '2025-01-01T00:00:00.000Z' }),
    entry({
      event: 'purge.outcome',
      time: '2025-01-31T23:59:59.999Z',
      location: 'local/firewall-events',
      retention_rule: 'retention.firewall_events=30d',
      counts: { planned: 10, deleted: 10, held: 1, failed: 0, before: 50, after: 40 },
      details: { method: 'SQLite DELETE', oldest_record: '2024-12-01T10:00:00.000Z', newest_record: '2024-12-31T00:00:00.000Z' },
    }),
    intent,
    entry({
      event: 'cloudflare.delete.outcome',
      time: '2025-02-01T00:00:00.000Z',
      run_id: 'run-cf',
      location: 'cloudflare/access-rules',
      retention_rule: 'retention.access_rules=90d',
      counts: { planned: 1, deleted: 1, held: 0, failed: 0 },
      details: { method: 'overridden by the outcome' },
    }),
    entry({ event: 'purge.outcome', time: '2025-02-10T00:00:00.000Z', location: 'local/http-analytics', counts: { deleted: 0 } }),
    entry({
      event: 'subject.erase.outcome',
      command: 'subject erase',
      time: '2025-02-15T00:00:00.000Z',
      counts: { deleted: 7 },
      reason: 'Request #12 by e-mail',
      details: { locations: ['local/firewall-events', 'cloudflare/list-items'] },
    }),
    entry({
      event: 'future.shred.outcome',
      time: '2025-02-20T00:00:00.000Z',
      location: 'backup/tapes',
      counts: { deleted: 1 },
      details: { items: ['ip_address', 'user_agent'] },
    }),
  ];

  it('has one row per destruction, numbered in log order, each pointing at its entry', () => {
    const ledger = buildLedger(entries, { generatedAt: NOW, controller: 'Luxeret' });
    expect(ledger.rows.map((row) => [row.no, row.event, row.location, row.kind, row.scope])).toEqual([
      [1, 'purge.outcome', 'local/firewall-events', 'retention', 'local'],
      [2, 'cloudflare.delete.outcome', 'cloudflare/access-rules', 'retention', 'cloudflare'],
      [3, 'subject.erase.outcome', 'local/firewall-events, cloudflare/list-items', 'subject_request', 'mixed'],
      [4, 'future.shred.outcome', 'backup/tapes', 'other', 'other'],
    ]);
    expect(ledger.rows.map((row) => row.auditSeq)).toEqual([entries[1]!.seq, entries[3]!.seq, entries[5]!.seq, entries[6]!.seq]);
    expect(ledger.rows.map((row) => row.auditHash)).toEqual([entries[1]!.hash, entries[3]!.hash, entries[5]!.hash, entries[6]!.hash]);
    expect(ledger.rows[0]).toMatchObject({
      items: ['ip_address', 'country', 'asn', 'time', 'ray_id', 'host', 'action', 'rule'],
      createdAt: new Date('2024-12-01T10:00:00.000Z'),
      destroyedAt: new Date('2025-01-31T23:59:59.999Z'),
      deleted: 10,
      before: 50,
      after: 40,
      method: 'SQLite DELETE',
      actor: 'ops@web1',
    });
  });

  it("takes the method and record span from the run's intent when the outcome lacks them", () => {
    const [, cloudflare] = buildLedger(entries, { generatedAt: NOW }).rows;
    expect(cloudflare).toMatchObject({ method: 'overridden by the outcome', createdAt: new Date('2024-11-01T00:00:00Z'), before: null, after: null });
  });

  it('names items from the entry when it says, else from the location', () => {
    const rows = buildLedger(entries, { generatedAt: NOW }).rows;
    expect(rows[1]!.items).toEqual(['ip_address', 'country', 'note']);
    expect(rows[3]!.items).toEqual(['ip_address', 'user_agent']);
    expect(rows[2]!.items).toEqual(['ip_address', 'country', 'asn', 'time', 'ray_id', 'host', 'action', 'rule', 'comment']);
  });

  it.each([
    [{ from: new Date('2025-02-01T00:00:00.000Z') }, [2, 3, 4]],
    [{ from: new Date('2025-02-01T00:00:00.001Z') }, [3, 4]],
    [{ from: new Date('2025-01-31T23:59:59.999Z') }, [1, 2, 3, 4]],
    [{ to: new Date('2025-02-01T00:00:00.000Z') }, [1]],
    [{ to: new Date('2025-02-01T00:00:00.001Z') }, [1, 2]],
    [{ from: new Date('2025-02-01T00:00:00Z'), to: new Date('2025-02-15T00:00:00Z') }, [2]],
    [{ from: new Date('2026-01-01T00:00:00Z') }, []],
  ])('range %j keeps the destructions in [from, to)', (range, expectedSeqIndexes) => {
    const rows = buildLedger(entries, { generatedAt: NOW, ...range }).rows;
    const bySeq = [entries[1]!, entries[3]!, entries[5]!, entries[6]!];
    expect(rows.map((row) => row.auditSeq)).toEqual(expectedSeqIndexes.map((i) => bySeq[i - 1]!.seq));
    expect(rows.map((row) => row.no)).toEqual(expectedSeqIndexes.map((_, i) => i + 1));
  });

  it("names an archive destruction's file by its bucket/prefix (from the intent when the outcome lacks it), others by their location", () => {
    const archive = [
      entry({
        event: 'archive.delete.intent',
        run_id: 'run-ar',
        location: 'archive/firewall',
        details: { where: 'logs/fw/', method: 'S3 DeleteObjects …', oldest_record: '2025-01-01T00:00:00.000Z' },
      }),
      entry({ event: 'archive.delete.outcome', run_id: 'run-ar', location: 'archive/firewall', counts: { planned: 3, deleted: 3, deleted_bytes: 900 } }),
      entry({ event: 'archive.delete.outcome', location: 'archive/other', counts: { deleted: 1 }, details: { where: 'other-bucket/' } }),
      // `where` only names an archive's file: another kind of entry that carried one keeps its location.
      entry({ event: 'purge.outcome', location: 'local/firewall-events', counts: { deleted: 1 }, details: { where: 'somewhere' } }),
    ];
    const rows = buildLedger(archive, { generatedAt: NOW }).rows;
    expect(rows.map((row) => [row.location, row.fileName, row.scope, row.method])).toEqual([
      ['archive/firewall', 'logs/fw/', 'archive', 'S3 DeleteObjects …'],
      ['archive/other', 'other-bucket/', 'archive', null],
      ['local/firewall-events', 'local/firewall-events', 'local', null],
    ]);
    expect(buildLedger(entries, { generatedAt: NOW }).rows.map((row) => row.fileName)).toEqual(
      buildLedger(entries, { generatedAt: NOW }).rows.map((row) => row.location),
    );
  });

  it('an empty log gives an empty ledger', () => {
    expect(buildLedger([], { generatedAt: NOW }).rows).toEqual([]);
  });
});
