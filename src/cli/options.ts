import { tz } from '@date-fns/tz';
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';
import { parseDuration } from '../config/duration.js';
import { UsageError } from '../errors.js';
import { parseNetwork, type Network } from '../policy/network.js';

/** A time option as read: the instant, and the zone it was read in when the text named none. */
export interface TimeOption {
  readonly at: Date;
  /** Set when the text carried no `Z`/offset and was read in the configured zone (the CLI echoes the instant). */
  readonly readInZone: string | undefined;
}

// Real UTC offsets run from -12:00 to +14:00: an hour past 14 (`+25:00`) is a typo, not a zone.
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)$/i;
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?)?$/i;

/**
 * Parses an ISO-8601 time given on the command line. Never the machine's zone: a time with `Z` or an offset is
 * that instant; one without (or a bare date, meaning midnight) is read in `timeZone` (config `timezone:`, default UTC).
 * A bad one is a usage error naming the option.
 */
export function parseTimeOption(option: string, value: string, timeZone = 'UTC'): TimeOption {
  const text = value.trim();
  const hasOffset = WITH_OFFSET.test(text);
  if (!hasOffset && !WITHOUT_OFFSET.test(text))
    throw new UsageError(`${option}: "${value}" is not an ISO-8601 time (for example 2026-12-31T23:59:59Z, 2026-12-31T23:59:59+09:00 or 2026-12-31)`);
  const parsed = hasOffset ? parseISO(text) : parseISO(text.replace(' ', 'T'), { in: tz(timeZone) });
  const at = new Date(parsed.getTime());
  if (!isValid(at) || !isRealCalendarTime(text, hasOffset ? undefined : timeZone, at))
    throw new UsageError(`${option}: "${value}" is not a valid date and time`);
  return { at, readInZone: hasOffset ? undefined : timeZone };
}

/** Whether a time option names its zone itself (`Z` or an offset), so no configured zone is needed to read it. */
export function hasExplicitZone(value: string): boolean {
  return WITH_OFFSET.test(value.trim());
}

/** Parses `30d`/`12h`/ISO duration meaning "that long before now", or an ISO time as parseTimeOption does. */
export function parseSinceOption(option: string, value: string, now: Date, timeZone = 'UTC'): TimeOption {
  const duration = parseDuration(value);
  if (duration) return { at: new Date(now.getTime() - duration.ms), readInZone: undefined };
  if (!WITH_OFFSET.test(value.trim()) && !WITHOUT_OFFSET.test(value.trim())) {
    throw new UsageError(`${option}: "${value}" is neither a duration (30d, 12h, at most 100 years) nor an ISO-8601 time`);
  }
  return parseTimeOption(option, value, timeZone);
}

/** Rejects dates date-fns would roll over (2026-02-30 → March 2): the calendar date written must be the one read. */
function isRealCalendarTime(text: string, timeZone: string | undefined, at: Date): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (timeZone === undefined) return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return parts === text.slice(0, 10);
}

export function parseNetworkOption(option: string, value: string): Network {
  const network = parseNetwork(value);
  if (!network) throw new UsageError(`${option}: "${value}" is not an IPv4/IPv6 address or CIDR range`);
  return network;
}

export function parseCountryOption(option: string, value: string): string {
  if (!/^[A-Za-z]{2}$/.test(value)) throw new UsageError(`${option}: "${value}" is not a two-letter ISO country code`);
  return value.toUpperCase();
}
