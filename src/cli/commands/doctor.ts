import { Command } from 'commander';
import { createCloudflareClient } from '../../cloudflare/graphql-client.js';
import { runDoctor, type Check, type DoctorReport } from '../../doctor/doctor.js';
import { ExitCode } from '../../errors.js';
import { openRestClient, openRestPacer } from '../cloudflare-rest.js';
import type { CliContext } from '../context.js';
import type { SetExitCode } from './index.js';

export const doctorCommand = (ctx: CliContext, setExitCode: SetExitCode) =>
  new Command('doctor')
    .description('Check config, token and its permissions, zone plans and windows, store, keys, clock, and the cron schedule')
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', '\nExamples:\n  luxeret-privacy doctor\n  luxeret-privacy doctor --json | jq \'.checks[] | select(.status == "fail")\'\nExit 0 when every check passes (warnings allowed), 1 when any fails.')
    .action(async (flags: { json?: boolean }) => {
      const environment = ctx.environment();
      const token = environment.apiToken;
      const report = await runDoctor({
        config: ctx.config,
        store: ctx.store,
        keyPaths: ctx.paths(),
        cloudflare: token
          ? {
              sdk: openRestClient(ctx).sdk,
              graphql: createCloudflareClient({ baseUrl: environment.baseUrl, token, restPacer: openRestPacer(ctx) }),
            }
          : undefined,
        now: ctx.now,
        baseUrl: { url: environment.baseUrl, source: environment.baseUrlSource },
      });
      ctx.io.stdout(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDoctor(report, ctx.useColour()));
      if (!report.ok) setExitCode(ExitCode.no);
    });

const LABELS: Record<Check['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };
const COLOURS: Record<Check['status'], string> = { pass: '\u001b[32m', fail: '\u001b[31m', warn: '\u001b[33m', skip: '\u001b[90m' };

function renderDoctor(report: DoctorReport, colour: boolean): string {
  const lines = report.checks.map((c) => {
    const label = colour ? `${COLOURS[c.status]}${LABELS[c.status]}\u001b[0m` : LABELS[c.status];
    return `${label}  ${c.name}: ${c.detail}${c.hint && c.status !== 'pass' ? `\n      hint: ${c.hint}` : ''}`;
  });
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`);
  return lines.join('\n') + '\n';
}
