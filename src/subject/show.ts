import { createScanBudget } from '../archives/scan-archive.js';
import { hashPolicy } from '../config/load.js';
import type { Outcome } from '../outcome.js';
import type { Network } from '../policy/network.js';
import { findSubjectInArchives, type SubjectArchive } from './archives.js';
import type { SubjectFindings } from './find.js';
import { readSubject, type SubjectDeps } from './read.js';
import type { ReadStatus } from '../cloudflare/objects/types.js';

export interface SubjectShowResult {
  readonly findings: SubjectFindings;
  /** The configured Logpush archives and what they may (or, scanned, do) hold about the subject. */
  readonly archives: readonly SubjectArchive[];
  readonly readProblems: readonly ReadStatus[];
  readonly outcome: Outcome;
}

export interface SubjectShowOptions {
  readonly network: Network;
  /** Read the archive objects (within safety.archive_scan_budget) for lines from the subject, not only list them. */
  readonly scanArchives?: boolean;
}

/** `subject show` (PIPA Art. 35): everything held about the address or range; the request itself is audited. */
export async function showSubject(deps: SubjectDeps, options: SubjectShowOptions): Promise<SubjectShowResult> {
  const { findings, readProblems, readOutcome } = await readSubject(deps, options.network);
  const archives = deps.openArchiveClient
    ? await findSubjectInArchives(
        deps.config.archives,
        deps.openArchiveClient,
        options.network,
        deps.now(),
        options.scanArchives === true ? createScanBudget(deps.config.safety.archiveScanBudget.bytes) : undefined,
      )
    : [];
  // An access request is privacy-relevant: recorded, with the keyed hash of the address only (and counts, never keys).
  await deps.store.appendAuditEntry(await deps.signer(), {
    event: 'subject.show',
    command: 'subject show',
    policy_hash: hashPolicy(deps.config),
    reason: 'Data subject access request (PIPA Art. 35)',
    subjects: [deps.subjectHash(options.network)],
    counts: {
      ...Object.fromEntries(findings.local.map((l) => [l.id, l.records])),
      ...Object.fromEntries(archives.flatMap((a) => (a.scan ? [[`archive/${a.name}`, a.scan.containing.length]] : []))),
    },
  });
  return { findings, archives, readProblems, outcome: selectShowOutcome(readOutcome, archives) };
}

/**
 * An archive that could not be listed, one whose versions could not be read (older versions and keys behind delete
 * markers may hold the address unseen), or objects that could not be read, leave the answer partial.
 */
function selectShowOutcome(readOutcome: Outcome, archives: readonly SubjectArchive[]): Outcome {
  if (readOutcome !== 'done') return readOutcome;
  const isIncomplete = (a: SubjectArchive) =>
    a.failure !== undefined || a.versioning?.kind === 'unknown' || Object.keys(a.scan?.failures ?? {}).some((key) => key.startsWith('read_failed:'));
  return archives.some(isIncomplete) ? 'partial' : 'done';
}
