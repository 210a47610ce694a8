/**
 * Time-ordered storage for GraphQL dataset rows. Rows are kept sorted by (second, tie-break key, insertion order) so
 * a query finds its time window with two binary searches and reads a page without sorting: a million-row zone pages
 * through in milliseconds per request.
 */

export interface StoredRow<T> {
  /** Unix seconds of the row's `datetime`. */
  readonly ts: number;
  /** Insertion counter: the last tie-break, keeps the order total and stable. */
  readonly seq: number;
  readonly row: T;
}

export class TimeSortedStore<T extends { datetime: string }> {
  private rows: StoredRow<T>[] = [];
  private isSorted = true;
  private nextSeq = 0;

  /** @param tieKey the dataset's secondary key (firewall events: `rayName`), compared as a string. */
  constructor(private readonly tieKey: (row: T) => string = () => '') {}

  get size(): number {
    return this.rows.length;
  }

  add(rows: Iterable<T>): void {
    for (const row of rows) {
      const ms = Date.parse(row.datetime);
      if (Number.isNaN(ms)) throw new Error(`row has an invalid datetime: ${row.datetime}`);
      const ts = Math.floor(ms / 1000);
      const last = this.rows[this.rows.length - 1];
      const stored: StoredRow<T> = { ts, seq: this.nextSeq++, row };
      if (this.isSorted && last !== undefined && this.compare(last, stored) > 0) this.isSorted = false;
      this.rows.push(stored);
    }
  }

  /** Removes the rows `shouldRemove` selects; returns how many went. */
  remove(shouldRemove: (row: T) => boolean): number {
    const before = this.rows.length;
    this.rows = this.rows.filter((stored) => !shouldRemove(stored.row));
    return before - this.rows.length;
  }

  clear(): void {
    this.rows = [];
    this.isSorted = true;
  }

  /** All rows in key order. */
  all(): readonly StoredRow<T>[] {
    this.sort();
    return this.rows;
  }

  /** Index range [start, end) of the rows with fromTs <= ts <= toTs, in key order. */
  window(fromTs: number, toTs: number): { rows: readonly StoredRow<T>[]; start: number; end: number } {
    this.sort();
    return { rows: this.rows, start: this.lowerBound(fromTs), end: this.lowerBound(toTs + 1) };
  }

  private lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] as StoredRow<T>).ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sort(): void {
    if (this.isSorted) return;
    this.rows.sort((a, b) => this.compare(a, b));
    this.isSorted = true;
  }

  private compare(a: StoredRow<T>, b: StoredRow<T>): number {
    if (a.ts !== b.ts) return a.ts - b.ts;
    const ka = this.tieKey(a.row);
    const kb = this.tieKey(b.row);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.seq - b.seq;
  }
}
