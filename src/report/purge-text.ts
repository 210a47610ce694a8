import { sanitiseTerminalText } from './terminal-text.js';
import Table from 'cli-table3';
import type { PurgeResult } from '../purge/types.js';
import { renderMessage, selectMessages } from './messages/index.js';

// The purge's output is English, like the rest of the terminal output.
const ENGLISH = selectMessages('en');

/** The plan and outcome of a purge for a person reading a terminal or a cron mail. */
export function renderPurgeText(result: PurgeResult): string {
  const table = new Table({
    head: ['location', 'rule', 'cut-off (UTC)', 'planned', 'held', 'deleted', 'failed'],
    style: { head: [], border: [] },
  });
  for (const location of result.locations) {
    table.push([location.id, location.rule, location.cutoff.toISOString(), location.planned, location.held, location.deleted, location.failed]);
  }
  const planned = sum(result.locations.map((l) => l.planned));
  const deleted = sum(result.locations.map((l) => l.deleted));
  const held = sum(result.locations.map((l) => l.held));
  const failed = sum(result.locations.map((l) => l.failed));
  const lines = [
    `${result.dryRun ? 'Purge plan (dry run)' : 'Purge'} as of ${result.asOf.toISOString()}, policy ${result.policyHash.slice(0, 19)}…`,
    table.toString(),
  ];
  for (const location of result.locations)
    for (const note of location.notes) lines.push(`${location.id}: ${sanitiseTerminalText(renderMessage(ENGLISH, note))}`);
  if (result.reconciled > 0) lines.push(`Reconciled ${result.reconciled} unfinished intent(s) from an earlier interrupted run.`);
  lines.push(
    result.dryRun
      ? `Dry run: nothing was changed. ${planned} record(s) would be deleted; ${held} kept by legal holds.`
      : `Deleted ${deleted} of ${planned} planned record(s); ${held} kept by legal holds${failed > 0 ? `; ${failed} failed (re-run to retry)` : ''}.`,
  );
  return lines.join('\n') + '\n';
}

/** The JSON document of `purge --json`: required keys first, stable order. */
export function buildPurgeJson(result: PurgeResult): object {
  return {
    dry_run: result.dryRun,
    as_of: result.asOf.toISOString(),
    locations: result.locations.map((location) => ({
      id: location.id,
      planned: location.planned,
      deleted: location.deleted,
      held: location.held,
      failed: location.failed,
      ...(location.undetermined !== undefined ? { undetermined: location.undetermined } : {}),
      ...(location.incomplete === true ? { incomplete: true } : {}),
      ...(location.scanned !== undefined ? { scanned: location.scanned } : {}),
      kind: location.kind,
      rule: location.rule,
      cutoff: location.cutoff.toISOString(),
      notes: location.notes.map((note) => renderMessage(ENGLISH, note)),
    })),
    policy_hash: result.policyHash,
    reconciled: result.reconciled,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
