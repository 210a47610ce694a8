/** Durations as Cloudflare's live limit errors print them (G2): `1w1d`, `4w2d`, `3d32s`, `1m500ms`; zero is `0s`. */
const UNITS: readonly [string, number][] = [
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

export function formatDurationUnits(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let out = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out === '' ? '0s' : out;
}
