import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditHead, type AuditSigner } from './entry.js';
import { splitAuditExport, renderAuditExport } from './export.js';
import { canonicalJson } from './canonical-json.js';
import { verifyAuditLog, verifyAuditLogAsync, verifyLodgedHead } from './verify.js';

const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const start = Date.parse('2025-03-01T00:00:00Z');

function signerFor(privateKey = keys.privateKey, seconds = 0): AuditSigner {
  return { privateKey, actor: 'ops@host', now: () => new Date(start + seconds * 1000) };
}

function buildChain(length: number): { entries: AuditEntry[]; head: AuditHead } {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < length; i++) {
    entries.push(
      buildAuditEntry(entries[i - 1], signerFor(keys.privateKey, i), {
        event: i % 2 === 0 ? 'purge.intent' : 'purge.outcome',
        command: 'purge',
        run_id: `run-${Math.floor(i / 2)}`,
        location: 'local/firewall-events',
        counts: { planned: i, deleted: i },
      }),
    );
  }
  const last = entries[entries.length - 1]!;
  return { entries, head: buildAuditHead(last.seq, last.hash, signerFor(keys.privateKey, length)) };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('verifyAuditLog', () => {
  it('accepts an intact chain with its head', () => {
    const { entries, head } = buildChain(10);
    expect(verifyAuditLog(entries, keys.publicKey, head)).toEqual({ ok: true, entries: 10, errors: [], head: 'verified' });
  });

  it('accepts an empty log without a head', () => {
    expect(verifyAuditLog([], keys.publicKey)).toEqual({ ok: true, entries: 0, errors: [], head: 'absent' });
  });

  it('names an edited field', () => {
    const { entries, head } = buildChain(10);
    const tampered = clone(entries);
    tampered[4]!.counts = { planned: 4, deleted: 40 };
    const result = verifyAuditLog(tampered, keys.publicKey, head);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([{ entry: 5, line: 5, reason: 'content does not match its hash or its signature: the entry was edited' }]);
  });

  it('names an entry whose hash was recomputed after editing, and the broken link after it', () => {
    const { entries, head } = buildChain(10);
    const tampered = clone(entries);
    tampered[2]!.reason = 'nothing to see';
    const rehashed = buildAuditEntry(entries[1], signerFor(otherKeys.privateKey, 2), { ...tampered[2]! });
    tampered[2] = { ...tampered[2]!, hash: rehashed.hash };
    const result = verifyAuditLog(tampered, keys.publicKey, head);
    expect(result.errors[0]).toMatchObject({ entry: 3, reason: expect.stringMatching(/signature does not verify|hash/) });
    expect(result.errors.map((e) => e.entry)).toContain(4);
  });

  it('names a deleted entry by the gap it leaves', () => {
    const { entries, head } = buildChain(10);
    const result = verifyAuditLog([...entries.slice(0, 6), ...entries.slice(7)], keys.publicKey, head);
    expect(result.errors[0]).toEqual({ entry: 8, line: 7, reason: 'sequence gap: expected seq 7, found 8 (seq 7 missing: deleted?)' });
    expect(result.errors).toHaveLength(2);
    expect(result.errors[1]!.reason).toMatch(/prev_hash does not match the hash of the entry before it \(seq 6\)/);
  });

  it('names reordered entries', () => {
    const { entries, head } = buildChain(10);
    const swapped = [...entries];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const result = verifyAuditLog(swapped, keys.publicKey, head);
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ entry: 5, line: 4, reason: expect.stringContaining('sequence gap: expected seq 4, found 5') });
    expect(result.errors.some((e) => e.entry === 4 && e.line === 5 && /out of order/.test(e.reason))).toBe(true);
  });

  it('names an entry inserted with another key', () => {
    const { entries, head } = buildChain(10);
    const forged = buildAuditEntry(entries[4], signerFor(otherKeys.privateKey, 4.5), { event: 'hold.release', command: 'hold release' });
    const result = verifyAuditLog([...entries.slice(0, 5), forged, ...entries.slice(5)], keys.publicKey, head);
    expect(result.errors[0]).toEqual({ entry: 6, line: 6, reason: 'signature does not verify with this public key: edited, or signed with another key' });
  });

  it('detects a whole log re-signed with another key', () => {
    const { entries } = buildChain(3);
    expect(verifyAuditLog(entries, otherKeys.publicKey, undefined, { requireHead: false }).errors.map((e) => e.entry)).toEqual([1, 2, 3]);
  });

  it('detects a truncated tail through the signed head', () => {
    const { entries, head } = buildChain(10);
    const result = verifyAuditLog(entries.slice(0, 8), keys.publicKey, head);
    expect(result).toMatchObject({ ok: false, head: 'broken' });
    expect(result.errors).toEqual([
      { entry: 9, line: 8, reason: expect.stringMatching(/^truncated tail: the signed head checkpoint .* records 10 entries, the log ends at seq 8 \(seq 9–10 missing\)$/) },
    ]);
  });

  it('detects a head that was swapped for an older genuine one', () => {
    const { entries } = buildChain(10);
    const older = buildAuditHead(8, entries[7]!.hash, signerFor());
    expect(verifyAuditLog(entries, keys.publicKey, older).errors[0]!.reason).toMatch(/follow the signed head checkpoint/);
  });

  it('detects a forged head and a missing head', () => {
    const { entries, head } = buildChain(4);
    expect(verifyAuditLog(entries, keys.publicKey, { ...head, count: 3 }).errors[0]!.reason).toMatch(/head checkpoint signature does not verify/);
    expect(verifyAuditLog(entries.slice(0, 3), keys.publicKey).errors[0]!.reason).toMatch(/no signed head checkpoint/);
  });

  it('names lines that are not entries at all', () => {
    const { entries, head } = buildChain(3);
    const result = verifyAuditLog([entries[0], 'garbage', entries[2]], keys.publicKey, head);
    expect(result.errors[0]).toEqual({ entry: 2, line: 2, reason: 'not a JSON object (unreadable line)' });
  });
});

