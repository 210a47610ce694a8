import { Option } from 'commander';
import { UsageError } from '../errors.js';

/** `--format <format>` with the command's output forms (the human-readable one is always called `table`). */
export function formatOption<F extends string>(formats: readonly F[], defaultFormat: F, description = 'output format'): Option {
  return new Option('--format <format>', description).choices(formats).default(defaultFormat);
}

/** `--json`, kept on every command with a json form as short for `--format json`. */
export function jsonOption(): Option {
  // Commander lets an implied value replace only a default: an explicit --format stays, and readFormat sees the clash.
  return new Option('--json', 'same as --format json').implies({ format: 'json' });
}

/** The output form asked for; `--json` with another `--format` is a usage error naming both. */
export function readFormat<F extends string>(flags: { format: F; json?: boolean }): F {
  if (flags.json === true && flags.format !== 'json') {
    throw new UsageError(`--json and --format ${flags.format} conflict: --json is short for --format json`, { hint: 'Pass only one of them.' });
  }
  return flags.format;
}
