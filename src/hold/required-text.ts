import { containsRawIp } from '../audit/guard.js';
import { UsageError } from '../errors.js';

/** A mandatory option, checked after commander has reported any unknown (misspelled) option. */
export function requireOption(option: string, value: string | undefined): string {
  // Commander's own wording, so the message reads the same as for any other missing option.
  const flag = option === '--ip' ? '--ip <ip-or-cidr>' : `${option} <text>`;
  if (value === undefined) throw new UsageError(`required option '${flag}' not specified`, { hint: 'See `luxeret-privacy hold --help`.' });
  return value;
}

/** A hold's reason or reference: required, one line, and never a raw IP, for it enters the audit log. */
export function requireText(option: string, value: string | undefined): string {
  const text = requireOption(option, value).trim();
  if (text === '') throw new UsageError(`${option}: must not be empty`);
  // Shown in `hold list` and `audit show` on an operator's terminal: no escape sequences or other control characters.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) throw new UsageError(`${option}: must not contain control characters (escape sequences, line breaks)`);
  // The text goes into the audit log, which must never hold a raw IP: the same test the log's guard applies.
  if (containsRawIp(text))
    throw new UsageError(`${option}: must not contain an IP address: it is recorded in the audit log`, { hint: 'Put the address in --ip only.' });
  return text;
}
