import type { AnalyticsGraphqlClient } from '../cloudflare/analytics-graphql-client.js';
import type { DatasetSettings } from '../cloudflare/queries.js';
import type { StorePort } from '../store/port.js';
import type { PullProgress } from './summary.js';

/** What a dataset pull of one zone needs; built by `pullZones`. */
export interface DatasetContext {
  readonly client: AnalyticsGraphqlClient;
  readonly store: StorePort;
  readonly zoneId: string;
  readonly settings: DatasetSettings;
  /** Unix seconds, read at each use: the look-back window moves while a long pull runs. */
  readonly nowSeconds: () => number;
  readonly sinceSeconds: number | undefined;
  readonly retentionSeconds: number;
  readonly marginSeconds: number;
  /** The covered range's tail re-read for late rows. */
  readonly overlapSeconds: number;
  readonly onProgress?: ((progress: PullProgress) => void) | undefined;
}

/** The look-back floor for a query sent now. */
export function lookbackFloor(ctx: DatasetContext): number {
  return ctx.nowSeconds() - ctx.settings.notOlderThan + ctx.marginSeconds / 2;
}
