import { describe, expect, it } from 'vitest';
import type { FilterTerm } from '../cloudflare/queries.js';
import { fieldText, isoSeconds, pageWindow, parseSeconds, type PagerBatch, type PagerSpec, type Row } from './key-pager.js';

// A stand-in for the dataset's server side: filter, order ascending with a stable tie-break, limit.
function dataset(rows: Row[]) {
  const queries: { filter: readonly FilterTerm[]; orderBy: readonly string[] }[] = [];
  const cmp = (a: unknown, b: unknown) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
  const fetchPage = (filter: readonly FilterTerm[], orderBy: readonly string[], limit: number): Promise<Row[]> => {
    queries.push({ filter, orderBy });
    const matching = rows.filter((row) =>
      filter.every((t) => {
        const c = t.field === 'datetime' ? Math.sign(parseSeconds(row['datetime']) - parseSeconds(t.value)) : cmp(row[t.field], t.value);
        return t.op === '' ? c === 0 : t.op === '_geq' ? c >= 0 : t.op === '_gt' ? c > 0 : c < 0;
      }),
    );
    const ordered = matching
      .map((row, i) => ({ row, i }))
      .sort((a, b) => {
        for (const field of orderBy) {
          const c = cmp(a.row[field], b.row[field]);
          if (c !== 0) return c;
        }
        return a.i - b.i;
      });
    return Promise.resolve(ordered.slice(0, limit).map((x) => x.row));
  };
  return { fetchPage, queries };
}

const KEYS = ['rayName', 'ruleId', 'source', 'action'].map((field) => ({ field, valueOf: (row: Row) => fieldText(row[field]) }));
const T0 = parseSeconds('2026-10-20T10:00:00Z');

function spec(fetchPage: PagerSpec['fetchPage'], limit: number, floor?: () => number): PagerSpec {
  const base = { fetchPage, timeOrderField: 'datetime', timeOf: (row: Row) => parseSeconds(row['datetime']), timeUnitSeconds: 1, keys: KEYS, limit };
  return floor ? { ...base, floor } : base;
}

async function collect(gen: AsyncGenerator<PagerBatch>) {
  const batches: PagerBatch[] = [];
  for await (const batch of gen) batches.push(batch);
  return batches;
}

const naturalKey = (row: Row) => [row['datetime'], row['rayName'], row['ruleId'], row['source'], row['action']].join('|');

function busyEvents(): Row[] {
  const rows: Row[] = [];
  let ray = 0;
  // 300 quiet seconds, then one second holding 600 events, 40 of them on one Ray ID with different rules.
  for (let s = 0; s < 300; s++)
    rows.push({ datetime: isoSeconds(T0 + s), rayName: (ray++).toString(16).padStart(16, '0'), ruleId: 'r1', source: 'waf', action: 'block' });
  for (let i = 0; i < 560; i++)
    rows.push({ datetime: isoSeconds(T0 + 150), rayName: (ray++).toString(16).padStart(16, '0'), ruleId: 'r1', source: 'waf', action: 'log' });
  for (let i = 0; i < 40; i++)
    rows.push({
      datetime: isoSeconds(T0 + 150),
      rayName: 'ffffffffffffffff',
      ruleId: `rule-${String(i).padStart(2, '0')}`,
      source: i % 2 ? 'waf' : 'firewallCustom',
      action: 'block',
    });
  return rows;
}

describe('pageWindow', () => {
  it.each([3, 7, 10, 64, 1000])('hands on every event exactly once with limit %i', async (limit) => {
    const rows = busyEvents();
    const { fetchPage } = dataset([...rows].reverse());
    const batches = await collect(pageWindow(spec(fetchPage, limit), T0, T0 + 300));
    const seen = batches.flatMap((b) => b.rows).map(naturalKey);
    expect(new Set(seen).size).toBe(rows.length);
    expect(seen.length).toBe(rows.length);
    expect(batches.at(-1)?.closedThrough).toBe(T0 + 300);
  });

  it('never filters with datetime_gt, and closes out only whole seconds', async () => {
    const { fetchPage, queries } = dataset(busyEvents());
    const batches = await collect(pageWindow(spec(fetchPage, 10), T0, T0 + 300));
    expect(queries.flatMap((q) => q.filter).some((t) => t.field === 'datetime' && t.op === '_gt')).toBe(false);
    const closed = batches.map((b) => b.closedThrough).filter((t): t is number => t !== undefined);
    expect(closed).toEqual([...closed].sort((a, b) => a - b));
    // No batch after a close-out holds an event before it.
    let mark = -Infinity;
    for (const batch of batches) {
      for (const row of batch.rows) expect(parseSeconds(row['datetime'])).toBeGreaterThanOrEqual(mark);
      if (batch.closedThrough !== undefined) mark = batch.closedThrough;
    }
  });

  it('accepts copies identical in every key field as duplicates, and still terminates', async () => {
    const rows = Array.from({ length: 12 }, () => ({ datetime: isoSeconds(T0), rayName: 'aa', ruleId: 'r', source: 's', action: 'a' }));
    const { fetchPage } = dataset(rows);
    const batches = await collect(pageWindow(spec(fetchPage, 5), T0, T0 + 10));
    expect(batches.some((b) => b.saturated)).toBe(true);
    expect(new Set(batches.flatMap((b) => b.rows).map(naturalKey)).size).toBe(1);
  });

  it('reports a gap instead of asking beyond the look-back floor', async () => {
    const { fetchPage, queries } = dataset(busyEvents());
    const batches = await collect(
      pageWindow(
        spec(fetchPage, 1000, () => T0 + 100),
        T0,
        T0 + 300,
      ),
    );
    expect(batches[0]).toEqual({ rows: [], gapTo: T0 + 100 });
    expect(queries.every((q) => q.filter.every((t) => t.op !== '_geq' || t.field !== 'datetime' || parseSeconds(t.value) >= T0 + 100))).toBe(true);
  });
});

describe('fieldText', () => {
  it('gives scalars as text, absent values as empty and anything else as JSON', () => {
    expect([fieldText('AS64500'), fieldText(13335), fieldText(false), fieldText(null), fieldText(undefined)]).toEqual(['AS64500', '13335', 'false', '', '']);
    expect(fieldText({ name: 'x' })).toBe('{"name":"x"}');
  });
});
