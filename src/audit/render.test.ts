import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './entry.js';
import { renderAuditJson, renderAuditTable, renderVerification } from './render.js';

const entry: AuditEntry = {
  v: 1,
  seq: 7,
  time: '2025-03-01T00:00:00.000Z',
  actor: 'ops@host',
  command: 'purge',
  event: 'purge.outcome',
  run_id: '3b1f5d2e-8c4a-4f1e-9d6b-2a7c8e0f1b3d',
  location: 'local/firewall-events',
  counts: { deleted: 3, planned: 3 },
  retention_rule: null,
  policy_hash: null,
  reason: 'a "quoted", <script> reason',
  subjects: null,
  details: null,
  prev_hash: 'sha256:' + '0'.repeat(64),
  hash: 'sha256:' + '1'.repeat(64),
  signature: 'x',
};

describe('renderAuditTable', () => {
  it('shows one row per entry', () => {
    expect(renderAuditTable([entry])).toMatchInlineSnapshot(`
      "┌─────┬──────────────────────────┬──────────┬───────────────┬───────────────────────┬─────────────────────┬─────────────────────────────┬──────────┐
      │ seq │ time (UTC)               │ actor    │ event         │ location              │ counts              │ reason                      │ run      │
      ├─────┼──────────────────────────┼──────────┼───────────────┼───────────────────────┼─────────────────────┼─────────────────────────────┼──────────┤
      │ 7   │ 2025-03-01T00:00:00.000Z │ ops@host │ purge.outcome │ local/firewall-events │ deleted=3 planned=3 │ a "quoted", <script> reason │ 3b1f5d2e │
      └─────┴──────────────────────────┴──────────┴───────────────┴───────────────────────┴─────────────────────┴─────────────────────────────┴──────────┘
      "
    `);
  });

  it('says so when there is nothing to show', () => {
    expect(renderAuditTable([])).toBe('The audit log has no entries in that range.\n');
  });
});

describe('renderAuditJson', () => {
  it('round-trips', () => {
    expect(JSON.parse(renderAuditJson([entry]))).toEqual([entry]);
  });
});

describe('renderVerification', () => {
  it('names the first broken entry, then the rest', () => {
    const text = renderVerification(
      {
        ok: false,
        entries: 9,
        head: 'verified',
        genesis: 'verified',
        keys: [{ fingerprint: 'SHA256:aa', from_seq: 1 }],
        errors: [
          { entry: 7, line: 6, reason: 'sequence gap: expected seq 6, found 7 (seq 6 missing: deleted?)' },
          { entry: 7, line: 6, reason: 'prev_hash does not match' },
        ],
      },
      'audit.jsonl',
    );
    expect(text).toMatchInlineSnapshot(`
      "BROKEN: audit.jsonl: 9 entries checked, 2 problem(s).
      First broken entry: seq 7 (line 6): sequence gap: expected seq 6, found 7 (seq 6 missing: deleted?)
        also seq 7 (line 6): prev_hash does not match
      Key: SHA256:aa (the key given)
      "
    `);
    const keys = [
      { fingerprint: 'SHA256:aa', from_seq: 1 },
      { fingerprint: 'SHA256:bb', from_seq: 3 },
    ];
    expect(renderVerification({ ok: true, entries: 3, head: 'verified', errors: [], genesis: 'verified', keys }, 'store', 'genesis')).toBe(
      "OK: store: 3 entries intact (every line's bytes, signature, hash link and sequence number checked; the genesis entry; the signed head checkpoint matches the tail).\n" +
        'Key: SHA256:aa (named by the genesis entry: compare it with the fingerprint lodged when the log began)\n' +
        '  rotated at seq 2 to SHA256:bb\n',
    );
  });
});
