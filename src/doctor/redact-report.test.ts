import { describe, expect, it } from 'vitest';
import { redactAddresses, redactReport } from './redact-report.js';

describe('redactAddresses', () => {
  it.each([
    ['blocked 203.0.113.5 and 198.51.100.0/24', 'blocked REDACTED-IP and REDACTED-IP'],
    ['rule on 2001:db8::1 and 2001:db8:1::/48 and ::ffff:192.0.2.1', 'rule on REDACTED-IP and REDACTED-IP and REDACTED-IP'],
    [
      'at 2026-12-03T13:31:11Z, version 1.2.3, zone 023e105f4ecef8ad9ca31a8372d0c353',
      'at 2026-12-03T13:31:11Z, version 1.2.3, zone 023e105f4ecef8ad9ca31a8372d0c353',
    ],
    ['ends with 2001:db8::1. Or 192.0.2.1.', 'ends with REDACTED-IP. Or REDACTED-IP.'],
    ['999.1.1.1 is no address', '999.1.1.1 is no address'],
  ])('%s', (text, expected) => {
    expect(redactAddresses(text)).toBe(expected);
  });
});

describe('redactReport', () => {
  it('redacts the token, credentials and addresses in every string, keeping keys, numbers and structure', () => {
    const report = {
      ok: true,
      checks: [{ name: 'token', detail: 'token sk-live-123 refused from 192.0.2.7', hint: undefined }],
      observations: { message: 'Bearer abc.def failed; https://user:pw@example.com/?secret-access-key=xyz', status: 400, fields: ['clientIP'] },
    };
    expect(redactReport(report, ['sk-live-123'], { addresses: false }).checks[0]?.detail).toBe('token REDACTED refused from 192.0.2.7');
    expect(redactReport(report, ['sk-live-123'], { addresses: true })).toEqual({
      ok: true,
      checks: [{ name: 'token', detail: 'token REDACTED refused from REDACTED-IP', hint: undefined }],
      observations: { message: 'Bearer REDACTED failed; https://REDACTED@example.com/?secret-access-key=REDACTED', status: 400, fields: ['clientIP'] },
    });
  });
});
