import type { LocationId } from '../inventory/inventory.js';
import type { LocationNote } from '../inventory/notes.js';

/**
 * A note on a purged location: English operational text, shown as it is (like an error message), or why objects
 * were kept undetermined, which the report catalogue words.
 */
export type PurgeNote = Extract<LocationNote, { readonly code: 'verbatim' | 'objects.kept_undetermined' }>;
import type { Outcome } from '../outcome.js';

/** One location's share of a purge: what the policy selects, what holds keep, and what happened. */
export interface LocationPurge {
  readonly id: LocationId;
  readonly kind: 'local' | 'cloudflare' | 'archive';
  /** The rule that decided, e.g. `retention.firewall_events=30d`. */
  readonly rule: string;
  /** Records dated before this are past retention. */
  readonly cutoff: Date;
  readonly planned: number;
  readonly deleted: number;
  readonly held: number;
  readonly failed: number;
  /** Cloudflare locations: objects kept because the pulled events do not cover their whole retention period. */
  readonly undetermined?: number;
  /** Cloudflare locations: part of it could not be read (token, network), so it was not fully purged. */
  readonly incomplete?: boolean;
  /** Archives: the objects overlapping an IP or country hold whose lines were read, and what that found. */
  readonly scanned?: { readonly objects: number; readonly bytes: number; readonly held: number; readonly deletable: number };
  readonly notes: readonly PurgeNote[];
  /** What the server said about failed deletions, word for word: for stderr only, never the log or stdout. */
  readonly serverMessages?: readonly string[];
}

export interface PurgeResult {
  readonly dryRun: boolean;
  readonly asOf: Date;
  readonly policyHash: string;
  readonly locations: readonly LocationPurge[];
  /** Earlier runs' intents that had no outcome (a crash) and were reconciled by this run. */
  readonly reconciled: number;
  readonly outcome: Outcome;
}

export interface PurgeProgress {
  readonly location: string;
  readonly phase: 'plan' | 'scan' | 'delete' | 'reclaim' | 'done';
  readonly done?: number;
  readonly total?: number;
}
