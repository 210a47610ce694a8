import { tmpdir } from 'node:os';

const LOOPBACK_BASE_URL = /^https?:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?(\/|$)/;

/**
 * The whole environment of a spawned child: PATH, a throwaway HOME and what the test passes – never the developer's
 * process.env, whose CLOUDFLARE_API_TOKEN, LUXERET_CONFIG or LUXERET_HOME would otherwise reach the child. A token
 * is only handed on together with a loopback CLOUDFLARE_BASE_URL, so a spawned purge can never reach the real API.
 */
export function childEnv(vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), ...vars };
  const token = env['CLOUDFLARE_API_TOKEN'];
  const baseUrl = env['CLOUDFLARE_BASE_URL'];
  if (token !== undefined && (baseUrl === undefined || !LOOPBACK_BASE_URL.test(baseUrl))) {
    throw new Error(`childEnv: CLOUDFLARE_API_TOKEN given with CLOUDFLARE_BASE_URL=${baseUrl ?? '(unset)'}; tests talk to the emulator on loopback only`);
  }
  return env;
}
