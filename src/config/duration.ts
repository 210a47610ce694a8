/** A retention period as written in the config, with its length in milliseconds. */
export interface Duration {
  readonly text: string;
  readonly ms: number;
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
const SHORT = /^(\d+)([dhms])$/;
// ISO-8601 durations without years and months: their length in days is not fixed.
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Longer than any retention or look-back makes sense for, and far inside the range a Date can hold. */
export const MAX_DURATION_MS = 100 * 366 * 86_400_000;

/** Parses `30d`, `12h`, `45m`, `90s` or ISO-8601 (`P30D`, `PT12H`); undefined when it is neither or longer than 100 years. */
export function parseDuration(text: string): Duration | undefined {
  const parsed = parseAnyDuration(text);
  return parsed && parsed.ms <= MAX_DURATION_MS ? parsed : undefined;
}

function parseAnyDuration(text: string): Duration | undefined {
  const trimmed = text.trim();
  const short = SHORT.exec(trimmed);
  if (short) return { text: trimmed, ms: Number(short[1]) * UNIT_MS[short[2] as string]! };
  const iso = ISO.exec(trimmed.toUpperCase());
  if (!iso || trimmed.toUpperCase() === 'P' || trimmed.toUpperCase().endsWith('T')) return undefined;
  const [weeks, days, hours, minutes, seconds] = iso.slice(1).map((part) => Number(part ?? 0));
  const ms = ((((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000;
  return { text: trimmed, ms };
}
