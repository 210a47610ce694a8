import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';

export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** Settings that come from the environment, never from the config file. */
export interface Environment {
  readonly apiToken: string | undefined;
  readonly baseUrl: string;
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

export function readEnvironment(env: EnvVars): Environment {
  const token = env['CLOUDFLARE_API_TOKEN']?.trim();
  return {
    apiToken: token === '' ? undefined : token,
    baseUrl: (env['CLOUDFLARE_BASE_URL']?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, ''),
    home: resolveHome(env),
  };
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
