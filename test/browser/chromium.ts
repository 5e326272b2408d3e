// Shared set-up for browser tests: Debian's Chromium with the flags this offline machine needs,
// and a context that fails any request to a host other than 127.0.0.1.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function warnIfMissing(what: string): void {
  if (!haveChromium) console.warn(`${what} skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A context whose requests may only go to 127.0.0.1; every other URL is aborted and recorded in `offHost`. */
export async function localOnlyContext(browser: Browser, offHost: string[], options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    offHost.push(url.href);
    return route.abort();
  });
  return context;
}
