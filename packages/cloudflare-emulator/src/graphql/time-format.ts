/** RFC 3339 rendering of unix seconds as Cloudflare prints it: `2026-10-20T10:00:54Z` (no fraction). */

let lastTs = Number.NaN;
let lastText = '';

export function formatTime(ts: number): string {
  if (ts === lastTs) return lastText;
  lastTs = ts;
  lastText = new Date(ts * 1000).toISOString().slice(0, 19) + 'Z';
  return lastText;
}

export function formatDate(ts: number): string {
  return formatTime(ts).slice(0, 10);
}

/** Start of the bucket a second falls in, for `datetimeMinute` / `…FiveMinutes` / `…FifteenMinutes` / `…Hour`. */
export const BUCKET_SECONDS: Readonly<Record<string, number>> = {
  datetime: 1,
  datetimeMinute: 60,
  datetimeFiveMinutes: 300,
  datetimeFifteenMinutes: 900,
  datetimeHour: 3600,
};
