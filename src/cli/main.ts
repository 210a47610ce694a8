import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { Command, CommanderError } from 'commander';
import { ExitCode, LuxeretError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { createContext, type CliContext, type GlobalOptions } from './context.js';
import { COMMANDS } from './commands/index.js';
import type { Io } from './io.js';
import { sanitiseTerminalText } from '../report/terminal-text.js';
import { lodgeNewAuditHead } from './lodge-head.js';

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
    return Math.max(exitCode, OUTCOME_EXIT_CODES[await lodgeNewAuditHead(ctx)]);
  } finally {
    await ctx.close();
  }
}

/** The commander program with every command, its output wired to the context's io (also what `npm run readme` reads). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('luxeret-privacy');
  program
    .description("Keeps Luxeret's privacy promise for visitor IP addresses and countries held via Cloudflare")
    .version(ctx.toolVersion)
    .option('-c, --config <file>', 'config file (default: $LUXERET_CONFIG, ./luxeret-privacy.yaml, $LUXERET_HOME/config.yaml)')
    .option('-q, --quiet', 'no progress or notes on stderr')
    .option('-v, --verbose', 'more detail on stderr')
    .option('--debug', 'on errors, print the cause chain and stack')
    .showHelpAfterError()
    .hook('preAction', () => {
      const environment = ctx.environment();
      ctx.verbose(`luxeret-privacy ${ctx.toolVersion}: LUXERET_HOME ${environment.home}, config ${ctx.configPath()}, API ${environment.baseUrl}`);
    });
  for (const build of COMMANDS) program.addCommand(build(ctx));
  // Commander copies these settings only to subcommands created after them: set them on every level.
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput({ writeOut: (text) => ctx.io.stdout(text), writeErr: (text) => ctx.io.stderr(text) });
  }
  return program;
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
    ctx.io.stderr(`luxeret-privacy: ${redact(err.message, ctx)}\n`);
    if (err.hint) ctx.io.stderr(`hint: ${redact(err.hint, ctx)}\n`);
    if (debug) ctx.io.stderr(redact(describeChain(err), ctx));
    return err.exitCode;
  }
  if (isStoreBusy(err)) {
    // Another run kept the store's write lock past the busy timeout: the same situation as the run lock (exit 6).
    ctx.io.stderr('luxeret-privacy: the store is busy: another run has been writing it for over 30 s; nothing was changed\n');
    ctx.io.stderr('hint: Try again when the other run (e.g. a purge reclaiming pages) has finished.\n');
    return ExitCode.locked;
  }
  ctx.io.stderr(`luxeret-privacy: internal error, this is a bug: ${redact(String((err as Error)?.message ?? err), ctx)}\n`);
  ctx.io.stderr(redact(describeChain(err), ctx));
  return ExitCode.internal;
}

function describeChain(err: unknown): string {
  const lines: string[] = [];
  for (let cause: unknown = err; cause; cause = (cause as { cause?: unknown }).cause) {
    lines.push(cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : inspect(cause));
  }
  return lines.join('\ncaused by: ') + '\n';
}

/** Belt and braces: whatever an error says, the token never reaches the terminal. */
/** Error text may carry Cloudflare's words: the token never shows, nor can the text drive the terminal. */
function redact(text: string, ctx: CliContext): string {
  // Straight from the variables: reading the environment may itself be what failed.
  const token = ctx.env['CLOUDFLARE_API_TOKEN']?.trim();
  return sanitiseTerminalText(token ? text.split(token).join('[redacted]') : text);
}

/** better-sqlite3's SqliteError for a lock it could not get (only src/store imports the driver, so by its code). */
function isStoreBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