describe('verifyAuditLogAsync', () => {
  it('reaches the same verdict as verifyAuditLog for intact and tampered logs', async () => {
    const { entries, head } = buildChain(40);
    const edited = clone(entries);
    edited[10]!.reason = 'edited';
    const forged = buildAuditEntry(entries[19], signerFor(otherKeys.privateKey, 19.5), { event: 'hold.release', command: 'hold release' });
    const badSignature = clone(entries);
    badSignature[30]!.signature = 'not base64';
    const cases: [unknown[], unknown][] = [
      [entries, head],
      [edited, head],
      [[...entries.slice(0, 5), ...entries.slice(6)], head],
      [[...entries.slice(0, 20), forged, ...entries.slice(20)], head],
      [entries.slice(0, 35), head],
      [badSignature, head],
      [[entries[0], 'garbage', ...entries.slice(2)], undefined],
    ];
    for (const [log, logHead] of cases) {
      expect(await verifyAuditLogAsync(log, keys.publicKey, logHead, { workers: 2 })).toEqual(verifyAuditLog(log, keys.publicKey, logHead));
    }
  });
});

describe('verifyLodgedHead', () => {
  it('accepts a log that grew after the head was lodged and rejects rewritten history', () => {
    const { entries } = buildChain(10);
    const lodged = buildAuditHead(6, entries[5]!.hash, signerFor());
    expect(verifyLodgedHead(entries, keys.publicKey, lodged)).toEqual([]);
    const rewritten = clone(entries);
    rewritten[5]!.hash = 'sha256:' + 'f'.repeat(64);
    expect(verifyLodgedHead(rewritten, keys.publicKey, lodged)[0]!.reason).toMatch(/history was rewritten/);
    expect(verifyLodgedHead(entries.slice(0, 4), keys.publicKey, lodged)[0]!.reason).toMatch(/truncated/);
  });

  it('reads export lines still as text the same way', () => {
    const { entries } = buildChain(10);
    const lodged = buildAuditHead(6, entries[5]!.hash, signerFor());
    const lines = entries.map((e) => canonicalJson(e));
    expect(verifyLodgedHead(lines, keys.publicKey, lodged)).toEqual([]);
    lines[5] = canonicalJson({ ...entries[5]!, hash: 'sha256:' + 'e'.repeat(64) });
    expect(verifyLodgedHead(lines, keys.publicKey, lodged)).toEqual([
      { entry: 6, line: 6, reason: expect.stringMatching(/history was rewritten/) },
    ]);
  });
});

