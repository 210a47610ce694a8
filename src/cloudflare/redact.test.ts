import { describe, expect, it } from 'vitest';
import { redactDestinationConf, redactSecrets } from './redact.js';

describe('redactDestinationConf', () => {
  it.each([
    [
      'r2://cf-logs/firewall/{DATE}?account-id=0123abcd&access-key-id=AKIDSECRET1&secret-access-key=SUPERSECRET2',
      'r2://cf-logs/firewall/{DATE}?account-id=0123abcd&access-key-id=REDACTED&secret-access-key=REDACTED',
    ],
    ['s3://bucket/path?region=us-west-2', 's3://bucket/path?region=us-west-2'],
    ['s3://bucket/path?region=us-west-2&sse=AES256', 's3://bucket/path?region=us-west-2&sse=AES256'],
    [
      'https://logs.example.com/in?X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=abcdef0123&X-Amz-Date=20260101',
      'https://logs.example.com/in?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Date=REDACTED',
    ],
    [
      'azure://container/path?sv=2020-08-04&ss=b&srt=co&sp=rw&se=2030-01-01&sig=ABC%2Bdef%3D',
      'azure://container/path?sv=REDACTED&ss=REDACTED&srt=REDACTED&sp=REDACTED&se=REDACTED&sig=REDACTED',
    ],
    ['https://user:pa55word@logs.example.com/in', 'https://REDACTED@logs.example.com/in'],
    [
      'https://endpoint1.collection.eu.sumologic.com/receiver/v1/http/ZaVnC4dhaV39Tn37',
      'https://endpoint1.collection.eu.sumologic.com/receiver/v1/http/REDACTED',
    ],
    [
      'datadog://http-intake.logs.datadoghq.eu/api/v2/logs?header_DD-API-KEY=dd0123456789&ddsource=cloudflare',
      'datadog://http-intake.logs.datadoghq.eu/api/v2/logs?header_DD-API-KEY=REDACTED&ddsource=cloudflare',
    ],
    ['gs://bucket/logs/{DATE}', 'gs://bucket/logs/{DATE}'],
    ['https://hooks.example.com/services/T0123ABCD/B0456EFGH/aZ9xQ2wE7rT5yU1iO3pL8kJ6', 'https://hooks.example.com/services/T0123ABCD/B0456EFGH/REDACTED'],
    [
      'https://splunk.example.com:8088/services/collector/raw/4f2a9c1e-77b3-4d2e-9a51-0c6e8b3f7d12?channel=abc',
      'https://splunk.example.com:8088/services/collector/raw/REDACTED?channel=abc',
    ],
    ['https://logs.example.com/in/Xk29fPq7LmZ3vR8tNw4y', 'https://logs.example.com/in/REDACTED'],
    ['s3://cf-logs/AKIAIOSFODNN7EXAMPLEsecretpart9/{DATE}?region=eu', 's3://cf-logs/REDACTED/{DATE}?region=eu'],
    ['r2://cf-logs/luxeret-firewall-events/2026-01-01/{DATE}', 'r2://cf-logs/luxeret-firewall-events/2026-01-01/{DATE}'],
    ['https://logs.example.com/cloudflare/http-requests/ingest', 'https://logs.example.com/cloudflare/http-requests/ingest'],
    ['r2://b?token', 'r2://b?token'],
  ])('%s', (input, expected) => {
    expect(redactDestinationConf(input)).toBe(expected);
  });

  it('redacts parameters it does not know (allow-list)', () => {
    expect(redactDestinationConf('s3://b?region=eu&new-secret-thing=zzz')).toBe('s3://b?region=eu&new-secret-thing=REDACTED');
  });
});

describe('redactSecrets', () => {
  it('redacts secrets inside free text', () => {
    const text = 'failed: r2://b/{DATE}?account-id=1&access-key-id=AKID9&secret-access-key=SEKRET9 (Bearer tok_abc.def)';
    const out = redactSecrets(text);
    expect(out).not.toMatch(/AKID9|SEKRET9|tok_abc/);
    expect(out).toContain('account-id=1');
  });

  it('redacts token path segments of any URL in free text', () => {
    const out = redactSecrets('POST https://hooks.example.com/services/T0123ABCD/B0456EFGH/aZ9xQ2wE7rT5yU1iO3pL8kJ6 failed: 403');
    expect(out).toBe('POST https://hooks.example.com/services/T0123ABCD/B0456EFGH/REDACTED failed: 403');
  });
});
