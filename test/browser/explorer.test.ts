// The explorer in a real (headless) browser, as a trainee uses it on the offline classroom LAN:
// search a txid, follow an input back and an output forward across blocks, open an address and
// expand its flow graph by one hop. Any request to a host other than 127.0.0.1 fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, localOnlyContext, warnIfMissing } from './chromium.ts';
import { buildExplorerApp, buildExplorerWorld, type ExplorerWorld } from '../chain/explorer.fixture.ts';

warnIfMissing('explorer browser test');

describe.skipIf(!haveChromium)('explorer in a browser', () => {
  let world: ExplorerWorld;
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offHost: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    world = buildExplorerWorld();
    app = await buildExplorerApp(world);
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    // A local time zone other than UTC, so the local-time script has something to add.
    context = await localOnlyContext(browser, offHost, { timezoneId: 'Europe/Berlin', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    world?.ledger.close();
  });

  it('searches a txid, follows an input back and an output forward, opens an address and expands its graph', async () => {
    const { p, t, s, pHeight, tHeight, sHeight } = world.chain;

    await page.goto(`${origin}/explorer/`);
    await expect(page.locator('#training-banner').textContent()).resolves.toContain('SYNTHETIC TRAINING ENVIRONMENT');
    expect(await page.locator('#training-banner a[href="/"]').isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('class')).toContain('js');

    // Search the middle transaction of the P → T → S chain.
    await page.fill('main input[name="q"]', t);
    await Promise.all([page.waitForURL(`${origin}/explorer/tx/${t}`), page.press('main input[name="q"]', 'Enter')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Transaction');
    // Copy buttons appear once the script runs; the hash beside them is whole in the DOM.
    expect(await page.locator('.page-head .copy').isVisible()).toBe(true);
    expect(await page.locator('.page-head .copy').getAttribute('data-copy')).toBe(t);
    expect((await page.locator('.page-head .hash .text').textContent())?.trim()).toBe(t);
    expect(await page.locator('.badges').textContent()).toContain('confirmations');
    expect(await page.locator('dd', { hasText: 'Confirmed in block' }).textContent()).toContain(`#${tHeight}`);
    // Dates: UTC in the page, local time added by script.
    const blockTime = await page.locator('dd time').first().textContent();
    expect(blockTime).toMatch(/UTC.*local \(UTC\+0[12]:00\)/);

    // Input #0 → the output it spends, in the previous block.
    await Promise.all([page.waitForURL(`${origin}/explorer/tx/${p}#vout-0`), page.click('#vin-0 a[title="The output this input spends"]')]);
    expect(await page.locator('dd', { hasText: 'Confirmed in block' }).textContent()).toContain(`#${pHeight}`);
    expect(await page.locator('#vout-0').evaluate((el) => el.matches(':target'))).toBe(true);
    expect(await page.locator('#vout-0').textContent()).toContain(`spent in ${t.slice(0, 8)}`);

    // Back to T, then output #0 → the transaction that spends it, in the next block.
    await page.goBack();
    await page.waitForURL(`${origin}/explorer/tx/${t}`);
    await Promise.all([page.waitForURL(`${origin}/explorer/tx/${s}#vin-0`), page.click('#vout-0 a[title="The transaction that spends this output"]')]);
    expect(await page.locator('dd', { hasText: 'Confirmed in block' }).textContent()).toContain(`#${sHeight}`);
    expect(await page.locator('#vin-0').evaluate((el) => el.matches(':target'))).toBe(true);

    // Amounts carry satoshis on hover.
    expect(await page.locator('#vin-0 .amount').getAttribute('title')).toBe('400,000 sat');

    // The address S spends from: T paid it, S spent it.
    const address = world.reader.tx(t)!.vout[0].scriptpubkey_address!;
    await Promise.all([page.waitForURL(`${origin}/explorer/address/${address}`), page.click(`#vin-0 a[href="/explorer/address/${address}"]`)]);
    await expect(page.locator('.kicker').textContent()).resolves.toContain('Address');
    expect(await page.locator('.tx-row').count()).toBe(2);

    // The flow graph starts from the address: its two txs around it.
    await page.waitForSelector('#flow-graph[data-ready="true"]');
    const before = await page.evaluate(() => (globalThis as any).explorerFlow.cy.nodes().length as number);
    expect(before).toBe(3);
    // Click the (not yet expanded) node of T, at its place on the canvas, to load its neighbours.
    await page.locator('#flow-graph').scrollIntoViewIfNeeded();
    // Scroll events reach the page on the next frames; cytoscape re-reads its position on them.
    await page.evaluate(() => new Promise((done) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(done))));
    const box = (await page.locator('#flow-graph').boundingBox())!;
    const at = await page.evaluate((id) => (globalThis as any).explorerFlow.cy.getElementById(id).renderedPosition() as { x: number; y: number }, `tx:${t}`);
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('#flow-graph[data-expansions="2"]');
    const graph = await page.evaluate((id) => {
      const cy = (globalThis as any).explorerFlow.cy;
      return {
        nodes: cy.nodes().length as number,
        expanded: cy.getElementById(id).data('expanded') as boolean,
        txs: cy.nodes('[kind = "tx"]').map((n: any) => n.data('txid')) as string[],
      };
    }, `tx:${t}`);
    expect(graph.expanded).toBe(true);
    expect(graph.nodes).toBeGreaterThan(before);
    // T's neighbours now include P, the tx that created its input.
    expect(graph.txs).toContain(p);
    expect(await page.locator('[data-flow-details]').textContent()).toContain(t);
    expect(await page.locator('[data-flow-details] a').getAttribute('href')).toBe(`/explorer/tx/${t}`);

    expect(pageErrors).toEqual([]);
    expect(offHost).toEqual([]);
  });
});
