/** Loose readers for SDK results: the SDK types are generated, but what a server sends is checked here. */

export type Loose = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

export function readString(record: Loose, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

export function readNumber(record: Loose, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readBoolean(record: Loose, key: string): boolean | undefined {
  const value = record[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function readDate(record: Loose, key: string): Date | undefined {
  const text = readString(record, key);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function readStrings(record: Loose, key: string): string[] {
  const value = record[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A malformed object from the API: reported as an error of its part, never half-read. */
export class MalformedObjectError extends Error {
  constructor(what: string) {
    super(`Cloudflare returned a malformed ${what}`);
    this.name = 'MalformedObjectError';
  }
}

export function requireString(record: Loose, key: string, what: string): string {
  const value = readString(record, key);
  if (value === undefined || value === '') throw new MalformedObjectError(`${what} (no ${key})`);
  return value;
}
