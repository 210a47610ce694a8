import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Hold } from '../policy/holds.js';
import { buildLogLineTest, MAX_LINE_CHARS, parseLogpushTimeMs, scanLogStream, type LineVerdict, type ObjectSpan } from './scan-object.js';

const AT = new Date('2026-12-01T00:00:00Z');
const SPAN: ObjectSpan = { startMs: Date.parse('2026-10-01T10:00:00Z'), endMs: Date.parse('2026-10-01T10:05:00Z') };
const INSIDE = '2026-10-01T10:01:00Z';

function hold(network: string, extra: Partial<Hold> = {}): Hold {
  return {
    id: `h-${network}`,
    network,
    country: undefined,
    from: new Date('2026-10-01T10:00:30Z'),
    to: new Date('2026-10-01T10:02:00Z'),
    until: undefined,
    releasedAt: undefined,
    reason: 'Police request',
    reference: undefined,
    createdAt: AT,
    createdBy: 'test',
    ...extra,
  };
}

const line = (fields: Record<string, unknown>) => JSON.stringify({ Action: 'block', ClientCountry: 'kr', Datetime: INSIDE, RayID: '8f00', ...fields });

function gzipLines(lines: readonly string[]): Readable {
  return Readable.from([gzipSync(lines.join('\n') + '\n')]);
}

const LINE_CASES: [string, string, LineVerdict][] = [
  ['IPv4 inside', line({ ClientIP: '203.0.113.7' }), 'held'],
  ['IPv4 neighbour', line({ ClientIP: '203.0.113.70' }), 'not_held'],
  ['IPv4-mapped IPv6 of a held IPv4', line({ ClientIP: '::ffff:203.0.113.7' }), 'held'],
  ['IPv4-mapped IPv6 in hex', line({ ClientIP: '::FFFF:cb00:7107' }), 'held'],
  ['IPv6 in a held /64', line({ ClientIP: '2001:db8::beef' }), 'held'],
  ['IPv6 outside', line({ ClientIP: '2001:db9::1' }), 'not_held'],
  ['country hold, other country', line({ ClientIP: '198.51.100.9' }), 'not_held'],
  ['country hold, its country (lower case as Logpush writes it)', line({ ClientIP: '198.51.100.9', ClientCountry: 'de' }), 'held'],
  ['country hold, no country on the line', line({ ClientIP: '198.51.100.9', ClientCountry: undefined }), 'held'],
  ['before the hold', line({ ClientIP: '203.0.113.7', Datetime: '2026-10-01T10:00:00Z' }), 'not_held'],
  ['unix seconds inside', line({ ClientIP: '203.0.113.7', Datetime: Date.parse(INSIDE) / 1000 }), 'held'],
  ['unix nanos of an http request', line({ ClientIP: '203.0.113.7', Datetime: undefined, EdgeStartTimestamp: Date.parse(INSIDE) * 1e6 }), 'held'],
  ['no readable time: the whole object span', line({ ClientIP: '203.0.113.7', Datetime: 'yesterday' }), 'held'],
  ['white space around the key', `{"ClientIP" : "203.0.113.7", "Datetime": "${INSIDE}"}`, 'held'],
  ['an escaped value', `{"ClientIP":"203.0.113.\\u0037","Datetime":"${INSIDE}"}`, 'held'],
  ['the key twice', `{"ClientIP":"192.0.2.1","ClientIP":"203.0.113.7","Datetime":"${INSIDE}"}`, { unreadable: 'duplicate_client_ip' }],
  ['"ClientIP" as a value elsewhere', `{"Note":"ClientIP","ClientIP":"203.0.113.7","Datetime":"${INSIDE}"}`, 'held'],
  ['blank line', '   ', 'not_held'],
  ['not JSON', '{"ClientIP":"203.0.113.7"', { unreadable: 'not_json' }],
  ['no ClientIP', line({ ClientIP: undefined }), { unreadable: 'no_client_ip' }],
  ['ClientIP not an address', line({ ClientIP: 'redacted' }), { unreadable: 'no_client_ip' }],
  ['a held line with Korean text', line({ ClientIP: '203.0.113.7', ClientRequestPath: '/검색/개인정보' }), 'held'],
  ['the key twice, the held one first', `{"ClientIP":"203.0.113.7","ClientIP":"192.0.2.1","Datetime":"${INSIDE}"}`, { unreadable: 'duplicate_client_ip' }],
  [
    'the key again in a nested object',
    `{"ClientIP":"192.0.2.1","Meta":{"ClientIP" :"192.0.2.2"},"Datetime":"${INSIDE}"}`,
    { unreadable: 'duplicate_client_ip' },
  ],
];
const TEST_HOLDS = [hold('203.0.113.7'), hold('2001:db8::/64'), hold('198.51.100.0/24', { country: 'DE' })];

