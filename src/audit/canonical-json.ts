import { createRequire } from 'node:module';

// canonicalize is CommonJS whose types claim an ES default export; require() gives the function itself.
const serialize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/** RFC 8785 JSON Canonicalization Scheme: the exact bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalised as JSON');
  return text;
}
