import { ALL_PERMISSIONS, addToken, startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { testClock } from './virtual-clock.js';

export { busiestWindow, skippingClock, testClock, virtualClock, type VirtualClock } from './virtual-clock.js';

/** Bearer value of the all-permissions token `startTestEmulator` adds. Not a real secret. */
export const TEST_TOKEN = 'emulator-test-token';

/**
 * An emulator with one user token holding every permission; add zones/data through `emulator.state`. It runs on
 * the file's testClock unless given a clock, so its rate windows move with the CLI's skipped waits.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ now: testClock.now, ...options });
  addToken(emulator.state, { value: TEST_TOKEN, permissions: [...ALL_PERMISSIONS] });
  return emulator;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** One HTTP call to the emulator; `body` is parsed JSON (undefined when it does not parse). */
export async function callEmulator(
  emulator: Emulator,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${emulator.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function graphqlQuery(emulator: Emulator, query: string, variables: Record<string, unknown> = {}, token?: string | null): Promise<JsonResponse> {
  return callEmulator(emulator, 'POST', '/graphql', { body: { query, variables }, ...(token !== undefined ? { token } : {}) });
}
