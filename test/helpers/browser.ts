/**
 * A real headless Chromium for end-to-end tests, driven by playwright-core (Debian's
 * /usr/bin/chromium: the browser downloads of test tools do not work here). `.ci/run`
 * installs it. Under CI a missing browser fails the tests; elsewhere they are skipped with a loud
 * message saying how to install it (require-tool.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { toolOrSkip } from './require-tool.js';

export const CHROMIUM = process.env.RDNS_CHROMIUM || '/usr/bin/chromium';

/** True when the browser tests can run; prints why not (and throws under CI) otherwise. */
export function browserAvailable(): boolean {
  return toolOrSkip(existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: the browser tests are SKIPPED (they need Chromium: apt-get install -y chromium, or run .ci/run)`);
}

/**
 * Launches headless Chromium. playwright-core starts it with a fresh temporary
 * --user-data-dir of its own on every launch (it refuses one in `args`) and removes it on close.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    timeout: 30_000,
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}
