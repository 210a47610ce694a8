/** Which part of an object told its data time: its Logpush name, its `{DATE}` folder, or the bucket's LastModified. */
export type ObjectTimeSource = 'name' | 'folder' | 'modified';

export const OBJECT_TIME_SOURCES: readonly ObjectTimeSource[] = ['name', 'folder', 'modified'];

export interface ObjectTime {
  /** Start of the data in the object, when the name says so. */
  readonly start: Date | undefined;
  /** End of the data: what retention is measured from. */
  readonly end: Date;
  readonly source: ObjectTimeSource;
}

const DAY_MS = 86_400_000;
// Logpush: `<start>_<end>_<hash>.log.gz`, times as 20261125T101500Z.
const LOGPUSH_NAME = /^(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)_[0-9a-zA-Z]+\.log(?:\.gz)?$/;
const DATE_FOLDER = /^\d{8}$/;

/**
 * The data time of an archive object (issue 14): the end time in a Logpush file name, else the end of the day of
 * its `{DATE}` folder (the latest its data can be), else LastModified. Pure: the key and LastModified decide.
 */
export function selectObjectTime(key: string, lastModified: Date): ObjectTime {
  const parts = key.split('/');
  const name = parts[parts.length - 1] ?? '';
  const match = LOGPUSH_NAME.exec(name);
  if (match) {
    const start = parseCompactTime(match[1]!);
    const end = parseCompactTime(match[2]!);
    if (start && end && start.getTime() <= end.getTime()) return { start, end, source: 'name' };
  }
  for (let i = parts.length - 2; i >= 0; i -= 1) {
    const folder = parts[i]!;
    if (!DATE_FOLDER.test(folder)) continue;
    const day = parseCompactTime(`${folder}T000000Z`);
    if (day) return { start: day, end: new Date(day.getTime() + DAY_MS), source: 'folder' };
  }
  return { start: undefined, end: lastModified, source: 'modified' };
}

/** `20261125T101500Z` → a Date; undefined when it is no real UTC time (month 13, 30 February …). */
export function parseCompactTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const isExact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return isExact ? date : undefined;
}

/** `2026-11-25T10:15:00Z` → `20261125T101500Z`, the form Logpush writes into names. */
export function formatCompactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
