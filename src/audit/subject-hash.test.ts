import { describe, expect, it } from 'vitest';
import { subjectHash } from './subject-hash.js';

const secret = Buffer.alloc(32, 7);
const otherSecret = Buffer.alloc(32, 8);

describe('subjectHash', () => {
  it('is stable for the same secret and address', () => {
    expect(subjectHash(secret, '203.0.113.5')).toBe(subjectHash(secret, '203.0.113.5'));
    expect(subjectHash(secret, '203.0.113.5')).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    // Pinned: the secret and normalisation must never silently change, or old entries stop matching.
    expect(subjectHash(secret, '203.0.113.5')).toBe(subjectHash(secret, ' 203.0.113.5 '));
  });

  it('depends on the secret', () => {
    expect(subjectHash(secret, '203.0.113.5')).not.toBe(subjectHash(otherSecret, '203.0.113.5'));
  });

  it.each([
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['198.51.100.77/24', '198.51.100.0/24'],
    ['203.0.113.5/32', '203.0.113.5'],
    ['2001:db8::abcd/64', '2001:DB8::/64'],
  ])('normalises %s like %s', (a, b) => {
    expect(subjectHash(secret, a)).toBe(subjectHash(secret, b));
  });

  it('keeps the prefix of a range apart from its base address', () => {
    expect(subjectHash(secret, '198.51.100.0/24')).not.toBe(subjectHash(secret, '198.51.100.0'));
    expect(subjectHash(secret, '198.51.100.0/24')).not.toBe(subjectHash(secret, '198.51.100.0/25'));
  });

  it('rejects what is not an address', () => {
    expect(() => subjectHash(secret, 'example.com')).toThrow(TypeError);
    expect(() => subjectHash(Buffer.alloc(0), '203.0.113.5')).toThrow(TypeError);
  });
});
