import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planChainWrite } from './chain.js';
import { buildAuditEntry, buildAuditHead, type AuditEntry, type AuditHead, type AuditSigner } from './entry.js';
import { splitAuditExport, renderAuditExport } from './export.js';
import { canonicalJson } from './canonical-json.js';
import { buildGenesisInput, buildRotationInput, keyFingerprint } from './key-entries.js';
import { verifyAuditLog, verifyAuditLogAsync, type AuditVerification } from './verify.js';

const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const start = Date.parse('2025-03-01T00:00:00Z');

const fingerprint = keyFingerprint(keys.publicKey);
/** What verify says of an intact log of `entries` signed by `keys` alone. */
const intact = (entries: number): AuditVerification => ({
  ok: true,
  entries,
  errors: [],
  head: 'verified',
  genesis: 'verified',
  keys: [{ fingerprint, from_seq: 1 }],
});

function signerFor(privateKey = keys.privateKey, seconds = 0): AuditSigner {
  return { privateKey, actor: 'ops@host', now: () => new Date(start + seconds * 1000) };
}

function buildChain(length: number): { entries: AuditEntry[]; head: AuditHead } {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < length; i++) {
    entries.push(
      buildAuditEntry(
        entries[i - 1],
        signerFor(keys.privateKey, i),
        i === 0
          ? buildGenesisInput(keys.privateKey, new Date(start).toISOString(), 'init')
          : {
              event: i % 2 === 0 ? 'purge.intent' : 'purge.outcome',
              command: 'purge',
              run_id: `run-${Math.floor(i / 2)}`,
              location: 'local/firewall-events',
              counts: { planned: i, deleted: i },
            },
      ),
    );
  }
  const last = entries[entries.length - 1]!;
  return { entries, head: buildAuditHead(last.seq, last.hash, signerFor(keys.privateKey, length)) };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('verifyAuditLog', () => {
  it('accepts an intact chain with its head', () => {
    const { entries, head } = buildChain(10);
    expect(verifyAuditLog(entries, keys.publicKey, head)).toEqual(intact(10));
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
    const { errors } = verifyAuditLog(entries, otherKeys.publicKey, undefined, { requireHead: false });
    expect(errors.map((e) => e.entry)).toEqual([1, 1, 2, 3]);
    expect(errors[0]!.reason).toMatch(/^the genesis entry names key SHA256:[0-9a-f]{64}, not the key verify was given/);
  });

  it('detects a truncated tail through the signed head', () => {
    const { entries, head } = buildChain(10);
    const result = verifyAuditLog(entries.slice(0, 8), keys.publicKey, head);
    expect(result).toMatchObject({ ok: false, head: 'broken' });
    expect(result.errors).toEqual([
      {
        entry: 9,
        line: 8,
        reason: expect.stringMatching(/^truncated tail: the signed head checkpoint .* records 10 entries, the log ends at seq 8 \(seq 9–10 missing\)$/),
      },
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

/** The errors verify finds with a lodged head, those about the lodged head only. */
function verifyLodgedHead(entries: readonly unknown[], publicKey: KeyObject, lodgedHead: unknown) {
  return verifyAuditLog(entries, publicKey, undefined, { requireHead: false, lodgedHeads: [lodgedHead] }).errors.filter((e) => /lodged/.test(e.reason));
}

describe('a lodged head', () => {
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
    expect(verifyLodgedHead(lines, keys.publicKey, lodged)).toEqual([{ entry: 6, line: 6, reason: expect.stringMatching(/history was rewritten/) }]);
  });
});

describe('export round trip', () => {
  it('writes one canonical entry per line and the head last', () => {
    const { entries, head } = buildChain(3);
    const text = renderAuditExport(
      entries.map((e) => canonicalJson(e)),
      canonicalJson(head),
    );
    expect(text.split('\n')).toHaveLength(5);
    expect(text.split('\n')[3]).toMatch(/^\{"count":3,"last_hash":"sha256:[0-9a-f]{64}","signature":".*","time":".*","type":"head","v":1\}$/);
    const parsed = splitAuditExport(text);
    expect(parsed).toEqual({ entries: entries.map((e) => canonicalJson(e)), head: canonicalJson(head), timestamps: [] });
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
    [
      'a duplicate key placed before the real one',
      (line) => line.replace('"reason":null', '"reason":"FORGED: nothing was deleted","reason":null'),
      NOT_CANONICAL,
    ],
    ['a number too large for a double', (line) => line.replace('"deleted":3', '"deleted":3,"x":1e999'), /^cannot be canonicalised: Infinity is not allowed/],
    ['other spacing', (line) => line.replace('"command":"purge"', '"command": "purge"'), NOT_CANONICAL],
    ['another number spelling', (line) => line.replace('"deleted":3', '"deleted":3.0'), NOT_CANONICAL],
    ['another escape spelling', (line) => line.replace('"command":"purge"', '"command":"\\u0070urge"'), NOT_CANONICAL],
    ['an escaped solidus', (line) => line.replace('"command":"purge"', '"command":"pu\\/rge"'), NOT_CANONICAL],
  ];

  it.each(lineCases)("names %s as that entry's verdict", async (_name, tamper, reason) => {
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

describe('genesis', () => {
  it('calls an empty log broken: it may have been wiped', () => {
    expect(verifyAuditLog([], keys.publicKey)).toMatchObject({
      ok: false,
      genesis: 'absent',
      errors: [{ entry: 0, line: 0, reason: 'no genesis: the log is empty; it may have been wiped' }],
    });
    expect(verifyAuditLog([], undefined).errors[0]!.reason).toMatch(/no public key was given/);
  });

  it('calls a log that starts without genesis broken, even when every entry is signed', () => {
    const { entries } = buildChain(6);
    // A fresh chain started after a wipe: the same key, no genesis.
    const restarted: AuditEntry[] = [];
    for (const entry of entries.slice(1)) restarted.push(buildAuditEntry(restarted[restarted.length - 1], signerFor(), { ...entry }));
    const last = restarted[restarted.length - 1]!;
    const result = verifyAuditLog(restarted, keys.publicKey, buildAuditHead(last.seq, last.hash, signerFor(keys.privateKey, 9)));
    expect(result.errors).toEqual([
      { entry: 1, line: 1, reason: 'no genesis: its first entry is a "purge.outcome" entry; the log may have been wiped and restarted' },
    ]);
  });

  it('starts from the key the genesis names when none is given', () => {
    const { entries, head } = buildChain(5);
    expect(verifyAuditLog(entries, undefined, head)).toEqual(intact(5));
    // An attacker's whole new log verifies from its own genesis key: only the fingerprint, compared out of band, tells.
    const forged = verifyAuditLog(entries, undefined, head).keys[0]!.fingerprint;
    expect(forged).toBe(fingerprint);
  });

  it('accepts a late genesis that adopts exactly the entries written before genesis entries existed', () => {
    const legacy: AuditEntry[] = [];
    for (let i = 0; i < 3; i++) legacy.push(buildAuditEntry(legacy[i - 1], signerFor(), { event: 'hold.add', command: 'hold add' }));
    const genesis = buildAuditEntry(legacy[2], signerFor(), buildGenesisInput(keys.privateKey, '2025-01-01T00:00:00.000Z', 'purge', 3));
    const after = buildAuditEntry(genesis, signerFor(), { event: 'hold.add', command: 'hold add' });
    const log = [...legacy, genesis, after];
    const head = buildAuditHead(5, after.hash, signerFor(keys.privateKey, 9));
    expect(verifyAuditLog(log, undefined, head)).toMatchObject({ ok: true, genesis: 'adopted' });
    // The same genesis claiming fewer adopted entries does not hold.
    const wrong = buildAuditEntry(legacy[2], signerFor(), buildGenesisInput(keys.privateKey, '2025-01-01T00:00:00.000Z', 'purge', 2));
    expect(verifyAuditLog([...legacy, wrong], keys.publicKey, buildAuditHead(4, wrong.hash, signerFor())).errors[0]!.reason).toMatch(/^no genesis/);
  });

  it('names a second genesis inside the log', () => {
    const { entries } = buildChain(3);
    const second = buildAuditEntry(entries[2], signerFor(), buildGenesisInput(keys.privateKey, '2025-01-01T00:00:00.000Z', 'init'));
    const result = verifyAuditLog([...entries, second], keys.publicKey, buildAuditHead(4, second.hash, signerFor(keys.privateKey, 9)));
    expect(result.errors).toEqual([{ entry: 4, line: 4, reason: 'a second genesis entry: a new log was started inside this one' }]);
  });
});

describe('key rotation', () => {
  const second = generateKeyPairSync('ed25519');
  const third = generateKeyPairSync('ed25519');

  /** Genesis by `keys`, rotations to `second` after seq 4 and to `third` after seq 8, 12 entries, head by `third`. */
  function buildRotatedChain(rotationSigner = keys.privateKey): { entries: AuditEntry[]; head: AuditHead } {
    const entries: AuditEntry[] = [buildAuditEntry(undefined, signerFor(), buildGenesisInput(keys.privateKey, new Date(start).toISOString(), 'init'))];
    let current = keys.privateKey;
    for (let seq = 2; seq <= 12; seq++) {
      const previous = entries[entries.length - 1];
      if (seq === 4) {
        entries.push(buildAuditEntry(previous, signerFor(rotationSigner, seq), buildRotationInput(current, second.privateKey, 'scheduled')));
        current = second.privateKey;
      } else if (seq === 8) {
        entries.push(buildAuditEntry(previous, signerFor(current, seq), buildRotationInput(current, third.privateKey, 'operator left')));
        current = third.privateKey;
      } else {
        entries.push(buildAuditEntry(previous, signerFor(current, seq), { event: 'hold.add', command: 'hold add', counts: { seq } }));
      }
    }
    const last = entries[entries.length - 1]!;
    return { entries, head: buildAuditHead(last.seq, last.hash, signerFor(current, 20)) };
  }

  it('verifies a log that spans two rotations from the first public key alone', async () => {
    const { entries, head } = buildRotatedChain();
    const keyList = [
      { fingerprint, from_seq: 1 },
      { fingerprint: keyFingerprint(second.publicKey), from_seq: 5 },
      { fingerprint: keyFingerprint(third.publicKey), from_seq: 9 },
    ];
    expect(verifyAuditLog(entries, keys.publicKey, head)).toEqual({ ...intact(12), keys: keyList });
    const lines = entries.map((e) => canonicalJson(e));
    expect(await verifyAuditLogAsync(lines, undefined, canonicalJson(head), { workers: 2 })).toEqual({ ...intact(12), keys: keyList });
  });

  it('makes every entry after a forged rotation fail, and the head too', async () => {
    // The rotation at seq 4 is signed by a key that was never in force; what follows is signed "correctly" by it.
    const { entries, head } = buildRotatedChain(otherKeys.privateKey);
    const result = verifyAuditLog(entries, keys.publicKey, head);
    expect(result.errors[0]).toEqual({ entry: 4, line: 4, reason: 'signature does not verify with this public key: edited, or signed with another key' });
    expect(result.errors.slice(1, 9).map((e) => e.entry)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.errors[1]!.reason).toBe('counts as unsigned: no key is in force after the key rotation at seq 4, which does not verify');
    expect(result.errors[9]!.reason).toMatch(/^the head checkpoint cannot be checked: no key is in force/);
    expect(result.keys).toEqual([{ fingerprint, from_seq: 1 }]);
    expect(
      await verifyAuditLogAsync(
        entries.map((e) => canonicalJson(e)),
        keys.publicKey,
        canonicalJson(head),
        { workers: 2 },
      ),
    ).toEqual(result);
  });

  it('refuses a rotation whose entry names its new key wrongly', () => {
    const entries = [buildAuditEntry(undefined, signerFor(), buildGenesisInput(keys.privateKey, new Date(start).toISOString(), 'init'))];
    const input = buildRotationInput(keys.privateKey, second.privateKey, 'scheduled');
    input.details = { ...input.details, new_key_fingerprint: keyFingerprint(third.publicKey) };
    entries.push(buildAuditEntry(entries[0], signerFor(), input));
    entries.push(buildAuditEntry(entries[1], signerFor(second.privateKey), { event: 'hold.add', command: 'hold add' }));
    const result = verifyAuditLog(entries, keys.publicKey, undefined, { requireHead: false });
    expect(result.errors.map((e) => [e.entry, e.reason.slice(0, 40)])).toEqual([
      [2, 'key rotation does not name its old and n'],
      [3, 'counts as unsigned: no key is in force a'],
    ]);
  });

  it('checks a lodged head with the key that was in force at its count', () => {
    const { entries } = buildRotatedChain();
    expect(verifyLodgedHead(entries, keys.publicKey, buildAuditHead(6, entries[5]!.hash, signerFor(second.privateKey)))).toEqual([]);
    expect(verifyLodgedHead(entries, keys.publicKey, buildAuditHead(6, entries[5]!.hash, signerFor(keys.privateKey)))[0]!.reason).toMatch(
      /signature does not verify/,
    );
  });
});

describe('head time', () => {
  it('flags a head older than the newest entry', () => {
    const { entries } = buildChain(4);
    const last = entries[3]!;
    const head = buildAuditHead(4, last.hash, signerFor(keys.privateKey, 1));
    expect(verifyAuditLog(entries, keys.publicKey, head).errors).toEqual([
      { entry: 4, line: 4, reason: `the head checkpoint (${head.time}) is older than the newest entry (seq 4, ${last.time}): an older head was put back` },
    ]);
  });
});

describe('a log several hosts share, each with its own key', () => {
  const hostA = generateKeyPairSync('ed25519');
  const hostB = generateKeyPairSync('ed25519');
  const SHARED = { isShared: true, canAdopt: false } as const;

  /** Appends through the chain rules (src/audit/chain.ts) to an in-memory log, as a store does under its lock. */
  function buildSharedChain(length: number): { lines: string[]; head: string } {
    const entries: AuditEntry[] = [];
    let head: AuditHead | undefined;
    for (let i = 0; i < length; i++) {
      const host = i % 3 === 2 ? hostB : hostA;
      const keyEntries = entries.filter((e) => e.event === 'audit.genesis' || e.event === 'keys.enrol') as unknown as Record<string, unknown>[];
      const last = entries[entries.length - 1];
      const snapshot = {
        tail: last === undefined ? undefined : { seq: last.seq, hash: last.hash },
        head,
        genesis: entries[0] === undefined ? undefined : { marker: { seq: 1, hash: entries[0].hash }, hashNow: entries[0].hash },
        firstEntryTime: undefined,
        storeCreatedAt: new Date(start).toISOString(),
        keyEntries,
      };
      const plan = planChainWrite(
        snapshot,
        signerFor(host.privateKey, i),
        { kind: 'append', input: { event: 'hold.add', command: 'hold add', counts: { i } } },
        SHARED,
      );
      entries.push(...plan.entries);
      head = plan.head;
    }
    return { lines: entries.map((e) => canonicalJson(e)), head: canonicalJson(head) };
  }

  it('verifies with both keys named or none, fails with one, the same with worker threads', async () => {
    const { lines, head } = buildSharedChain(60);
    expect(lines.filter((line) => line.includes('"event":"keys.enrol"'))).toHaveLength(1);
    const both = verifyAuditLog(lines, [hostA.publicKey, hostB.publicKey], head);
    expect(both).toMatchObject({
      ok: true,
      entries: lines.length,
      head: 'verified',
      keys_in_force: [keyFingerprint(hostA.publicKey), keyFingerprint(hostB.publicKey)],
    });
    expect(await verifyAuditLogAsync(lines, [hostA.publicKey, hostB.publicKey], head, { workers: 2 })).toEqual(both);
    expect(await verifyAuditLogAsync(lines, undefined, head, { workers: 2 })).toEqual(verifyAuditLog(lines, undefined, head));
    expect(verifyAuditLog(lines, undefined, head).ok).toBe(true);

    const onlyA = await verifyAuditLogAsync(lines, hostA.publicKey, head, { workers: 2 });
    expect(onlyA).toEqual(verifyAuditLog(lines, hostA.publicKey, head));
    expect(onlyA.ok).toBe(false);
    expect(onlyA.errors[0]).toMatchObject({ entry: 4, reason: expect.stringContaining('which is not among the keys verify was given') });
  });

  it('names an entry whose signed_by was swapped for another host key', () => {
    const { lines, head } = buildSharedChain(6);
    const entry = JSON.parse(lines[1]!) as AuditEntry;
    const swapped = [...lines];
    swapped[1] = canonicalJson({ ...entry, signed_by: keyFingerprint(hostB.publicKey) });
    const result = verifyAuditLog(swapped, [hostA.publicKey, hostB.publicKey], head);
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatchObject({ entry: 2, reason: expect.stringContaining('content does not match its hash') });
  });
});
