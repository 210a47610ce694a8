/**
 * JSON Lines: one self-contained signed entry per line (canonical JSON, exactly as stored), then one final line
 * with `"type":"head"`: the signed head checkpoint.
 */
export function renderAuditExport(lines: readonly string[], headLine: string | undefined, timestampLines: readonly string[] = []): string {
  const all = headLine === undefined ? [...lines] : [...lines, headLine, ...timestampLines];
  return all.map((line) => line + '\n').join('');
}

export interface SplitAuditExport {
  /** The entry lines in file order, still as text: verify parses each as it checks it, so reading overlaps checking. */
  entries: string[];
  /** The final `"type":"head"` line, still as text (verify checks its bytes); undefined when the last line is not a head. */
  head: string | undefined;
  /** The `"type":"timestamp"` lines after the head: RFC 3161 tokens of lodged heads. */
  timestamps: string[];
}

/** Splits an export into entry lines and the final head line; blank lines are ignored. */
export function splitAuditExport(text: string): SplitAuditExport {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
  let end = lines.length;
  while (end > 0 && readType(lines[end - 1]!) === 'timestamp') end -= 1;
  const timestamps = lines.slice(end);
  const last = lines[end - 1];
  return last !== undefined && readType(last) === 'head'
    ? { entries: lines.slice(0, end - 1), head: last, timestamps }
    : { entries: lines.slice(0, end), head: undefined, timestamps };
}

function readType(line: string): unknown {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  } catch {
    return undefined;
  }
}
