import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Config } from '../config/config.js';
import { readEnvironment, resolveConfigPath, withDotEnv, type EnvVars, type Environment } from '../config/environment.js';
import { loadConfigFile } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { Outcome } from '../outcome.js';
import { sanitiseTerminalText } from '../report/terminal-text.js';
import { assertStoreMatchesHome, readPostgresHomeMark } from '../config/home-store-mark.js';
import { DEFAULT_STORE_SCHEMA, selectStore, storePasswords, type StoreSelection } from '../config/store.js';
import { openStore } from '../store/db.js';
import { openStorePort } from '../store/open.js';
import type { StorePort } from '../store/port.js';
import type { Io } from './io.js';
import { newMetricsRun, type MetricsRun } from './metrics-file.js';
import { homePaths, type HomePaths } from './paths.js';
import { classifyTextLine, readLogFormat, redactSecrets, renderLogLine, type LogField, type LogFormat, type LogLevel } from './log-format.js';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: string;
}

/**
 * What commands get: lazily built real dependencies, created once per run. Function-valued members, so commands can
 * hand them on (`now: ctx.now`) with no `this` to lose.
 */
export interface CliContext {
  readonly io: Io;
  readonly env: EnvVars;
  /** This program's version (package.json), for reports that state which version made them. */
  readonly toolVersion: string;
  readonly globals: () => GlobalOptions;
  readonly environment: () => Environment;
  readonly configPath: () => string;
  readonly config: () => Config;
  readonly paths: () => HomePaths;
  /** Which store this run uses: SQLite in LUXERET_HOME, or PostgreSQL (`store:`, LUXERET_DATABASE_URL). */
  readonly storeSelection: () => StoreSelection;
  /** The migrated store behind the port; closed when the run ends. */
  readonly storePort: () => Promise<StorePort>;
  /** The Cloudflare API token, or a usage error naming the variable. */
  readonly apiToken: () => string;
  /** Who is acting, for audit entries: OS user and host. */
  readonly actor: () => string;
  readonly now: () => Date;
  /** A progress line on stderr, only when stderr is a TTY and --quiet is off. */
  readonly progress: (line: string) => void;
  /** A warning or note on stderr (suppressed by --quiet). */
  readonly note: (line: string) => void;
  /** Detail on stderr, only with --verbose. */
  readonly verbose: (line: string) => void;
  /** Whether stdout may be coloured: a terminal, and NO_COLOR unset. */
  readonly useColour: () => boolean;
  /** The signed audit head as it was before this run first signed (set by createSigner), to lodge a new one after. */
  readonly auditHead: { tracked: boolean; before: string | undefined };
  /** The outcomes of the use cases this run called; main.ts maps them to the exit code. */
  readonly outcomes: readonly Outcome[];
  readonly recordOutcome: (outcome: Outcome) => void;
  /** Things to release when the run ends (store, lock). */
  readonly onClose: (release: () => void | Promise<void>) => void;
  readonly close: () => Promise<void>;
  // --- structured logs (issue 15)
  /** `--log-format`, else LUXERET_LOG_FORMAT, else text (main.ts's preAction refuses an unknown variable value). */
  readonly logFormat: () => LogFormat;
  /** The command being run (`hold add`), for log lines; main.ts sets it as commander picks the command. */
  readonly command: { path: string | null };
  /** One JSON log line on stderr (whatever the format: callers choose); strings are redacted and addresses replaced. */
  readonly log: (level: LogLevel, event: string, fields: Readonly<Record<string, LogField>>) => void;
  /** Text with the API token and the store's password replaced, and terminal controls neutralised. */
  readonly redact: (text: string) => string;
  // --- metrics (issue 15)
  /** The pull, purge or inventory run the metrics file describes (src/cli/metrics-file.ts); main.ts writes it. */
  readonly metricsRun: MetricsRun;
}

/** JSON progress lines are ordinary lines, so at most one per this many ms (journald keeps every one). */
const JSON_PROGRESS_INTERVAL_MS = 5_000;

