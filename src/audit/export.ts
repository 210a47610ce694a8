/**
 * JSON Lines: one self-contained signed entry per line (canonical JSON, exactly as stored), then one final line
 * with `"type":"head"`: the signed head checkpoint.
 */
export function renderAuditExport(lines: readonly string[], headLine: string | undefined): string {
  const all = headLine === undefined ? [...lines] : [...lines, headLine];
  return all.map((line) => line + '\n').join('');
}

export interface ParsedAuditExport {
  /** Parsed entries in file order; a line that is not JSON is kept as its text so verify can name it. */
  entries: unknown[];
  head: unknown;
}

/** Splits an export back into entries and the final head line; blank lines are ignored. */
export function parseAuditExport(text: string): ParsedAuditExport {
  const values = text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return line;
      }
    });
  const last = values[values.length - 1];
  const isHeadLast = typeof last === 'object' && last !== null && (last as { type?: unknown }).type === 'head';
  return isHeadLast ? { entries: values.slice(0, -1), head: last } : { entries: values, head: undefined };
}
