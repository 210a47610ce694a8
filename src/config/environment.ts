import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** Settings that come from the environment, never from the config file. */
export interface Environment {
  readonly apiToken: string | undefined;
  readonly baseUrl: string;
  /** Where CLOUDFLARE_BASE_URL came from: doctor names it, since the token goes wherever it points. */
  readonly baseUrlSource: 'default' | 'environment' | '.env';
  readonly home: string;
}

export type EnvVars = Readonly<Record<string, string | undefined>>;

/** Adds the variables of `<cwd>/.env` that the environment does not already set. */
export function withDotEnv(env: EnvVars, cwd: string): EnvVars {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return env;
  const fromFile = parseEnv(readFileSync(path, 'utf8'));
  return { ...fromFile, ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) };
}

/**
 * Reads the settings from `env` (the environment with `.env` added); `processEnv` is the environment alone, to tell
 * where CLOUDFLARE_BASE_URL came from. A base URL the token must not travel to is a configuration error.
 */
export function readEnvironment(env: EnvVars, processEnv: EnvVars = env): Environment {
  const token = env['CLOUDFLARE_API_TOKEN']?.trim();
  const rawBaseUrl = env['CLOUDFLARE_BASE_URL']?.trim();
  const baseUrlSource = !rawBaseUrl ? 'default' : processEnv['CLOUDFLARE_BASE_URL']?.trim() ? 'environment' : '.env';
  const baseUrl = (rawBaseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const problem = checkBaseUrl(baseUrl);
  if (problem) {
    throw new ConfigError(
      `CLOUDFLARE_BASE_URL (set in ${baseUrlSource === '.env' ? 'the .env file' : 'the environment'}) ${problem}; refusing to send the API token there`,
      [],
      {
        hint: 'Use an https:// URL; plain http:// is allowed only to a loopback address (a local emulator). Nothing was done.',
      },
    );
  }
  return { apiToken: token === '' ? undefined : token, baseUrl, baseUrlSource, home: resolveHome(env) };
}

/** Why the token may not go to `baseUrl`, or undefined: https anywhere, http only to this machine. */
function checkBaseUrl(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `uses ${url.protocol}//, not https://`;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const isLoopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  return isLoopback ? undefined : `uses plain http:// to ${url.hostname}, which is not this machine`;
}

function resolveHome(env: EnvVars): string {
  if (env['LUXERET_HOME']) return resolve(env['LUXERET_HOME']);
  const dataHome = env['XDG_DATA_HOME'] || join(env['HOME'] ?? homedir(), '.local', 'share');
  return join(dataHome, 'luxeret-privacy');
}

/** Where the config file is: --config, else LUXERET_CONFIG, else ./luxeret-privacy.yaml, else $LUXERET_HOME/config.yaml. */
export function resolveConfigPath(flag: string | undefined, env: EnvVars, cwd: string, home: string): string {
  if (flag) return resolve(cwd, flag);
  if (env['LUXERET_CONFIG']) return resolve(cwd, env['LUXERET_CONFIG']);
  const local = join(cwd, 'luxeret-privacy.yaml');
  if (existsSync(local)) return local;
  return join(home, 'config.yaml');
}
