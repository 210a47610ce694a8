/** A size as written in the config, with its number of bytes. */
export interface ByteSize {
  readonly text: string;
  readonly bytes: number;
}

// Decimal units, as S3 and R2 bill and list sizes: 1GB = 10^9 bytes.
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)$/i;

/** Parses a whole number of bytes (`1000000`, `"1000000"`) or a decimal size (`500MB`, `2GB`, `1.5GB`); undefined otherwise. */
export function parseByteSize(value: unknown): ByteSize | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? { text: String(value), bytes: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return parseByteSize(Number(text));
  const match = SIZE.exec(text);
  if (!match) return undefined;
  const bytes = Math.round(Number(match[1]) * UNIT_BYTES[match[2]!.toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? { text, bytes } : undefined;
}

/** `1000000000` → `1GB`, `1500000` → `1.5MB`: how notes say a size. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${bytes}B`;
}