export function createContext(io: Io, getGlobals: () => GlobalOptions, toolVersion: string): CliContext {
  const env = withDotEnv(io.env, io.cwd);
  const closers: (() => void | Promise<void>)[] = [];
  const outcomes: Outcome[] = [];
  let environment: Environment | undefined;
  let config: Config | undefined;
  let port: Promise<StorePort> | undefined;
  let storeSelection: StoreSelection | undefined;
  let lastProgressLength = 0;
  let lastJsonProgressMs: number | undefined;
  // In JSON mode, text that code writes to stderr itself becomes log lines too: every stderr line is JSON.
  const writeStderr = (text: string): void => {
    if (ctx.logFormat() === 'text') return io.stderr(text);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const { level, event, message } = classifyTextLine(line);
      ctx.log(level, event, { message });
    }
  };

  // A live progress line is wiped before anything else is written, so results and messages never start mid-line.
  const clearProgress = (): void => {
    if (lastProgressLength === 0) return;
    io.stderr(`\r${' '.repeat(lastProgressLength)}\r`);
    lastProgressLength = 0;
  };
  const ctx: CliContext = {
    io: {
      ...io,
      stdout: (text) => {
        clearProgress();
        io.stdout(text);
      },
      stderr: (text) => {
        clearProgress();
        writeStderr(text);
      },
    },
    env,
    toolVersion,
    globals: getGlobals,
    environment: () => (environment ??= readEnvironment(env, io.env)),
    configPath: () => resolveConfigPath(getGlobals().config, env, io.cwd, ctx.environment().home),
    config: () => (config ??= loadConfigFile(ctx.configPath())),
    paths: () => homePaths(ctx.environment().home),
    // Once per run (the store, the secrets to redact and the left-behind note all ask): a refusal is thrown again.
    storeSelection: () => {
      if (storeSelection) return storeSelection;
      const selection = selectStore(readStoreSection(ctx), env);
      const home = ctx.environment().home;
      assertStoreMatchesHome(selection, home, readPostgresHomeMark(home));
      return (storeSelection = selection);
    },
    storePort: () => {
      port ??= openStorePort(ctx.storeSelection(), {
        sqlitePath: ctx.paths().store,
        openSqlite: () => openStore(ctx.paths().store),
        lockPath: ctx.paths().lock,
        onTakeOver: (stale) =>
          ctx.io.stderr(
            `luxeret-privacy: took over a stale lock from ${stale.command} (pid ${stale.pid}, started ${stale.started_at}), whose process is gone\n`,
          ),
      }).then((opened) => {
        closers.push(() => opened.close());
        return opened;
      });
      return port;
    },
    apiToken: () => {
      const token = ctx.environment().apiToken;
      if (!token) {
        throw new UsageError('CLOUDFLARE_API_TOKEN is not set', {
          hint: 'Export CLOUDFLARE_API_TOKEN or put it in a .env file in the working directory (see .env.example).',
        });
      }
      return token;
    },
    actor: () => `${safeUser()}@${hostname()}`,
    now: () => new Date(io.now()),
    progress: (line) => {
      if (getGlobals().quiet) return;
      if (ctx.logFormat() === 'json') {
        // Not redrawn: each is a line of its own, so they are throttled; '' (done) is no event.
        const nowMs = io.now();
        if (line === '' || (lastJsonProgressMs !== undefined && nowMs - lastJsonProgressMs < JSON_PROGRESS_INTERVAL_MS)) return;
        lastJsonProgressMs = nowMs;
        return ctx.log('info', 'progress', { message: line });
      }
      if (!io.isStderrTty) return;
      if (line === '') return clearProgress();
      io.stderr(`\r${line.padEnd(lastProgressLength)}`);
      lastProgressLength = line.length;
    },
    note: (line) => {
      if (getGlobals().quiet) return;
      if (ctx.logFormat() === 'json') return ctx.log('info', 'note', { message: line.replace(/^note: /, '') });
      ctx.io.stderr(`${sanitiseTerminalText(line)}\n`);
    },
    useColour: () => io.isStdoutTty && !env['NO_COLOR'],
    verbose: (line) => {
      if (!getGlobals().verbose || getGlobals().quiet) return;
      if (ctx.logFormat() === 'json') return ctx.log('debug', 'verbose', { message: line });
      ctx.io.stderr(`${sanitiseTerminalText(line)}\n`);
    },
    auditHead: { tracked: false, before: undefined },
    outcomes,
    recordOutcome: (outcome) => void outcomes.push(outcome),
    onClose: (release) => void closers.push(release),
    close: async () => {
      clearProgress();
      for (const release of closers.reverse()) {
        try {
          await release();
        } catch {
          // Closing is best effort; the run's own outcome has already been decided.
        }
      }
      closers.length = 0;
    },
    // --- structured logs (issue 15)
    logFormat: () => readLogFormat(getGlobals().logFormat, env),
    command: { path: null },
    log: (level, event, fields) => {
      clearProgress();
      io.stderr(renderLogLine({ time: ctx.now(), level, command: ctx.command.path, event, fields }, ctx.redact));
    },
    redact: (text) => sanitiseTerminalText(redactSecrets(text, logSecrets(ctx))),
    // --- metrics (issue 15)
    metricsRun: newMetricsRun(),
  };
  return ctx;
}

/** The config's store keys; without a config file (audit verify, doctor on a new machine), the defaults. */
function readStoreSection(ctx: CliContext): Config['store'] {
  if (!existsSync(ctx.configPath())) return { url: undefined, schema: DEFAULT_STORE_SCHEMA };
  return ctx.config().store;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** What must never reach stderr: the API token, the store's password (as written and percent-decoded), AWS secrets. */
function logSecrets(ctx: CliContext): string[] {
  // Straight from the variables: reading the environment or the config may itself be what failed.
  const token = ctx.env['CLOUDFLARE_API_TOKEN']?.trim();
  let passwords: string[];
  try {
    passwords = storePasswords(ctx.storeSelection());
  } catch {
    passwords = passwordsOf(ctx.env['LUXERET_DATABASE_URL']);
  }
  // --- archives (issue 14): the AWS SDK's secrets, for the Logpush archives in S3/R2.
  const aws = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].flatMap((name) => ctx.env[name]?.trim() || []);
  return [...(token ? [token] : []), ...passwords, ...passwordsOf(ctx.env['LUXERET_DATABASE_URL']), ...aws];
}

function passwordsOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    return storePasswords({ kind: 'postgres', url: url.trim(), displayUrl: '', schema: '', source: 'LUXERET_DATABASE_URL' });
  } catch {
    return [];
  }
}
