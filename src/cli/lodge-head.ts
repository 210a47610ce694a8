import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildTimestampLine } from '../audit/timestamp-line.js';
import { buildTimestampRequest, readTimestampResponse } from '../audit/timestamp.js';
import type { Outcome } from '../outcome.js';
import type { CliContext } from './context.js';

/** How long a lodging command may take before it counts as failed. */
const LODGE_TIMEOUT_MS = 60_000;

/**
 * After a run that appended to the audit log, hands the new signed head to `audit.lodge_command` (stdin), so a
 * copy exists where whoever controls this machine cannot rewrite it. Never silent: a failure is reported and
 * makes the run partial (exit 4); the log itself is already committed. Returns the outcome it adds.
 */
export async function lodgeNewAuditHead(ctx: CliContext): Promise<Outcome> {
  if (!ctx.auditHead.tracked) return 'done';
  try {
    const head = await (await ctx.storePort()).readAuditHeadText();
    if (head === undefined || head === ctx.auditHead.before) return 'done';
    // No config file, no lodging configured (commands such as `hold add` run without one).
    const audit = existsSync(ctx.configPath()) ? ctx.config().audit : undefined;
    if (audit?.lodgeCommand === undefined) return 'done';
    // The time stamp first, so the lodged copy carries it too; without one the head is still lodged.
    const stamp = audit.timestampUrl === undefined ? undefined : await fetchHeadTimestamp(ctx, audit.timestampUrl, head);
    const failure = await runLodgeCommand(audit.lodgeCommand, head + '\n' + (stamp?.line === undefined ? '' : stamp.line + '\n'), ctx.env);
    if (failure === undefined && stamp?.problem === undefined) {
      ctx.verbose('Lodged the new audit head with audit.lodge_command.');
      return 'done';
    }
    if (stamp?.problem !== undefined)
      ctx.io.stderr(`luxeret-privacy: could not time-stamp the new audit head at ${audit.timestampUrl ?? '?'}: ${stamp.problem}\n`);
    if (failure !== undefined) ctx.io.stderr(`luxeret-privacy: could not lodge the new audit head: audit.lodge_command ${failure}\n`);
  } catch (err) {
    ctx.io.stderr(`luxeret-privacy: could not lodge the new audit head: ${(err as Error).message}\n`);
  }
  ctx.io.stderr('hint: lodge it by hand: `luxeret-privacy audit export | tail -n 1`; the audit log itself is intact.\n');
  return 'partial';
}

/** How long the time-stamping authority may take to answer. */
const TIMESTAMP_TIMEOUT_MS = 30_000;

/** Asks the TSA for a token over the head line and keeps it beside the head; a problem is returned, not thrown. */
async function fetchHeadTimestamp(ctx: CliContext, url: string, head: string): Promise<{ line?: string; problem?: string }> {
  try {
    const data = Buffer.from(head, 'utf8');
    const request = await buildTimestampRequest(data);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: request.der,
      signal: AbortSignal.timeout(TIMESTAMP_TIMEOUT_MS),
    });
    if (!response.ok) return { problem: `HTTP ${response.status}` };
    const token = await readTimestampResponse(Buffer.from(await response.arrayBuffer()), request, data);
    const line = buildTimestampLine(head, token);
    await (await ctx.storePort()).writeAuditTimestamp((JSON.parse(head) as { count: number }).count, line);
    return { line };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** Runs the command through /bin/sh with `input` on stdin; undefined when it exits 0, else what went wrong. */
function runLodgeCommand(command: string, input: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  // The command needs no Cloudflare access: it never sees the token.
  const { CLOUDFLARE_API_TOKEN: _token, ...childEnv } = env;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { env: childEnv, stdio: ['pipe', 'ignore', 'pipe'], timeout: LODGE_TIMEOUT_MS });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-500)));
    child.on('error', (err) => resolve(`could not start: ${err.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(undefined);
      else resolve(`${signal ? `was stopped by ${signal}` : `exited with status ${code ?? '?'}`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    });
    child.stdin.on('error', () => undefined); // A command that does not read its input fails (or not) by its exit status.
    child.stdin.end(input);
  });
}
