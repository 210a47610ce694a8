import { parseDuration } from '../config/duration.js';
import type { CliContext } from './context.js';
import { hasExplicitZone, parseSinceOption, parseTimeOption, type TimeOption } from './options.js';

/**
 * A time option of a command: read in the config's `timezone:` (default UTC) unless it names its own zone, and,
 * when it did not, the UTC instant used is echoed on stderr so nobody has to guess.
 */
export function readTimeOption(ctx: CliContext, option: string, value: string): Date {
  return echo(ctx, option, value, parseTimeOption(option, value, zoneFor(ctx, value)));
}

/** As readTimeOption, also accepting a duration before now (`30d`). */
export function readSinceOption(ctx: CliContext, option: string, value: string): Date {
  return echo(ctx, option, value, parseSinceOption(option, value, ctx.now(), zoneFor(ctx, value)));
}

function zoneFor(ctx: CliContext, value: string): string {
  // Only a time without its own zone needs the config: `--since 2026-01-01T00:00:00Z` works with no config file.
  return hasExplicitZone(value) || parseDuration(value) !== undefined ? 'UTC' : ctx.config().timeZone;
}

function echo(ctx: CliContext, option: string, value: string, parsed: TimeOption): Date {
  if (parsed.readInZone !== undefined) ctx.note(`${option} ${value.trim()} read as ${parsed.at.toISOString()} (${parsed.readInZone})`);
  return parsed.at;
}
