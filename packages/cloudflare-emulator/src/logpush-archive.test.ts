import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateLogpushObjects, LOGPUSH_JOB_FIELDS } from './logpush-archive.js';
import { generateFirewallEvents } from './seed.js';

describe('generateLogpushObjects', () => {
  const from = new Date('2026-11-24T23:50:00Z');
  const events = generateFirewallEvents({ seed: 5, from, to: new Date(from.getTime() + 20 * 60_000), count: 400, ipv6Share: 0.3 });
  const objects = generateLogpushObjects({ prefix: 'firewall/', events, windowMs: 5 * 60_000 });

  it('writes one file per 5-minute window, named <DATE>/<start>_<end>_<hash>.log.gz in the folder of its start', () => {
    expect(objects.map((o) => o.key.replace(/_[0-9a-f]{8}\.log\.gz$/, ''))).toEqual([
      'firewall/20261124/20261124T235000Z_20261124T235500Z',
      'firewall/20261124/20261124T235500Z_20261125T000000Z',
      'firewall/20261125/20261125T000000Z_20261125T000500Z',
      'firewall/20261125/20261125T000500Z_20261125T001000Z',
    ]);
  });

  it('holds every event once as gzip NDJSON with the Logpush job fields, each line inside its file window', () => {
    const lines = objects.flatMap((object) => {
      const [, start, end] = /(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)/.exec(object.key)!;
      const toMs = (t: string) => Date.parse(t.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      const parsed = gunzipSync(object.body)
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);
      for (const line of parsed) {
        expect(Date.parse(line['Datetime']!)).toBeGreaterThanOrEqual(toMs(start!));
        expect(Date.parse(line['Datetime']!)).toBeLessThan(toMs(end!));
      }
      return parsed;
    });
    expect(lines).toHaveLength(events.length);
    expect(Object.keys(lines[0]!)).toEqual(LOGPUSH_JOB_FIELDS);
    expect(lines.some((line) => line['ClientIP']!.includes(':'))).toBe(true);
    expect(lines.some((line) => /^\d+\.\d+\.\d+\.\d+$/.test(line['ClientIP']!))).toBe(true);
    // Lower case, as Logpush writes it (t1: Tor).
    expect(lines.every((line) => /^[a-z][a-z0-9]$/.test(line['ClientCountry']!))).toBe(true);
  });
});
