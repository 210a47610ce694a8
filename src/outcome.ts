/**
 * How a use case ended, carried on its result; src/cli/main.ts maps each to an exit code (README "Exit codes").
 * Failures that stop a run are thrown as LuxeretError subclasses instead.
 * - done: everything asked was done.
 * - no: the check ran and the answer is "no" (`audit verify` found tampering, `doctor` found a problem).
 * - cloudflare_failed: every part that needed Cloudflare failed after retries; local work is done and recorded.
 * - partial: some work failed, the rest is done and recorded; re-running resumes.
 */
export type Outcome = 'done' | 'no' | 'cloudflare_failed' | 'partial';
