import { readAuditEntries } from '../audit/log.js';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import type { Db } from '../store/db.js';
import { buildLedger, type Ledger } from './ledger.js';

export interface LedgerDeps {
  readonly store: () => Db;
  readonly config: () => Config;
  readonly now: () => Date;
}

export interface LedgerResult {
  readonly ledger: Ledger;
  readonly outcome: Outcome;
}

/** `ledger`: the destruction ledger, one row per destruction recorded in the signed audit log. */
export function readLedger(deps: LedgerDeps, options: { readonly from?: Date | undefined; readonly to?: Date | undefined }): LedgerResult {
  const { from, to } = options;
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be earlier than --to');
  const db = deps.store();
  const controller = deps.config().controller;
  const ledger = buildLedger(readAuditEntries(db), { from, to, generatedAt: deps.now(), ...(controller === undefined ? {} : { controller }) });
  return { ledger, outcome: 'done' };
}
