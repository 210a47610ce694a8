/** Exit codes, as documented in the README. */
export const ExitCode = {
  ok: 0,
  no: 1,
  usage: 2,
  cloudflare: 3,
  partial: 4,
  safetyLimit: 5,
  locked: 6,
  store: 7,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class LuxeretError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCode, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

export class UsageError extends LuxeretError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, ExitCode.usage, options);
  }
}

/** A configuration file or environment problem; `problems` lists every one found, each naming its key path. */
export class ConfigError extends LuxeretError {
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = [], options: { cause?: unknown; hint?: string } = {}) {
    super(problems.length > 0 ? `${message}\n  ${problems.join('\n  ')}` : message, ExitCode.usage, options);
    this.problems = problems;
  }
}

/** Cloudflare answered with an error, or could not be reached, after retries. Never holds the token or raw headers. */
export class CloudflareApiError extends LuxeretError {
  readonly status: number | undefined;
  readonly codes: readonly number[];
  readonly method: string;
  readonly path: string;
  constructor(
    message: string,
    details: { status?: number; codes?: readonly number[]; method: string; path: string },
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, ExitCode.cloudflare, options);
    this.status = details.status;
    this.codes = details.codes ?? [];
    this.method = details.method;
    this.path = details.path;
  }
}

export class SafetyLimitError extends LuxeretError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, ExitCode.safetyLimit, options);
  }
}

export class LockedError extends LuxeretError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, ExitCode.locked, options);
  }
}

export class StoreError extends LuxeretError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, ExitCode.store, options);
  }
}

export class KeyError extends LuxeretError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, ExitCode.store, options);
  }
}