describe('buildLogLineTest', () => {
  const test = buildLogLineTest(TEST_HOLDS, AT, SPAN);
  it.each(LINE_CASES)('%s', (_name, text, expected) => {
    expect(test(text)).toEqual(expected);
  });

  it.each([
    ['2001:db8:ffff:1::42', 'held'],
    ['2001:0db8:ffff:0001:0000:0000:0000:0042', 'held'],
    ['2001:DB8:FFFF:1:0:0:0:42', 'held'],
    ['2001:db8:ffff:1:abcd:ef01:2345:6789', 'held'],
    ['2001:db8:ffff:1::192.0.2.1', 'held'],
    ['2001:db8:ffff:2::42', 'not_held'],
    ['2001:db8:fff:1::42', 'not_held'],
    ['2001:db80:ffff:1::42', 'not_held'],
    ['2002:db8:ffff:1::42', 'not_held'],
    ['fe80::1', 'not_held'],
    ['::ffff:203.0.113.7', 'not_held'],
    ['::', 'not_held'],
  ])('an IPv6 /64 hold: %s is %s, however it is spelt', (ip, expected) => {
    const v6 = buildLogLineTest([hold('2001:db8:ffff:1::/64')], AT, SPAN);
    expect(v6(line({ ClientIP: ip }))).toBe(expected);
  });

  it('a hold on ::/0 covers every line: IPv4 lives inside IPv6 (as the project reads networks)', () => {
    const all = buildLogLineTest([hold('::/0')], AT, SPAN);
    expect(all(line({ ClientIP: 'fe80::1' }))).toBe('held');
    expect(all(line({ ClientIP: '2a01:4f8::1' }))).toBe('held');
    expect(all(line({ ClientIP: '192.0.2.1' }))).toBe('held');
  });

  it('a hold on an address with no time range covers the line whatever its time', () => {
    const any = buildLogLineTest([hold('203.0.113.7', { from: undefined, to: undefined })], AT, SPAN);
    expect(any(line({ ClientIP: '203.0.113.7', Datetime: '2001-01-01T00:00:00Z' }))).toBe('held');
  });

  it('a released hold covers nothing', () => {
    const released = buildLogLineTest([hold('203.0.113.7', { releasedAt: new Date('2026-11-01T00:00:00Z') })], AT, SPAN);
    expect(released(line({ ClientIP: '203.0.113.7' }))).toBe('not_held');
  });
});

describe('parseLogpushTimeMs', () => {
  const ms = Date.parse('2026-10-01T10:01:00.123Z');
  it.each([
    ['2026-10-01T10:01:00.123Z', ms],
    ['2026-10-01T10:01:00.123456789Z', ms],
    ['2026-10-01T19:01:00.123+09:00', ms],
    ['2026-10-01t10:01:00.123z', ms],
    [1790762460, 1790762460000],
    ['1790762460', 1790762460000],
    [1790762460123000000, 1790762460123],
    ['1790762460123000000', 1790762460123],
    [1790762460123, undefined], // milliseconds: not a Logpush format
    ['2026-10-01 10:01:00', undefined],
    ['2026-13-01T10:01:00Z', undefined],
    [-1, undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseLogpushTimeMs(value)).toBe(expected);
  });
});

