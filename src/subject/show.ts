import { hashPolicy } from '../config/load.js';
import type { Outcome } from '../outcome.js';
import type { Network } from '../policy/network.js';
import type { SubjectFindings } from './find.js';
import { readSubject, type SubjectDeps } from './read.js';
import type { ReadStatus } from '../cloudflare/objects/types.js';

export interface SubjectShowResult {
  readonly findings: SubjectFindings;
  readonly readProblems: readonly ReadStatus[];
  readonly outcome: Outcome;
}

/** `subject show` (PIPA Art. 35): everything held about the address or range; the request itself is audited. */
export async function showSubject(deps: SubjectDeps, options: { readonly network: Network }): Promise<SubjectShowResult> {
  const { findings, readProblems, readOutcome } = await readSubject(deps, options.network);
  // An access request is privacy-relevant: recorded, with the keyed hash of the address only.
  await deps.store.appendAuditEntry(await deps.signer(), {
    event: 'subject.show',
    command: 'subject show',
    policy_hash: hashPolicy(deps.config),
    reason: 'Data subject access request (PIPA Art. 35)',
    subjects: [deps.subjectHash(options.network)],
    counts: Object.fromEntries(findings.local.map((l) => [l.id, l.records])),
  });
  return { findings, readProblems, outcome: readOutcome };
}
