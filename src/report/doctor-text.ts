import type { AssumptionStatus } from '../doctor/assumptions.js';
import type { CheckStatus, DoctorReport } from '../doctor/doctor.js';

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };
const COLOURS: Record<CheckStatus, string> = { pass: '\u001b[32m', fail: '\u001b[31m', warn: '\u001b[33m', skip: '\u001b[90m' };
const ASSUMPTION_LABELS: Record<AssumptionStatus, string> = { held: 'held', differs: 'differs', not_observable: 'not observable' };
const ASSUMPTION_COLOURS: Record<AssumptionStatus, string> = { held: '\u001b[32m', differs: '\u001b[33m', not_observable: '\u001b[90m' };
const RESET = '\u001b[0m';

/** `doctor` for a terminal: one line per check (a hint under failures), then the assumptions about Cloudflare. */
export function renderDoctorText(report: DoctorReport, colour: boolean): string {
  const paint = (code: string, text: string) => (colour ? `${code}${text}${RESET}` : text);
  const lines = report.checks.map(
    (c) => `${paint(COLOURS[c.status], LABELS[c.status])}  ${c.name}: ${c.detail}${c.hint && c.status !== 'pass' ? `\n      hint: ${c.hint}` : ''}`,
  );
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`);
  if (report.assumptions.length > 0) {
    const width = Math.max(...report.assumptions.map((a) => ASSUMPTION_LABELS[a.status].length));
    lines.push('', 'Assumptions about Cloudflare (docs/field reports), checked read-only on this account:');
    for (const a of report.assumptions) {
      const label = paint(ASSUMPTION_COLOURS[a.status], ASSUMPTION_LABELS[a.status].padEnd(width));
      const saw = a.status === 'differs' ? `saw ${a.saw} (we assume ${a.expected})` : a.status === 'held' ? a.saw : `${a.expected}: ${a.saw}`;
      lines.push(`  ${label}  ${a.fact.padEnd(3)}  ${a.subject}: ${saw}`);
    }
    const differs = report.assumptions.filter((a) => a.status === 'differs').length;
    lines.push(
      differs === 0
        ? 'Every observable assumption held.'
        : `${differs} assumption(s) differ. The client copes with each; please send \`luxeret-privacy doctor --json\` (token, secrets and IP addresses redacted) to the maintainers (README: First run on a real account).`,
    );
  }
  return lines.join('\n') + '\n';
}
