import { accessSync, constants } from 'node:fs';
import { chromium, type Browser as PlaywrightBrowser } from 'playwright-core';

/**
 * Debian's headless Chromium driven by playwright-core. Used to load a report from disk, collect script errors,
 * query the DOM and take a screenshot. No network: the flags switch off every background service, and the page
 * itself is a file.
 */

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PageProblems {
  /** Uncaught exceptions, console errors, log errors (CSP violations land here too). */
  readonly errors: string[];
  /** alert()/confirm()/prompt() the page tried to open: a planted script ran. */
  readonly dialogs: string[];
}

export interface Browser {
  /** Opens `url` in a fresh page of `width` x `height` CSS pixels and waits for its load event. */
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
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: timeoutMs });
  return {
    open: (url, viewport) => openPage(browser, url, viewport, timeoutMs),
    close: () => browser.close(),
  };
}

async function openPage(browser: PlaywrightBrowser, url: string, viewport: { width: number; height: number }, timeoutMs: number): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], dialogs: [] };
  page.on('pageerror', (error) => problems.errors.push(`exception: ${error.message}`));
  // Playwright reports the browser's own log errors (a CSP violation, a blocked load) as console errors too.
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'assert') problems.errors.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  return {
    problems,
    evaluate: <T>(expression: string) => page.evaluate<T>(expression),
    screenshot: (region) => page.screenshot(region ? { clip: region } : { fullPage: true }),
  };
}
