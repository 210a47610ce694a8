import { isIP } from 'node:net';
import type { EnvVars } from '../config/environment.js';
import { UsageError } from '../errors.js';
import { sanitiseTerminalText } from '../report/terminal-text.js';

/** How notes, progress and errors go to stderr: lines for a person, or one JSON object per line for journald or a SIEM. */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_FORMAT_VARIABLE = 'LUXERET_LOG_FORMAT';

/** A value of a log line's fields: what JSON can hold flat. */
export type LogField = string | number | boolean | null | undefined;

export interface LogRecord {
  readonly time: Date;
  readonly level: LogLevel;
  /** The command path (`hold add`); null before one was chosen (a usage error, `--version`). */
  readonly command: string | null;
  /** A short, stable code: `note`, `verbose`, `progress`, `error`, `usage_error`, `help`, `message`, `hint`. */
  readonly event: string;
  readonly fields: Readonly<Record<string, LogField>>;
}

/**
 * The format asked for: `--log-format` (commander checks its choices), else LUXERET_LOG_FORMAT, else text. An unknown
 * value of the variable is a usage error naming it.
 */
export function selectLogFormat(flag: string | undefined, env: EnvVars): LogFormat {
  if (isLogFormat(flag)) return flag;
  const fromEnv = env[LOG_FORMAT_VARIABLE]?.trim();
  if (fromEnv === undefined || fromEnv === '') return 'text';
  if (isLogFormat(fromEnv)) return fromEnv;
  throw new UsageError(`${LOG_FORMAT_VARIABLE} must be one of ${LOG_FORMATS.join(', ')}, not ${JSON.stringify(sanitiseTerminalText(fromEnv.slice(0, 40)))}`, {
    hint: `Set ${LOG_FORMAT_VARIABLE}=json for one JSON object per line on stderr, or unset it.`,
  });
}

/** Like selectLogFormat, but never throws: an unusable variable means text (the run reports it once, in text). */
export function readLogFormat(flag: string | undefined, env: EnvVars): LogFormat {
  try {
    return selectLogFormat(flag, env);
  } catch {
    return 'text';
  }
}

function isLogFormat(value: string | undefined): value is LogFormat {
  return (LOG_FORMATS as readonly (string | undefined)[]).includes(value);
}

/**
 * One line of JSON, keys in a fixed order (time, level, command, event, then the fields). `clean` runs over every string
 * value (secrets out, terminal controls neutralised); addresses are replaced as well, so a log line never holds an IP.
 */
export function renderLogLine(record: LogRecord, clean: (text: string) => string): string {
  const line: Record<string, LogField> = {
    time: record.time.toISOString(),
    level: record.level,
    command: record.command,
    event: record.event,
  };
  for (const [name, value] of Object.entries(record.fields)) {
    if (value === undefined || name in line) continue;
    line[name] = typeof value === 'string' ? replaceAddresses(clean(value)) : value;
  }
  return `${JSON.stringify(line)}\n`;
}

const IPV4_CANDIDATE = /\d{1,3}(?:\.\d{1,3}){3}/g;
// Hex groups with at least two colons (an embedded IPv4 tail too); isIP then tells an address from a time of day.
const IPV6_CANDIDATE = /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}/g;

/** Text with every IPv4 and IPv6 address replaced by `[ip]`. */
export function replaceAddresses(text: string): string {
  const replace = (candidate: string): string => {
    if (isIP(candidate) !== 0) return '[ip]';
    // "…::1:" or "fe80::1:" at the end of a sentence: try without the trailing colon.
    const trimmed = candidate.replace(/:+$/, '');
    return trimmed !== candidate && isIP(trimmed) !== 0 ? `[ip]${candidate.slice(trimmed.length)}` : candidate;
  };
  return text.replace(IPV6_CANDIDATE, replace).replace(IPV4_CANDIDATE, replace);
}

/** Text with each secret replaced by `[redacted]`, longest first (a password may contain the token or the reverse). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((secret) => secret !== '')
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text);
}

/** A stderr line someone wrote as text, as a log record's event and level (`luxeret-privacy: …` is a problem). */
export function classifyTextLine(line: string): { level: LogLevel; event: string; message: string } {
  if (line.startsWith('luxeret-privacy: ')) return { level: 'warn', event: 'message', message: line.slice('luxeret-privacy: '.length) };
  if (line.startsWith('hint: ')) return { level: 'info', event: 'hint', message: line.slice('hint: '.length) };
  if (line.startsWith('error: ')) return { level: 'error', event: 'usage_error', message: line.slice('error: '.length) };
  return { level: 'info', event: 'message', message: line };
}
