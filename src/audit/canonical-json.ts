import { createRequire } from 'node:module';

// canonicalize is CommonJS whose types claim an ES default export; require() gives the function itself.
const serialize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/** RFC 8785 JSON Canonicalization Scheme: the exact bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalised as JSON');
  return text;
}

/**
 * The canonical JSON of a plain object, and of the same object without the `omit` keys, from one serialisation of
 * its members: verify needs both (the line as it must be written, and the bytes that were hashed and signed).
 */
export function canonicalJsonPair(object: Record<string, unknown>, omit: readonly string[]): { whole: string; without: string } {
  const whole: string[] = [];
  const without: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const value = object[key];
    if (value === undefined) continue;
    const member = `${canonicalJson(key)}:${canonicalJson(value)}`;
    whole.push(member);
    if (!omit.includes(key)) without.push(member);
  }
  return { whole: `{${whole.join(',')}}`, without: `{${without.join(',')}}` };
}
