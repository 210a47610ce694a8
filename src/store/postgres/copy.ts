import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PgTx } from './connection.js';

export type CopyValue = string | number | null;

/** Streams rows into `table` with COPY … FROM STDIN (text format), in chunks, without building one huge string. */
export async function copyRows(tx: PgTx, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<void> {
  const sink = tx.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(encodeChunks(rows)), sink);
}

function* encodeChunks(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(encodeValue).join('\t') + '\n';
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

// COPY text format: backslash escapes for the delimiter, line breaks and backslash itself; \N is NULL.
function encodeValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
