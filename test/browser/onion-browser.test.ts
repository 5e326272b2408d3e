// The onion browser in a real (headless) browser, as a trainee uses it on the classroom LAN:
// type an onion address, follow a link to another onion site, go back, bookmark a site, look at
// the history, and mistype an address. Any request to a host other than 127.0.0.1 fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, localOnlyContext, warnIfMissing } from './chromium.ts';
import { buildDemoLab, type DemoLab } from '../market/browser.fixture.ts';

warnIfMissing('onion browser test');

describe.skipIf(!haveChromium)('onion browser in a browser', () => {
  let lab: DemoLab;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offHost: string[] = [];
  const pageErrors: string[] = [];
  const errorStatuses: number[] = [];

  /** Waits until the address bar shows `url` for a finished frame load. */
  async function addressShows(url: string): Promise<void> {
    await page.waitForFunction((u) => (globalThis as any).document.getElementById('address')?.getAttribute('data-url') === u, url);
    expect(await page.inputValue('#address')).toBe(url);
  }

  async function typeAddress(text: string): Promise<void> {
    await page.fill('#address', text);
    await page.press('#address', 'Enter');
  }

  beforeAll(async () => {
    lab = await buildDemoLab();
    await lab.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(lab.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await localOnlyContext(browser, offHost, { viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Chromium logs every 4xx document; the error pages are meant to carry one.
      const failed = /^Failed to load resource: the server responded with a status of (\d{3})/.exec(m.text());
      if (failed && new URL(m.location().url).pathname.startsWith('/onion/')) errorStatuses.push(Number(failed[1]));
      else pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.app.close();
  });

  it('browses onion sites, goes back, bookmarks, and explains a mistyped address', async () => {
    const { market, forum } = lab;
    const frame = page.frameLocator('#view');

    await page.goto(`${origin}/browser/`);
    expect(await page.locator('#training-banner').textContent()).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    await expect(frame.locator('#training-banner').textContent()).resolves.toContain('SYNTHETIC TRAINING ENVIRONMENT');
    await addressShows('');
    expect(await page.isDisabled('#back')).toBe(true);

    // Type the market's address without a scheme: the bar shows it as Tor Browser would.
    await typeAddress(`${market}.onion`);
    await addressShows(`http://${market}.onion/`);
    expect(await frame.locator('#site-name').textContent()).toBe('Demo Market');
    expect(await page.getAttribute('#identity', 'data-state')).toBe('onion');
    expect(await page.title()).toContain('Demo Market');
    expect(page.url()).toBe(`${origin}/browser/?url=${encodeURIComponent(`http://${market}.onion/`)}`);

    // Search the market: a form posted inside the frame, and back.
    await frame.locator('#search button').click();
    await addressShows(`http://${market}.onion/search`);
    expect(await frame.locator('#query').textContent()).toBe('fentanyl');
    await page.click('#back');
    await addressShows(`http://${market}.onion/`);

    // Follow the market's link to the forum: the bar follows the frame.
    await frame.locator('#to-forum').click();
    await addressShows(`http://${forum}.onion/threads/7`);
    expect(await frame.locator('#site-name').textContent()).toBe('Demo Forum');
    // Nothing ahead any more: the search result was dropped from the forward list.
    expect(await page.isDisabled('#forward')).toBe(true);

    // Reload fetches the page again and stays at the same place in history.
    await frame.locator('body').evaluate((body) => body.setAttribute('data-before-reload', ''));
    await page.click('#reload');
    await frame.locator('body:not([data-before-reload]) #site-name').waitFor();
    await addressShows(`http://${forum}.onion/threads/7`);
    expect(await page.isDisabled('#forward')).toBe(true);

    // Back to the market, then forward again, with our buttons.
    expect(await page.isDisabled('#back')).toBe(false);
    await page.click('#back');
    await addressShows(`http://${market}.onion/`);
    expect(await frame.locator('#site-name').textContent()).toBe('Demo Market');
    expect(await page.isDisabled('#forward')).toBe(false);
    await page.click('#forward');
    await addressShows(`http://${forum}.onion/threads/7`);
    await page.click('#back');
    await addressShows(`http://${market}.onion/`);

    // Bookmark the market; the bookmark survives a reload of the window, which reopens the market.
    await page.click('#bookmark-toggle');
    expect(await page.getAttribute('#bookmark-toggle', 'aria-pressed')).toBe('true');
    const bookmark = page.locator('#bookmark-list a.bookmark');
    expect(await bookmark.count()).toBe(1);
    expect(await bookmark.textContent()).toBe('Demo Market');
    expect(await bookmark.getAttribute('data-url')).toBe(`http://${market}.onion/`);
    await page.reload();
    await addressShows(`http://${market}.onion/`);
    expect(await page.locator('#bookmark-list a.bookmark').count()).toBe(1);
    expect(await page.getAttribute('#bookmark-toggle', 'aria-pressed')).toBe('true');

    // Go to the forum's front page by typing a full URL, then open the market from the bookmark.
    await typeAddress(`http://${forum}.onion`);
    await addressShows(`http://${forum}.onion/`);
    expect(await page.getAttribute('#bookmark-toggle', 'aria-pressed')).toBe('false');
    await page.click('#bookmark-list a.bookmark');
    await addressShows(`http://${market}.onion/`);

    // The history lists the addresses visited, newest first.
    await page.click('#history-toggle');
    const visited = await page.locator('#history-list a').evaluateAll((links) => links.map((a) => a.getAttribute('data-url')));
    expect(visited.slice(0, 3)).toEqual([`http://${market}.onion/`, `http://${forum}.onion/`, `http://${market}.onion/`]);
    expect(visited).toContain(`http://${forum}.onion/threads/7`);
    await page.click('#history-toggle');

    // Mistype one character of the forum's address: Tor Browser's 0xF6 page, and why.
    const i = 30;
    const typo = `${forum.slice(0, i)}${forum[i] === 'x' ? 'y' : 'x'}${forum.slice(i + 1)}`;
    await typeAddress(`${typo}.onion/threads/7`);
    await addressShows(`http://${typo}.onion/threads/7`);
    expect(await frame.locator('#error-title').textContent()).toBe('Invalid onion site address');
    expect(await frame.locator('#error-code').textContent()).toBe('0xF6');
    expect(await frame.locator('#reason').textContent()).toContain('bad checksum');
    expect(await page.getAttribute('#identity', 'data-state')).toBe('error');
    expect(await page.isDisabled('#bookmark-toggle')).toBe(true);

    // A retired v2 address.
    await typeAddress('expyuzz4wqqyqhjn.onion');
    await addressShows('http://expyuzz4wqqyqhjn.onion/');
    expect(await frame.locator('#reason').textContent()).toContain('v2 onion addresses are no longer supported');

    // A valid address nobody serves: 0xF0.
    await typeAddress(lab.unknown);
    await addressShows(`http://${lab.unknown}.onion/`);
    expect(await frame.locator('#error-title').textContent()).toBe('Onion site not found');
    expect(await frame.locator('#error-code').textContent()).toBe('0xF0');

    // Remove the bookmark.
    await page.click('#bookmark-list button.remove');
    expect(await page.locator('#bookmark-list a.bookmark').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('onion-range/browser/bookmarks'))).toBe('[]');

    // The typo and the v2 address (400), the unknown address (404), and nothing else.
    expect(errorStatuses).toEqual([400, 400, 404]);
    expect(pageErrors).toEqual([]);
    expect(offHost).toEqual([]);
  });
});
