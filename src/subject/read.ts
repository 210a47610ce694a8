import type { ArchiveClient } from '../archives/read-archive.js';
import type { AuditSigner } from '../audit/log.js';
import type { ArchiveConfig } from '../config/archives.js';
import type { CloudflareWriteDeps } from '../cloudflare/objects/delete.js';
import { fetchCloudflareObjects } from '../cloudflare/objects/fetch.js';
import type { CloudflareObjects, ReadStatus } from '../cloudflare/objects/types.js';
import type { Config } from '../config/config.js';
import type { Outcome } from '../outcome.js';
import type { Network } from '../policy/network.js';
import type { StorePort } from '../store/port.js';
import type { SubjectFindings } from './find.js';
import { gatherSubject } from './gather.js';

/** What `subject show` and `subject erase` need: the store, Cloudflare (absent without a token), keys and clock. */
export interface SubjectDeps {
  readonly store: StorePort;
  readonly config: Config;
  /** Reads and deletes in Cloudflare; undefined when there is no token or nothing configured to reach. */
  readonly cloudflare: CloudflareWriteDeps | undefined;
  readonly signer: () => Promise<AuditSigner>;
  /** The keyed hash that names the subject in the audit log (never the address). */
  readonly subjectHash: (network: Network) => string;
  readonly now: () => Date;
  /** Opens an S3 client for a configured Logpush archive (`subject show`); undefined leaves the archives out. */
  readonly openArchiveClient?: ((archive: ArchiveConfig) => Promise<ArchiveClient>) | undefined;
}

export interface SubjectReading {
  readonly findings: SubjectFindings;
  /** Cloudflare reads that failed or were refused; the findings say nothing of what those parts hold. */
  readonly readProblems: readonly ReadStatus[];
  /** Every Cloudflare read failing after retries is a Cloudflare failure; some failing or refused, partial. */
  readonly readOutcome: Outcome;
}

/** Reads what the store and Cloudflare hold about the address or range, and sorts each copy by what becomes of it. */
export async function readSubject(deps: SubjectDeps, network: Network): Promise<SubjectReading> {
  let objects: CloudflareObjects | undefined;
  if (deps.cloudflare) {
    objects = await fetchCloudflareObjects(deps.cloudflare.client, deps.config, { parts: ['zone', 'access-rules', 'list-items', 'lockdowns', 'custom-rules'] });
  }
  const findings = await gatherSubject(
    deps.store,
    network,
    objects,
    deps.config.zones.map((zone) => zone.id),
    deps.now(),
  );
  const statuses = objects?.statuses ?? [];
  return {
    findings,
    readProblems: statuses.filter((status) => status.state !== 'ok' && status.state !== 'not_available'),
    readOutcome: selectReadOutcome(statuses),
  };
}

function selectReadOutcome(statuses: readonly ReadStatus[]): Outcome {
  const asked = statuses.filter((status) => status.state !== 'not_available');
  if (asked.length > 0 && asked.every((status) => status.state === 'error')) return 'cloudflare_failed';
  return asked.some((status) => status.state === 'error' || status.state === 'not_readable') ? 'partial' : 'done';
}