describe('export round trip', () => {
  it('writes one canonical entry per line and the head last', () => {
    const { entries, head } = buildChain(3);
    const text = renderAuditExport(entries.map((e) => canonicalJson(e)), canonicalJson(head));
    expect(text.split('\n')).toHaveLength(5);
    expect(text.split('\n')[3]).toMatch(/^\{"count":3,"last_hash":"sha256:[0-9a-f]{64}","signature":".*","time":".*","type":"head","v":1\}$/);
    const parsed = splitAuditExport(text);
    expect(parsed).toEqual({ entries: entries.map((e) => canonicalJson(e)), head: canonicalJson(head) });
    expect(verifyAuditLog(parsed.entries, keys.publicKey, parsed.head).ok).toBe(true);
  });

  it('verifies lines still as text exactly as parsed entries, an unreadable line included', async () => {
    const { entries, head } = buildChain(12);
    const lines = entries.map((e) => canonicalJson(e));
    lines[4] = lines[4]!.replace('"purge.intent"', '"purge.intent"}{');
    lines[7] = lines[7]!.replace('"counts":{"deleted":7', '"counts":{"deleted":70');
    const { entries: split, head: splitHead } = splitAuditExport(renderAuditExport(lines, canonicalJson(head)));
    const objects = split.map((line) => (line === lines[4] ? line : (JSON.parse(line) as unknown)));
    const expected = verifyAuditLog(objects, keys.publicKey, head);
    expect(expected.errors.map((e) => [e.entry, e.reason.slice(0, 30)])).toEqual([
      [5, 'not a JSON object (unreadable '],
      [6, 'sequence gap: expected seq 5, '],
      [6, 'prev_hash does not match the h'],
      [8, 'content does not match its has'],
    ]);
    expect(verifyAuditLog(split, keys.publicKey, splitHead)).toEqual(expected);
    expect(await verifyAuditLogAsync(split, keys.publicKey, splitHead, { workers: 2 })).toEqual(expected);
  });
});

describe('exact bytes', () => {
  const NOT_CANONICAL = /^not in canonical form/;
  const lineCases: [string, (line: string) => string, RegExp][] = [
    // A first-wins parser (or a person) reads the forged reason; JSON.parse keeps the last, signed one.
    ['a duplicate key placed before the real one', (line) => line.replace('"reason":null', '"reason":"FORGED: nothing was deleted","reason":null'), NOT_CANONICAL],
    ['a number too large for a double', (line) => line.replace('"deleted":3', '"deleted":3,"x":1e999'), /^cannot be canonicalised: Infinity is not allowed/],
    ['other spacing', (line) => line.replace('"command":"purge"', '"command": "purge"'), NOT_CANONICAL],
    ['another number spelling', (line) => line.replace('"deleted":3', '"deleted":3.0'), NOT_CANONICAL],
    ['another escape spelling', (line) => line.replace('"command":"purge"', '"command":"\\u0070urge"'), NOT_CANONICAL],
    ['an escaped solidus', (line) => line.replace('"command":"purge"', '"command":"pu\\/rge"'), NOT_CANONICAL],
  ];

  it.each(lineCases)('names %s as that entry\'s verdict', async (_name, tamper, reason) => {
    const { entries, head } = buildChain(6);
    const lines = entries.map((e) => canonicalJson(e));
    lines[3] = tamper(lines[3]!);
    expect(lines[3]).not.toBe(canonicalJson(entries[3]));
    const result = verifyAuditLog(lines, keys.publicKey, canonicalJson(head));
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([{ entry: 4, line: 4, reason: expect.stringMatching(reason) }]);
    expect(await verifyAuditLogAsync(lines, keys.publicKey, canonicalJson(head), { workers: 2 })).toEqual(result);
  });

  it('checks the head line the same way', () => {
    const { entries, head } = buildChain(3);
    const lines = entries.map((e) => canonicalJson(e));
    const spaced = canonicalJson(head).replace('"count":3', '"count": 3');
    expect(verifyAuditLog(lines, keys.publicKey, spaced).errors).toEqual([
      { entry: 3, line: 3, reason: 'the head checkpoint is not in canonical form (its line is not exactly the RFC 8785 JSON of its value)' },
    ]);
    const infinite = canonicalJson(head).replace('"count":3', '"count":3,"x":1e999');
    expect(verifyAuditLog(lines, keys.publicKey, infinite).errors[0]!.reason).toMatch(/^the head checkpoint (cannot be read|is not in canonical form)/);
  });
});
