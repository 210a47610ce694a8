/** A small seeded PRNG (mulberry32): the same seed always gives the same sequence, so faults and seeds are reproducible. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
}

// Number#toString(16) is several times slower than a table when millions of ids are generated.
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick() needs a non-empty array');
      return item;
    },
    hex: (length: number): string => {
      let out = '';
      for (let i = 0; i < length; i += 2) out += HEX_BYTES[Math.floor(next() * 256)] as string;
      return out.length === length ? out : out.slice(0, length);
    },
  };
}
