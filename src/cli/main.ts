import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, LuxeretError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { createContext, type CliContext, type GlobalOptions } from './context.js';
import { COMMANDS } from './commands/index.js';
import type { Io } from './io.js';
import { LATEST_SCHEMA_VERSION } from '../store/db.js';
import { lodgeNewAuditHead } from './lodge-head.js';
import { LOG_FORMATS, selectLogFormat } from './log-format.js';
import { writeRunMetrics } from './metrics-file.js';

export { nodeIo } from './io.js';
export type { Io } from './io.js';

const require = createRequire(import.meta.url);
const TOOL_VERSION: string = (require('../../package.json') as { version: string }).version;

/** The one table from a use case's outcome to the exit code (README "Exit codes"); thrown errors carry their own. */
const OUTCOME_EXIT_CODES: Record<Outcome, ExitCode> = {
  done: ExitCode.ok,
  no: ExitCode.no,
  cloudflare_failed: ExitCode.cloudflare,
  partial: ExitCode.partial,
};

/** Runs one CLI invocation; the only place that maps outcomes to exit codes. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  // The context reads the global options only once commander has parsed them.
  const ctx = createContext(io, () => program.opts<GlobalOptions>(), TOOL_VERSION);
  const program = buildProgram(ctx);
  try {
    let exitCode: number;
    try {
      await program.parseAsync(argv, { from: 'user' });
      // The highest wins: "partial" over "no" over "done".
      exitCode = Math.max(ExitCode.ok, ...ctx.outcomes.map((outcome) => OUTCOME_EXIT_CODES[outcome]));
    } catch (err) {
      // An error thrown after an outcome was recorded decides the run: it is what stopped it.
      exitCode = reportError(err, ctx);
    }
    // Whatever the outcome, a head this run signed is lodged (what was appended stays appended).
    const finalCode = Math.max(exitCode, OUTCOME_EXIT_CODES[await lodgeNewAuditHead(ctx)]);
    // After pull, purge and inventory: the metrics file, with the exit code the run ends with.
    await writeRunMetrics(ctx, finalCode);
    return finalCode;
  } finally {
    await ctx.close();
  }
}

/** The commander program with every command, its output wired to the context's io (also what `npm run readme` reads). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('luxeret-privacy');
  program
    .description("Keeps Luxeret's privacy promise for visitor IP addresses and countries held via Cloudflare")
    // The store schema this version migrates to, without opening a store: what an operator upgrading needs to know.
    .version(`luxeret-privacy ${ctx.toolVersion} (store schema ${LATEST_SCHEMA_VERSION})`)
    .option('-c, --config <file>', 'config file (default: $LUXERET_CONFIG, ./luxeret-privacy.yaml, $LUXERET_HOME/config.yaml)')
    .option('-q, --quiet', 'no progress or notes on stderr')
    .option('-v, --verbose', 'more detail on stderr')
    .option('--debug', 'on errors, print the cause chain and stack')
    .addOption(
      new Option('--log-format <format>', 'stderr as text, or one JSON object per line (default: $LUXERET_LOG_FORMAT, else text)').choices(LOG_FORMATS),
    )
    .showHelpAfterError()
    .hook('preAction', () => {
      selectLogFormat(ctx.globals().logFormat, ctx.env); // an unknown LUXERET_LOG_FORMAT is a usage error
      const environment = ctx.environment();
      ctx.verbose(`luxeret-privacy ${ctx.toolVersion}: LUXERET_HOME ${environment.home}, config ${ctx.configPath()}, API ${environment.baseUrl}`);
    });
  for (const build of COMMANDS) program.addCommand(build(ctx));
  // Commander copies these settings only to subcommands created after them: set them on every level.
  let hadUsageError = false;
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      // JSON mode: help on stderr after a usage error is for a person at a terminal, so it is left out; help a command
      // shows in place of running (`hold` without a subcommand) is an event.
      writeErr: (text) => {
        if (ctx.logFormat() === 'text') return ctx.io.stderr(text);
        if (!hadUsageError && text.trim() !== '') ctx.log('info', 'help', { text });
      },
      outputError: (text, write) => {
        if (ctx.logFormat() === 'text') return write(text);
        hadUsageError = true;
        ctx.log('error', 'usage_error', { message: text.trim().replace(/^error: /, ''), exit_code: ExitCode.usage });
      },
    });
    // Log lines name the command as soon as commander has picked it, before its options are checked.
    command.hook('preSubcommand', (_parent, sub) => void (ctx.command.path = commandPath(sub)));
  }
  return program;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((sub) => allCommands(sub))];
}

function reportError(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" to commander; they were printed already.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  const debug = ctx.globals().debug === true;
  if (err instanceof LuxeretError) {
    writeError(ctx, 'error', { error: err.name, message: err.message, hint: err.hint, exit_code: err.exitCode, stack: debug ? describeChain(err) : undefined });
    return err.exitCode;
  }
  if (isStoreBusy(err)) {
    // Another run kept the store's write lock past the busy timeout: the same situation as the run lock (exit 6).
    writeError(ctx, 'error', {
      error: 'StoreBusy',
      message: 'the store is busy: another run has been writing it for over 30 s; nothing was changed',
      hint: 'Try again when the other run (e.g. a purge reclaiming pages) has finished.',
      exit_code: ExitCode.locked,
    });
    return ExitCode.locked;
  }
  writeError(ctx, 'internal_error', {
    error: err instanceof Error ? err.name : typeof err,
    message: `internal error, this is a bug: ${String((err as Error)?.message ?? err)}`,
    exit_code: ExitCode.internal,
    stack: describeChain(err),
  });
  return ExitCode.internal;
}

/** An error as the log format asks: message, hint and (--debug, or a bug) the cause chain; secrets redacted either way. */
function writeError(
  ctx: CliContext,
  event: 'error' | 'internal_error',
  fields: { error: string; message: string; hint?: string | undefined; exit_code: number; stack?: string | undefined },
): void {
  if (ctx.logFormat() === 'json') return ctx.log('error', event, fields);
  ctx.io.stderr(`luxeret-privacy: ${ctx.redact(fields.message)}\n`);
  if (fields.hint) ctx.io.stderr(`hint: ${ctx.redact(fields.hint)}\n`);
  if (fields.stack !== undefined) ctx.io.stderr(ctx.redact(fields.stack));
}

function describeChain(err: unknown): string {
  const lines: string[] = [];
  for (let cause: unknown = err; cause; cause = (cause as { cause?: unknown }).cause) {
    lines.push(cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : inspect(cause));
  }
  return lines.join('\ncaused by: ') + '\n';
}

/** better-sqlite3's SqliteError for a lock it could not get (only src/store imports the driver, so by its code). */
function isStoreBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
