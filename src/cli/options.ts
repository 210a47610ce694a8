import { isValid, parseISO } from 'date-fns';
import { parseDuration } from '../config/duration.js';
import { UsageError } from '../errors.js';
import { parseNetwork, type Network } from '../policy/network.js';

/** Parses an ISO-8601 time given on the command line; a bad one is a usage error naming the option. */
export function parseTimeOption(option: string, value: string): Date {
  const date = parseISO(value);
  if (!isValid(date)) throw new UsageError(`${option}: "${value}" is not an ISO-8601 time (for example 2026-12-31T23:59:59Z)`);
  return date;
}

/** Parses `30d`/`12h`/ISO duration meaning "that long before now", or an ISO time. */
export function parseSinceOption(option: string, value: string, now: Date): Date {
  const duration = parseDuration(value);
  if (duration) return new Date(now.getTime() - duration.ms);
  const date = parseISO(value);
  if (!isValid(date)) throw new UsageError(`${option}: "${value}" is neither a duration (30d, 12h) nor an ISO-8601 time`);
  return date;
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
