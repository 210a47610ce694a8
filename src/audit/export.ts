/**
 * JSON Lines: one self-contained signed entry per line (canonical JSON, exactly as stored), then one final line
 * with `"type":"head"`: the signed head checkpoint.
 */
export function renderAuditExport(lines: readonly string[], headLine: string | undefined): string {
  const all = headLine === undefined ? [...lines] : [...lines, headLine];
  return all.map((line) => line + '\n').join('');
}

export interface SplitAuditExport {
  /** The entry lines in file order, still as text: verify parses each as it checks it, so reading overlaps checking. */
  entries: string[];
  /** The final `"type":"head"` line, still as text (verify checks its bytes); undefined when the last line is not a head. */
  head: string | undefined;
}

/** Splits an export into entry lines and the final head line; blank lines are ignored. */
export function splitAuditExport(text: string): SplitAuditExport {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1];
  return last !== undefined && isHeadLine(last) ? { entries: lines.slice(0, -1), head: last } : { entries: lines, head: undefined };
}

function isHeadLine(line: string): boolean {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'head';
  } catch {
    return false;
  }
}
