import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readAuditHeadText } from '../audit/log.js';
import { ExitCode } from '../errors.js';
import type { CliContext } from './context.js';

/** How long a lodging command may take before it counts as failed. */
const LODGE_TIMEOUT_MS = 60_000;

/**
 * After a run that appended to the audit log, hands the new signed head to `audit.lodge_command` (stdin), so a
 * copy exists where whoever controls this machine cannot rewrite it. Never silent: a failure is reported and
 * makes the run partial (exit 4); the log itself is already committed. Returns the exit code it adds.
 */
export async function lodgeNewAuditHead(ctx: CliContext): Promise<number> {
  if (!ctx.auditHead.tracked) return ExitCode.ok;
  try {
    const head = readAuditHeadText(ctx.store());
    if (head === undefined || head === ctx.auditHead.before) return ExitCode.ok;
    // No config file, no lodging configured (commands such as `hold add` run without one).
    const command = existsSync(ctx.configPath()) ? ctx.config().audit.lodgeCommand : undefined;
    if (command === undefined) return ExitCode.ok;
    const failure = await runLodgeCommand(command, head + '\n', ctx.env);
    if (failure === undefined) {
      ctx.verbose('Lodged the new audit head with audit.lodge_command.');
      return ExitCode.ok;
    }
    ctx.io.stderr(`luxeret-privacy: could not lodge the new audit head: audit.lodge_command ${failure}\n`);
  } catch (err) {
    ctx.io.stderr(`luxeret-privacy: could not lodge the new audit head: ${(err as Error).message}\n`);
  }
  ctx.io.stderr('hint: lodge it by hand: `luxeret-privacy audit export | tail -n 1`; the audit log itself is intact.\n');
  return ExitCode.partial;
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
