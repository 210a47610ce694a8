import Table from 'cli-table3';
import { selectHoldStatus, type Hold } from '../policy/holds.js';
import { sanitiseTerminalText } from './terminal-text.js';

/** `hold list` as a table; holds written before control characters were refused may still carry them. */
export function renderHoldTable(holds: readonly Hold[], now: Date): string {
  if (holds.length === 0) return 'No holds.\n';
  const table = new Table({
    head: ['id', 'status', 'ip', 'country', 'records from', 'records to', 'until', 'reason', 'reference'],
    style: { head: [], border: [] },
  });
  for (const h of holds) {
    table.push([
      h.id,
      selectHoldStatus(h, now),
      h.network,
      h.country ?? '',
      iso(h.from),
      iso(h.to),
      iso(h.until),
      sanitiseTerminalText(h.reason),
      sanitiseTerminalText(h.reference ?? ''),
    ]);
  }
  return table.toString() + '\n';
}

/** One hold as JSON: snake_case keys, ISO-8601 UTC times, null for what is absent. */
export function buildHoldJson(hold: Hold, now: Date): object {
  return {
    id: hold.id,
    status: selectHoldStatus(hold, now),
    ip: hold.network,
    country: hold.country ?? null,
    from: hold.from?.toISOString() ?? null,
    to: hold.to?.toISOString() ?? null,
    until: hold.until?.toISOString() ?? null,
    reason: hold.reason,
    reference: hold.reference ?? null,
    created_at: hold.createdAt.toISOString(),
    created_by: hold.createdBy,
    released_at: hold.releasedAt?.toISOString() ?? null,
  };
}

function iso(date: Date | undefined): string {
  return date?.toISOString() ?? '';
}
