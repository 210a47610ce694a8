import { createHash } from 'node:crypto';

/**
 * A 64-bit advisory-lock key from a name (the first 8 bytes of its SHA-256), the same on every host. Names carry
 * the tool's name, so another tool's advisory locks on the same database never collide with ours.
 */
export function deriveLockKey(name: string): string {
  return createHash('sha256').update(`luxeret-privacy:${name}`).digest().readBigInt64BE(0).toString();
}
