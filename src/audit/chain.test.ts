import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyError, StoreError } from '../errors.js';
import { planChainWrite, type ChainOptions, type ChainSnapshot } from './chain.js';
import { buildAuditEntry, buildAuditHead, buildHeadBytes, type AuditEntry, type AuditSigner } from './entry.js';
import { buildGenesisInput, buildRotationInput, keyFingerprint } from './key-entries.js';

const first = generateKeyPairSync('ed25519');
const second = generateKeyPairSync('ed25519');
const now = new Date('2025-03-01T00:00:00Z');
const signerWith = (privateKey = first.privateKey): AuditSigner => ({ privateKey, actor: 'ops@host', now: () => now });
const SQLITE: ChainOptions = { isShared: false, canAdopt: true };
const SHARED: ChainOptions = { isShared: true, canAdopt: false };
const hold = { kind: 'append', input: { event: 'hold.add', command: 'hold add' } } as const;

/** The snapshot a store would read of a log of these entries, with its head and genesis marker intact. */
function snapshotOf(entries: readonly AuditEntry[], options: { isShared?: boolean } = {}): ChainSnapshot {
  const last = entries[entries.length - 1];
  const genesis = entries.find((e) => e.event === 'audit.genesis');
  return {
    tail: last,
    head: last === undefined ? undefined : buildAuditHead(last.seq, last.hash, signerWith(), { isKeyRecorded: options.isShared === true }),
    genesis: genesis === undefined ? undefined : { marker: genesis, hashNow: genesis.hash },
    firstEntryTime: entries[0]?.time,
    storeCreatedAt: undefined,
    keyEntries: entries.filter((e) => e.event.startsWith('keys.') || e.event === 'audit.genesis') as unknown as Record<string, unknown>[],
  };
}

const genesisEntry = (options: { isShared?: boolean } = {}) =>
  buildAuditEntry(undefined, signerWith(), buildGenesisInput(first.privateKey, now.toISOString(), 'init'), { isKeyRecorded: options.isShared === true });

describe('planChainWrite', () => {
  it('starts an empty log with its genesis, then the entry', () => {
    const plan = planChainWrite(snapshotOf([]), signerWith(), hold, SQLITE);
    expect(plan.entries.map((e) => [e.seq, e.event])).toEqual([
      [1, 'audit.genesis'],
      [2, 'hold.add'],
    ]);
    expect(plan.genesis).toEqual({ seq: 1, hash: plan.entries[0]!.hash });
    expect(plan.head).toMatchObject({ count: 2, last_hash: plan.entries[1]!.hash });
  });

  it('adopts a log from before genesis entries only where the store allows it', () => {
    const old = buildAuditEntry(undefined, signerWith(), { event: 'hold.add', command: 'hold add' });
    const adopted = planChainWrite(snapshotOf([old]), signerWith(), hold, SQLITE);
    expect(adopted.entries[0]).toMatchObject({ seq: 2, event: 'audit.genesis', details: { adopted_entries: 1 } });
    expect(() => planChainWrite(snapshotOf([old]), signerWith(), hold, SHARED)).toThrow('has entries but no genesis record');
  });

  it.each([
    ['a tail the head does not match', (s: ChainSnapshot): ChainSnapshot => ({ ...s, tail: { seq: 1, hash: 'sha256:x' } }), 'does not match its signed head'],
    ['a lost genesis', (s: ChainSnapshot): ChainSnapshot => ({ ...s, genesis: { marker: s.genesis!.marker, hashNow: undefined } }), 'lost its genesis entry'],
  ])('refuses %s (StoreError)', (_what, spoil, message) => {
    const snapshot = spoil(snapshotOf([genesisEntry()]));
    expect(() => planChainWrite(snapshot, signerWith(), hold, SQLITE)).toThrow(message);
    expect(() => planChainWrite(snapshot, signerWith(), hold, SQLITE)).toThrow(StoreError);
  });

  it('refuses a key the log does not have in force on a store of one host; a shared store enrols it', () => {
    expect(() => planChainWrite(snapshotOf([genesisEntry()]), signerWith(second.privateKey), hold, SQLITE)).toThrow(KeyError);
    const plan = planChainWrite(snapshotOf([genesisEntry({ isShared: true })], { isShared: true }), signerWith(second.privateKey), hold, SHARED);
    expect(plan.entries.map((e) => [e.seq, e.event, e.signed_by])).toEqual([
      [2, 'keys.enrol', keyFingerprint(second.publicKey)],
      [3, 'hold.add', keyFingerprint(second.publicKey)],
    ]);
    expect(plan.head?.signed_by).toBe(keyFingerprint(second.publicKey));
  });

  it('signs the head of a rotation with the new key, and never lets the retired key sign again, shared or not', () => {
    const genesis = genesisEntry();
    const rotation = planChainWrite(
      snapshotOf([genesis]),
      signerWith(),
      { kind: 'rotate', input: buildRotationInput(first.privateKey, second.privateKey, 'scheduled'), newKey: second.privateKey },
      SQLITE,
    );
    const head = rotation.head!;
    expect(verify(null, buildHeadBytes(head), second.publicKey, Buffer.from(head.signature, 'base64'))).toBe(true);
    const after = [genesis, ...rotation.entries];
    for (const options of [SQLITE, SHARED]) {
      expect(() => planChainWrite(snapshotOf(after), signerWith(first.privateKey), hold, options)).toThrow('was retired by the key rotation at seq 2');
    }
    expect(planChainWrite(snapshotOf(after), signerWith(second.privateKey), hold, SQLITE).written).toMatchObject({ seq: 3 });
  });
});
