import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findForbiddenContent } from './guard.js';
import { buildFailureRecords, describeFailureCodes, describeFailures } from './failure-record.js';

const secret = Buffer.alloc(32, 7);
const keyed = (text: string) => 'hmac-sha256:' + createHmac('sha256', secret).update(text, 'utf8').digest('hex');

describe('buildFailureRecords', () => {
  const failures = [
    { code: 'cloudflare:10000', status: 403, message: 'HTTP 403: 10000 Rule::Block fd00:: 203.0.113.005 차단' },
    { code: 'cloudflare:10000', status: 403, message: 'HTTP 403: 10000 Rule::Block fd00:: 203.0.113.005 차단' },
    { code: 'http:503', status: 503, message: 'HTTP 503' },
    { code: 'still_present', status: null, message: '' },
  ];

  it('groups by code, status and keyed text hash, most frequent first, with nothing the log refuses', () => {
    const records = buildFailureRecords(failures, secret);
    expect(records).toEqual([
      { code: 'cloudflare:10000', status: 403, text_hash: keyed(failures[0]!.message), count: 2 },
      { code: 'http:503', status: 503, text_hash: keyed('HTTP 503'), count: 1 },
      { code: 'still_present', status: null, text_hash: null, count: 1 },
    ]);
    expect(findForbiddenContent(records)).toBeUndefined();
  });

  it('has no text hash without a secret, and keeps the words for stderr apart from the codes for stdout', () => {
    expect(buildFailureRecords(failures.slice(2, 3), undefined)).toEqual([{ code: 'http:503', status: 503, text_hash: null, count: 1 }]);
    expect(describeFailureCodes(failures)).toBe('2× cloudflare:10000 (HTTP 403); 1× http:503 (HTTP 503); 1× still_present');
    expect(describeFailures(failures)).toContain('2× HTTP 403: 10000 Rule::Block fd00:: 203.0.113.005 차단');
  });
});
