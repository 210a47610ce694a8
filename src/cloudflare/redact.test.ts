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
    ['https://endpoint1.collection.eu.sumologic.com/receiver/v1/http/ZaVnC4dhaV39Tn37', 'https://endpoint1.collection.eu.sumologic.com/receiver/v1/http/REDACTED'],
    [
      'datadog://http-intake.logs.datadoghq.eu/api/v2/logs?header_DD-API-KEY=dd0123456789&ddsource=cloudflare',
      'datadog://http-intake.logs.datadoghq.eu/api/v2/logs?header_DD-API-KEY=REDACTED&ddsource=cloudflare',
    ],
    ['gs://bucket/logs/{DATE}', 'gs://bucket/logs/{DATE}'],
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
});
