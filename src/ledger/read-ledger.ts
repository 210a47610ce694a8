import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { StorePort } from '../store/port.js';
import { buildLedger, type Ledger } from './ledger.js';

export interface LedgerDeps {
  readonly store: () => Promise<StorePort>;
  readonly config: () => Config;
  readonly now: () => Date;
}

export interface LedgerResult {
  readonly ledger: Ledger;
  readonly outcome: Outcome;
}

/** `ledger`: the destruction ledger, one row per destruction recorded in the signed audit log. */
export async function readLedger(deps: LedgerDeps, options: { readonly from?: Date | undefined; readonly to?: Date | undefined }): Promise<LedgerResult> {
  const { from, to } = options;
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
  const store = await deps.store();
  const controller = deps.config().controller;
  const ledger = buildLedger(await store.readAuditEntries(), { from, to, generatedAt: deps.now(), ...(controller === undefined ? {} : { controller }) });
  return { ledger, outcome: 'done' };
}
