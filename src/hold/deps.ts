import type { AuditSigner } from '../audit/log.js';
import type { RestClient } from '../cloudflare/rest-client.js';
import type { Config } from '../config/config.js';
import type { StorePort } from '../store/port.js';

/** What the hold use cases need; lazy, so a usage error is reported before the store or the keys are opened. */
export interface HoldDeps {
  /** The selected store (SQLite or PostgreSQL), opened on first use. */
  readonly store: () => Promise<StorePort>;
  readonly config: () => Config;
  readonly signer: () => Promise<AuditSigner>;
  /** The keyed hash that names an address or range in the audit log (never the address). */
  readonly subjectHash: (network: string) => string;
  /** Who is acting (OS user and host), recorded on the hold. */
  readonly actor: () => string;
  readonly now: () => Date;
  /** Opens Cloudflare's REST API, to list what a new hold keeps there; undefined when there is no token. */
  readonly cloudflare: (() => Promise<RestClient>) | undefined;
}
