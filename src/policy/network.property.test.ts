import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectHash } from '../audit/subject-hash.js';
import { buildNetworkMatcher, networkContains, networksOverlap, parseNetwork } from './network.js';

// Independent of the module under test: a raw 128-bit value and the one address it stands for.
const MAPPED = 0xffffn << 32n;
function canonicalKey(value: bigint): string {
  const high = value >> 32n;
  if (high === 0xffffn || (high === 0n && value >= 2n)) return `v4:${value & 0xffffffffn}`;
  return `v6:${value}`;
}

/** Spells a raw 128-bit value in one of several valid ways (full, compressed-ish, upper case, embedded dotted quad). */
function spell(value: bigint, style: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  const dotted = [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join('.');
  switch (style % 4) {
    case 0:
      return groups.join(':');
    case 1:
      return groups.map((g) => g.padStart(4, '0').toUpperCase()).join(':');
    case 2:
      return `${groups.slice(0, 6).join(':')}:${dotted}`;
    default:
      return value >> 32n === 0xffffn ? `::ffff:${dotted}` : value >> 32n === 0n ? `::${dotted}` : groups.join(':');
  }
}

/** A small network near one of a few anchors, so that containment and overlap both happen often. */
const ANCHORS = [MAPPED + 0xcb007100n, 0xcb007100n, 0x20010db8n << 96n, 0n, MAPPED];
const smallNetwork = fc.record({
  anchor: fc.constantFrom(...ANCHORS),
  v4: fc.boolean(),
  offset: fc.integer({ min: 0, max: 255 }),
  hostBits: fc.integer({ min: 0, max: 8 }),
  style: fc.nat(),
});

interface Generated {
  readonly text: string;
  readonly values: bigint[];
}

function build({ anchor, v4, offset, hostBits, style }: { anchor: bigint; v4: boolean; offset: number; hostBits: number; style: number }): Generated {
  const size = 1n << BigInt(hostBits);
  const start = ((anchor + BigInt(offset)) / size) * size;
  const values = Array.from({ length: Number(size) }, (_, i) => start + BigInt(i));
  const isV4Anchor = anchor >> 32n === 0xffffn;
  if (v4 && isV4Anchor) {
    const low = start & 0xffffffffn;
    const dotted = [24n, 16n, 8n, 0n].map((shift) => Number((low >> shift) & 0xffn)).join('.');
    return { text: `${dotted}/${32 - hostBits}`, values };
  }
  return { text: `${spell(start, style)}/${128 - hostBits}`, values };
}

const keys = (g: Generated): Set<string> => new Set(g.values.map(canonicalKey));

describe('one address model (property-based)', () => {
  it('normalising is idempotent, and every spelling of one address is the same network with the same subject hash', () => {
    const secret = Buffer.alloc(32, 7);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.nat(), fc.nat(), (low, a, b) => {
        const first = parseNetwork(spell(MAPPED + low, a))!;
        const second = parseNetwork(spell(MAPPED + low, b))!;
        expect(parseNetwork(first.text)).toEqual(first);
        expect(second).toEqual(first);
        expect(first.family).toBe('ipv4');
        expect(subjectHash(secret, spell(MAPPED + low, a))).toBe(subjectHash(secret, first.text));
        if (low >= 2n) expect(parseNetwork(spell(low, b))).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it('normalising any valid network is idempotent', () => {
    fc.assert(
      fc.property(smallNetwork, (spec) => {
        const network = parseNetwork(build(spec).text)!;
        expect(network).toBeDefined();
        expect(parseNetwork(network.text)).toEqual(network);
      }),
      { numRuns: 300 },
    );
  });

  it('containment, overlap and the matcher agree with a brute-force check of every address', () => {
    fc.assert(
      fc.property(smallNetwork, smallNetwork, (a, b) => {
        const [outer, inner] = [build(a), build(b)];
        const [outerKeys, innerKeys] = [keys(outer), keys(inner)];
        const outerNet = parseNetwork(outer.text)!;
        const innerNet = parseNetwork(inner.text)!;
        expect(networkContains(outerNet, innerNet)).toBe([...innerKeys].every((k) => outerKeys.has(k)));
        expect(networksOverlap(outerNet, innerNet)).toBe([...innerKeys].some((k) => outerKeys.has(k)));
        const matches = buildNetworkMatcher([outerNet]);
        for (const [i, value] of inner.values.entries()) expect(matches(spell(value, i))).toBe(outerKeys.has(canonicalKey(value)));
      }),
      { numRuns: 300 },
    );
  });
});
