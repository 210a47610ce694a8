import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createContext, type GlobalOptions } from './context.js';
import type { Io } from './io.js';
import { redactSecrets, renderLogLine, replaceAddresses, selectLogFormat } from './log-format.js';

describe('replaceAddresses', () => {
  it.each([
    ['client 203.0.113.5 blocked', 'client [ip] blocked'],
    ['range 198.51.100.0/24', 'range [ip]/24'],
    ['http://127.0.0.1:9/client/v4', 'http://[ip]:9/client/v4'],
    ['http://[::1]:9/client/v4', 'http://[[ip]]:9/client/v4'],
    ['2001:db8::1/64 and 2001:db8:0:0:0:0:0:2', '[ip]/64 and [ip]'],
    ['mapped ::ffff:192.0.2.1.', 'mapped [ip].'],
    ['at fe80::1:', 'at [ip]:'],
  ])('%s', (text, expected) => {
    expect(replaceAddresses(text)).toBe(expected);
  });

  it.each(['2025-03-01T12:30:45.000Z', 'took 12:30:45', 'version 1.2.3', 'zone 023e105f4ecef8ad9ca31a8372d0c353', '300.1.2.3'])('leaves %s alone', (text) => {
    expect(replaceAddresses(text)).toBe(text);
  });
});

describe('redactSecrets', () => {
  it('replaces every secret, the longer first, and ignores empty ones', () => {
    expect(redactSecrets('tok tok-and-more x', ['tok', 'tok-and-more', ''])).toBe('[redacted] [redacted] x');
  });
});

describe('selectLogFormat', () => {
  it.each([
    [undefined, {}, 'text'],
    ['json', {}, 'json'],
    [undefined, { LUXERET_LOG_FORMAT: 'json' }, 'json'],
    ['text', { LUXERET_LOG_FORMAT: 'json' }, 'text'],
    [undefined, { LUXERET_LOG_FORMAT: ' ' }, 'text'],
  ])('--log-format %s with %o is %s', (flag, env, expected) => {
    expect(selectLogFormat(flag, env)).toBe(expected);
  });

  it('names the variable when its value is unknown', () => {
    expect(() => selectLogFormat(undefined, { LUXERET_LOG_FORMAT: 'xml' })).toThrow('LUXERET_LOG_FORMAT must be one of text, json, not "xml"');
  });
});

describe('renderLogLine', () => {
  it('writes time, level, command and event first, then the fields, cleaned; undefined fields are left out', () => {
    const line = renderLogLine(
      {
        time: new Date('2025-03-01T00:00:00Z'),
        level: 'error',
        command: 'hold add',
        event: 'error',
        fields: { message: 'secret at 192.0.2.7', hint: undefined, exit_code: 2, event: 'not this' },
      },
      (text) => text.replace('secret', '[redacted]'),
    );
    expect(line).toBe(
      '{"time":"2025-03-01T00:00:00.000Z","level":"error","command":"hold add","event":"error","message":"[redacted] at [ip]","exit_code":2}\n',
    );
  });
});

describe('the context in JSON mode', () => {
  const start = Date.parse('2025-03-01T00:00:00Z');
  const setUp = (globals: GlobalOptions, env: Record<string, string> = {}) => {
    let stderr = '';
    let nowMs = start;
    const io: Io = {
      stdout: () => {},
      stderr: (text) => void (stderr += text),
      isStdoutTty: false,
      isStderrTty: true,
      env,
      cwd: tmpdir(),
      now: () => nowMs,
      sleep: () => Promise.resolve(),
    };
    const ctx = createContext(io, () => globals, '0.0.0');
    return {
      ctx,
      lines: () =>
        stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      raw: () => stderr,
      advance: (ms: number) => (nowMs += ms),
    };
  };

  it('writes progress as ordinary lines, at most one per 5 s, never redrawn with \\r', () => {
    const { ctx, lines, raw, advance } = setUp({ logFormat: 'json' });
    ctx.progress('1/3');
    advance(1_000);
    ctx.progress('2/3');
    advance(4_000);
    ctx.progress('3/3');
    ctx.progress('');
    expect(raw()).not.toContain('\r');
    expect(lines().map((line) => [line['event'], line['message'], line['time']])).toEqual([
      ['progress', '1/3', '2025-03-01T00:00:00.000Z'],
      ['progress', '3/3', '2025-03-01T00:00:05.000Z'],
    ]);
  });

  it('turns notes, verbose detail and text written to stderr into events; --quiet keeps notes and progress out', () => {
    const token = 'ctx-token-123456789';
    const { ctx, lines } = setUp(
      { logFormat: 'json', verbose: true },
      { CLOUDFLARE_API_TOKEN: token, LUXERET_DATABASE_URL: 'postgres://u:hunter2-pw@db.example.test/x' },
    );
    ctx.command.path = 'purge';
    ctx.note(`note: the token ${token} and hunter2-pw`);
    ctx.verbose('detail');
    ctx.io.stderr('luxeret-privacy: zone z: failed\nhint: try again\n');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', command: 'purge', event: 'note', message: 'the token [redacted] and [redacted]' }),
      expect.objectContaining({ level: 'debug', event: 'verbose', message: 'detail' }),
      expect.objectContaining({ level: 'warn', event: 'message', message: 'zone z: failed' }),
      expect.objectContaining({ level: 'info', event: 'hint', message: 'try again' }),
    ]);
    const quiet = setUp({ logFormat: 'json', quiet: true });
    quiet.ctx.note('n');
    quiet.ctx.progress('p');
    expect(quiet.raw()).toBe('');
  });
});