describe('scanLogStream', () => {
  const test = buildLogLineTest([hold('203.0.113.7')], AT, SPAN);
  const others = Array.from({ length: 50 }, (_, i) => line({ ClientIP: `192.0.2.${i}` }));

  it('clear when no line is held, counting every line', async () => {
    expect(await scanLogStream(gzipLines(others), test)).toEqual({ kind: 'clear', lines: 50 });
  });

  it('stops at the first held line', async () => {
    const lines = [...others.slice(0, 10), line({ ClientIP: '::ffff:203.0.113.7' }), ...others.slice(10)];
    expect(await scanLogStream(gzipLines(lines), test)).toEqual({ kind: 'held', lines: 11 });
  });

  it('reads a last line without a newline, and CRLF line ends', async () => {
    const body = gzipSync([...others.slice(0, 3), line({ ClientIP: '203.0.113.7' })].join('\r\n'));
    expect(await scanLogStream(Readable.from([body]), test)).toEqual({ kind: 'held', lines: 4 });
  });

  it('finds a line split across many small chunks', async () => {
    const body = gzipSync([...others, line({ ClientIP: '203.0.113.7' }), ...others].join('\n'));
    const chunks = Array.from({ length: Math.ceil(body.length / 7) }, (_, i) => body.subarray(i * 7, i * 7 + 7));
    expect(await scanLogStream(Readable.from(chunks), test)).toEqual({ kind: 'held', lines: 51 });
  });

  it('an unreadable line makes the object undetermined, but a held line after it still decides', async () => {
    expect(await scanLogStream(gzipLines([others[0]!, 'garbage', others[1]!]), test)).toEqual({
      kind: 'undetermined',
      reason: 'unreadable_line',
      code: 'not_json',
      lines: 2,
    });
    expect(await scanLogStream(gzipLines(['garbage', line({ ClientIP: '203.0.113.7' })]), test)).toEqual({ kind: 'held', lines: 2 });
  });

  it('not gzip, or cut short: undetermined with the zlib code', async () => {
    expect(await scanLogStream(Readable.from([Buffer.from(others.join('\n'))]), test)).toMatchObject({
      kind: 'undetermined',
      reason: 'not_gzip',
      code: 'Z_DATA_ERROR',
    });
    const whole = gzipSync(others.join('\n'));
    expect(await scanLogStream(Readable.from([whole.subarray(0, whole.length - 20)]), test)).toMatchObject({
      kind: 'undetermined',
      reason: 'not_gzip',
      code: 'Z_BUF_ERROR',
    });
  });

  it('a read error of the source: undetermined with its code, never its message', async () => {
    const body = gzipSync(others.join('\n'));
    const failing = new Readable({
      read() {
        this.push(body.subarray(0, 40));
        this.destroy(Object.assign(new Error('GET /bucket/secret-key.log.gz: socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    const scan = await scanLogStream(failing, test);
    expect(scan).toMatchObject({ kind: 'undetermined', reason: 'read_failed', code: 'ECONNRESET' });
    expect(JSON.stringify(scan)).not.toContain('secret-key');
  });

  // The stream finds lines and keys in bytes: it must agree with the line test on every case, whatever the chunks.
  it.each(LINE_CASES)('agrees with the line test, between other lines and in 5-byte chunks: %s', async (_name, text, expected) => {
    const scanner = buildLogLineTest(TEST_HOLDS, AT, SPAN);
    const kind = expected === 'held' ? 'held' : expected === 'not_held' ? 'clear' : 'undetermined';
    const body = gzipSync([...others.slice(0, 5), text, ...others.slice(5, 9), 'x"ClientIP"', text].join('\n'));
    // The odd 'x"ClientIP"' line is no JSON: clear lines around it still make the object undetermined.
    const around = kind === 'clear' ? 'undetermined' : kind;
    expect((await scanLogStream(Readable.from([body]), scanner)).kind).toBe(around);
    const chunks = Array.from({ length: Math.ceil(body.length / 5) }, (_, i) => body.subarray(i * 5, i * 5 + 5));
    expect((await scanLogStream(Readable.from(chunks), scanner)).kind).toBe(around);
    expect((await scanLogStream(gzipLines([text]), scanner)).kind).toBe(kind);
  });

  it('a line longer than any Logpush line: undetermined, without holding it whole', async () => {
    const body = gzipSync('x'.repeat(MAX_LINE_CHARS * 3));
    expect(await scanLogStream(Readable.from([body]), test)).toMatchObject({ kind: 'undetermined', reason: 'line_too_long' });
  });
});
