import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';

/**
 * Debian's headless Chromium driven over the DevTools protocol (undici's WebSocket; Node 20 has no global one).
 * Used to load a report from disk, collect script errors, query the DOM and take a screenshot. No network: the
 * flags switch off every background service, and the page itself is a file.
 */

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface PageProblems {
  /** Uncaught exceptions, console errors, log errors (CSP violations land here too). */
  readonly errors: string[];
  /** alert()/confirm()/prompt() the page tried to open: a planted script ran. */
  readonly dialogs: string[];
}

export interface Browser {
  /** Opens `url` in a fresh tab of `width` x `height` CSS pixels and waits for its load event. */
  open(url: string, viewport: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export interface Page {
  readonly problems: PageProblems;
  /** Evaluates an expression in the page (DevTools evaluation is not subject to the page's CSP); returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page, however tall, or of one region of it. */
  screenshot(region?: { x: number; y: number; width: number; height: number }): Promise<Buffer>;
}

/** Throws a clear error when Chromium is missing: CI installs it (.ci/run), so a missing browser is a failure. */
export function assertChromiumInstalled(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}

export async function launchChromium(timeoutMs = 20_000): Promise<Browser> {
  assertChromiumInstalled();
  const profile = mkdtempSync(join(tmpdir(), 'luxeret-chromium-'));
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const endpoint = await waitForEndpoint(child, timeoutMs);
    const cdp = await connect(endpoint, timeoutMs);
    return {
      open: (url, viewport) => openPage(cdp, url, viewport, timeoutMs),
      close: async () => {
        // Chromium may exit before it answers Browser.close: never wait on that reply for long.
        await Promise.race([cdp.send('Browser.close').catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
        cdp.close();
        await waitForExit(child, 5_000);
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

function waitForEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before listening:\n${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Cdp {
  send(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<Record<string, unknown>>;
  on(listener: (event: CdpEvent) => void): void;
  close(): void;
}

async function connect(endpoint: string, timeoutMs: number): Promise<Cdp> {
  const ws = new WebSocket(endpoint);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('DevTools WebSocket did not open')), timeoutMs);
    ws.addEventListener('open', () => (clearTimeout(timer), resolve()));
    ws.addEventListener('error', () => (clearTimeout(timer), reject(new Error('DevTools WebSocket failed'))));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  const listeners: ((event: CdpEvent) => void)[] = [];
  // A closed connection answers nothing more: fail what is still waiting instead of hanging the test.
  ws.addEventListener('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('DevTools WebSocket closed'));
    pending.clear();
  });
  ws.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as {
      id?: number;
      result?: Record<string, unknown>;
      error?: { message: string };
    } & Partial<CdpEvent>;
    if (data.id !== undefined) {
      const waiter = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) waiter?.reject(new Error(data.error.message));
      else waiter?.resolve(data.result ?? {});
    } else if (data.method) {
      for (const listener of listeners) listener(data as CdpEvent);
    }
  });
  return {
    send: (method, params = {}, sessionId) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      }),
    on: (listener) => void listeners.push(listener),
    close: () => ws.close(),
  };
}

async function openPage(cdp: Cdp, url: string, viewport: { width: number; height: number }, timeoutMs: number): Promise<Page> {
  const { targetId } = (await cdp.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const send = (method: string, params: Record<string, unknown> = {}) => cdp.send(method, params, sessionId);
  const problems: PageProblems = { errors: [], dialogs: [] };
  let loaded: () => void = () => undefined;
  const load = new Promise<void>((resolve) => (loaded = resolve));
  cdp.on((event) => {
    if (event.sessionId !== sessionId) return;
    const p = event.params;
    switch (event.method) {
      case 'Page.loadEventFired':
        loaded();
        break;
      case 'Runtime.exceptionThrown':
        problems.errors.push(`exception: ${JSON.stringify(p['exceptionDetails'])}`);
        break;
      case 'Runtime.consoleAPICalled':
        if (p['type'] === 'error' || p['type'] === 'assert') problems.errors.push(`console.${String(p['type'])}: ${JSON.stringify(p['args'])}`);
        break;
      case 'Log.entryAdded': {
        const entry = p['entry'] as { level: string; text: string; source: string };
        if (entry.level === 'error') problems.errors.push(`log (${entry.source}): ${entry.text}`);
        break;
      }
      case 'Page.javascriptDialogOpening':
        problems.dialogs.push(String(p['message']));
        void send('Page.handleJavaScriptDialog', { accept: false });
        break;
    }
  });
  await send('Page.enable');
  await send('Runtime.enable');
  await send('Log.enable');
  await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false });
  await send('Page.navigate', { url });
  await Promise.race([load, new Promise((_, reject) => setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs} ms`)), timeoutMs))]);
  return {
    problems,
    evaluate: async <T>(expression: string) => {
      const result = (await send('Runtime.evaluate', { expression, returnByValue: true })) as {
        result: { value?: unknown };
        exceptionDetails?: unknown;
      };
      if (result.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(result.exceptionDetails)}`);
      return result.result.value as T;
    },
    screenshot: async (region) => {
      const metrics = (await send('Page.getLayoutMetrics')) as { cssContentSize: { width: number; height: number } };
      const { width, height } = metrics.cssContentSize;
      const clip = { ...(region ?? { x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height) }), scale: 1 };
      const { data } = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip })) as { data: string };
      return Buffer.from(data, 'base64');
    },
  };
}
