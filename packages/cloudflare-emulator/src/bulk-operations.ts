import type { AccountState, BehaviourSettings } from './state.js';
import type { BulkOperation } from './models.js';

/**
 * Lists bulk operations run asynchronously (reference §4): `pending` → `running` → `completed` | `failed`. The
 * emulator moves an operation one step per `bulkOperationStepPolls` polls or per `bulkOperationStepMs`, whichever
 * comes first, and applies the change to the list when it finishes.
 */
export function advanceOperation(operation: BulkOperation, behaviour: BehaviourSettings, nowMs: number): void {
  if (operation.status === 'completed' || operation.status === 'failed') return;
  const byPolls = Math.floor(operation.polls / Math.max(1, behaviour.bulkOperationStepPolls));
  const byTime = Math.floor((nowMs - operation.createdAtMs) / Math.max(1, behaviour.bulkOperationStepMs));
  const steps = Math.max(byPolls, byTime);
  if (steps <= 0) return;
  if (steps === 1) {
    operation.status = 'running';
    return;
  }
  const error = operation.apply();
  operation.completed = new Date(nowMs).toISOString();
  if (error === undefined) operation.status = 'completed';
  else {
    operation.status = 'failed';
    operation.error = error;
  }
}

/** Brings every operation of the account up to date; returns the one still outstanding, if any. */
export function outstandingOperation(account: AccountState, behaviour: BehaviourSettings, nowMs: number): BulkOperation | undefined {
  let outstanding: BulkOperation | undefined;
  for (const operation of account.bulkOperations.values()) {
    advanceOperation(operation, behaviour, nowMs);
    if (operation.status === 'pending' || operation.status === 'running') outstanding = operation;
  }
  return outstanding;
}

/** The operation as the API shows it (no internal fields). */
export function renderOperation(operation: BulkOperation): Record<string, unknown> {
  return {
    id: operation.id,
    status: operation.status,
    ...(operation.completed !== undefined ? { completed: operation.completed } : {}),
    ...(operation.error !== undefined ? { error: operation.error } : {}),
  };
}
