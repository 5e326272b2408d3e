// The explorer's pages through fastify inject, on a demo chain extended by explorer.fixture.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildExplorerApp, buildExplorerWorld, type ExplorerWorld } from './explorer.fixture.ts';
import { formatBtc, formatSat, groupThousands } from '../../chain/explorer/format.ts';
import { searchFailureStatus } from '../../chain/explorer/index.ts';
import { blockSubsidy } from '../../chain/consensus.ts';
import { scriptToAddress } from '../../chain/address.ts';
import { p2wpkhScript } from '../../chain/script.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let world: ExplorerWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = buildExplorerWorld();
  app = await buildExplorerApp(world);
});
afterAll(async () => {
  await app?.close();
  world?.ledger.close();
});

async function get(url: string) {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.body, headers: r.headers };
}

/** Every explorer page: the training mark, a way back to the lab, no asset from outside this server. */
function expectExplorerPage(body: string) {
  expect(body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
  expect(body).toMatch(/<a href="\/">[^<]*[Ll]ab home<\/a>/);
  expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
  expect(body).not.toMatch(/https?:\/\//);
}

/** An attribute value as the browser reads it (Handlebars escapes `=` and `&`). */
function attr(value: string): string {
  return value.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** The href of the page's rel=next (or prev) link, decoded. */
function relLink(body: string, rel: 'next' | 'prev'): string | null {
  const m = body.match(new RegExp(`rel="${rel}" href="([^"]+)"`));
  return m ? attr(m[1]) : null;
}

function countOf(body: string, needle: string): number {
  return body.split(needle).length - 1;
}

/** The net-effect amount printed on the history card of `txid`. */
function effectOnCard(body: string, txid: string): string {
  const start = body.indexOf(`href="/explorer/tx/${txid}"`);
  expect(start).toBeGreaterThan(-1);
  const effect = body.slice(start).match(/<span class="effect"><span class="amount[^"]*" title="(-?[\d,]+) sat">/);
  expect(effect).not.toBeNull();
  return effect![1];
}

function btcText(sat: number): string {
  return formatBtc(sat);
}

describe('home page', () => {
  it('shows the tip, the latest blocks and the mempool', async () => {
    const r = await get('/explorer/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expectExplorerPage(r.body);
    const tip = world.reader.tipHeight()!;
    expect(r.body).toContain(`href="/explorer/block/${world.reader.tipHash()}">#${tip}</a>`);
    for (let h = tip; h > tip - 10; h--) expect(r.body).toContain(`>#${h}</a>`);
    expect(r.body).not.toContain(`>#${tip - 10}</a>`);
    // Three mempool txs, and a histogram bar for them.
    expect(r.body).toMatch(/3 unconfirmed transactions/);
    expect(r.body).toContain('<rect class="bar"');
    expect(r.body).toContain('name="q"');
  });

  it('sends a content security policy that keeps every asset on this server', async () => {
    const r = await get('/explorer/');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('shows ages from the injected clock', async () => {
    // The fixture's clock is one hour after the tip.
    const r = await get('/explorer/');
    expect(r.body).toContain('1 h ago');
  });
});

describe('static assets', () => {
  it('serves its own CSS and scripts', async () => {
    const css = await get('/explorer/static/explorer.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.body).toContain('.training-banner');
    expect(css.body).not.toMatch(/@import|url\(\s*['"]?https?:/);
    for (const f of ['explorer.js', 'flow.js']) {
      const js = await get(`/explorer/static/${f}`);
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toMatch(/javascript/);
    }
  });

  it('serves the bundled cytoscape from node_modules', async () => {
    const r = await get('/explorer/static/vendor/cytoscape.min.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.body.length).toBeGreaterThan(100_000);
    expect(r.body).toContain('Cytoscape Consortium');
  });

  it('serves nothing outside its static folder', async () => {
    for (const url of ['/explorer/static/../index.ts', '/explorer/static/%2e%2e/index.ts', '/explorer/static/templates/layout.hbs', '/explorer/static/vendor/cytoscape.cjs.js']) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.body).not.toContain('explorerPlugin');
    }
  });
});

describe('search', () => {
  it('sends a txid to its transaction page, in lower case', async () => {
    const r = await get(`/explorer/search?q=${world.chain.t.toUpperCase()}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/explorer/tx/${world.chain.t}`);
  });

  it('sends txid:vout to the output on its transaction page', async () => {
    const r = await get(`/explorer/search?q=${world.chain.t}:2`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/explorer/tx/${world.chain.t}#vout-2`);
  });

  it('sends block hashes and heights to the block page', async () => {
    const byHash = await get(`/explorer/search?q=${world.bigBlock.hash}`);
    expect(byHash.headers.location).toBe(`/explorer/block/${world.bigBlock.hash}`);
    const byHeight = await get(`/explorer/search?q=${world.bigBlock.height}`);
    expect(byHeight.status).toBe(303);
    expect(byHeight.headers.location).toBe(`/explorer/block/${world.bigBlock.hash}`);
  });

  it('sends an address to its page, trimming spaces', async () => {
    const r = await get(`/explorer/search?q=${encodeURIComponent(`  ${world.hotAddress} `)}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/explorer/address/${world.hotAddress}`);
  });

  it('answers an unknown but well-formed id with a friendly 404', async () => {
    const r = await get(`/explorer/search?q=${'ab'.repeat(32)}`);
    expect(r.status).toBe(404);
    expectExplorerPage(r.body);
    expect(r.body).toContain('No transaction or block with that hash in this world.');
    expect(r.body).toContain('What the search box understands');
  });

  it('answers heights outside the stored range with a 404 saying why', async () => {
    const above = await get('/explorer/search?q=999999');
    expect(above.status).toBe(404);
    expect(above.body).toContain(`the chain tip is at height ${world.reader.tipHeight()}`);
    const below = await get('/explorer/search?q=5');
    expect(below.status).toBe(404);
    expect(below.body).toContain('before this world');
  });

  it('answers malformed input with a 400 and escapes it', async () => {
    const hostile = '<script>alert("x")</script>';
    const r = await get(`/explorer/search?q=${encodeURIComponent(hostile)}`);
    expect(r.status).toBe(400);
    expectExplorerPage(r.body);
    expect(r.body).not.toContain('<script>alert');
    expect(r.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // The only scripts on the page are the explorer's own.
    expect(r.body.match(/<script[^>]*>/g)).toEqual([`<script src="/explorer/static/explorer.js" defer>`]);
  });

  it('keeps hostile input inside the search box value attribute', async () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    const r = await get(`/explorer/search?q=${encodeURIComponent(hostile)}`);
    expect(r.status).toBe(400);
    expect(r.body).not.toContain('<img src=x');
    expect(r.body).toContain('value="&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"');
  });

  it('rejects another network’s address, empty and overlong searches with a 400', async () => {
    const testnet = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(7)), 'testnet')!;
    const other = await get(`/explorer/search?q=${testnet}`);
    expect(other.status).toBe(400);
    expect(other.body).toContain('mainnet');
    expect((await get('/explorer/search?q=')).status).toBe(400);
    expect((await get('/explorer/search')).status).toBe(400);
    const long = await get(`/explorer/search?q=${'a'.repeat(500)}`);
    expect(long.status).toBe(400);
    expect(long.body).toContain('too long');
  });

  it('classifies failures by shape', () => {
    expect(searchFailureStatus('123')).toBe(404);
    expect(searchFailureStatus('f'.repeat(64))).toBe(404);
    expect(searchFailureStatus(`${'f'.repeat(64)}:3`)).toBe(404);
    expect(searchFailureStatus('hello')).toBe(400);
    expect(searchFailureStatus('f'.repeat(63))).toBe(400);
  });
});

describe('block page', () => {
  it('shows the header fields and the totals', async () => {
    const { hash, height, txids } = world.bigBlock;
    const r = await get(`/explorer/block/${hash}`);
    expect(r.status).toBe(200);
    expectExplorerPage(r.body);
    const b = world.reader.block(hash)!;
    expect(r.body).toContain(`Block #${height}`);
    expect(r.body).toContain(b.merkle_root);
    expect(r.body).toContain(`0x${b.bits.toString(16).padStart(8, '0')}`);
    expect(r.body).toContain(`<dd class="mono">${b.nonce}</dd>`);
    expect(r.body).toContain('2020-02-0'); // UTC date of the demo world
    expect(r.body).toMatch(/<dt>Transactions<\/dt><dd>31<\/dd>/);
    // Fees the fixture paid: 300 + 7n sat for its txs n = 0..29.
    let fees = 0;
    for (let n = 0; n < 30; n++) fees += 300 + n * 7;
    expect(r.body).toContain(`title="${groupThousands(fees)} sat"`);
    expect(r.body).toContain(`title="${formatSat(blockSubsidy(height))}"`);
    // Neighbours in both directions.
    expect(r.body).toContain(`href="/explorer/block/${b.previousblockhash}"`);
    expect(r.body).toContain(`href="/explorer/block/${world.reader.blockHashAtHeight(height + 1)}"`);
    expect(txids).toHaveLength(31);
  });

  it('pages its transactions 25 at a time', async () => {
    const { hash, txids } = world.bigBlock;
    const first = await get(`/explorer/block/${hash}`);
    expect(countOf(first.body, 'class="tx-row')).toBe(25);
    expect(first.body).toContain(`href="/explorer/tx/${txids[0]}"`);
    expect(first.body).toContain(`href="/explorer/tx/${txids[24]}"`);
    expect(first.body).not.toContain(`href="/explorer/tx/${txids[25]}"`);
    expect(relLink(first.body, 'next')).toBe(`/explorer/block/${hash}?page=2`);
    expect(relLink(first.body, 'prev')).toBeNull();
    expect(first.body).toContain('coinbase (new coins)');
    const second = await get(`/explorer/block/${hash}?page=2`);
    expect(second.status).toBe(200);
    expect(countOf(second.body, 'class="tx-row')).toBe(6);
    expect(second.body).toContain(`href="/explorer/tx/${txids[30]}"`);
    expect(relLink(second.body, 'prev')).toBe(`/explorer/block/${hash}`);
    expect(relLink(second.body, 'next')).toBeNull();
    expect((await get(`/explorer/block/${hash}?page=3`)).status).toBe(404);
    expect((await get(`/explorer/block/${hash}?page=0`)).status).toBe(400);
    expect((await get(`/explorer/block/${hash}?page=two`)).status).toBe(400);
  });

  it("says that the first block's parent is outside the lab's ledger, without a dead link", async () => {
    const r = await get(`/explorer/block/${world.firstBlockHash}`);
    expect(r.status).toBe(200);
    const prev = world.reader.block(world.firstBlockHash)!.previousblockhash!;
    expect(r.body).toContain("Outside the lab's ledger");
    expect(r.body).toContain(prev);
    expect(r.body).not.toContain(`href="/explorer/block/${prev}"`);
  });

  it('has no next block at the tip', async () => {
    const r = await get(`/explorer/block/${world.reader.tipHash()}`);
    expect(r.body).toContain('none yet (this is the tip)');
    expect(r.body).toContain('chain tip');
  });

  it('redirects a height to its block, and 404s a height it does not have', async () => {
    const r = await get(`/explorer/block-height/${world.bigBlock.height}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe(`/explorer/block/${world.bigBlock.hash}`);
    expect((await get('/explorer/block-height/99999999')).status).toBe(404);
    expect((await get('/explorer/block-height/-1')).status).toBe(400);
  });

  it('answers unknown and malformed hashes with friendly 404 and 400 pages', async () => {
    const unknown = await get(`/explorer/block/${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expectExplorerPage(unknown.body);
    const malformed = await get('/explorer/block/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(malformed.status).toBe(400);
    expect(malformed.body).not.toContain('<script>alert');
    expect(malformed.body).toContain('&lt;script&gt;');
    expect(malformed.body).toContain('64 hexadecimal characters');
  });
});

describe('transaction page', () => {
  it('links each input to the output it spends and each output to its spender', async () => {
    const { p, t, s, tHeight } = world.chain;
    const r = await get(`/explorer/tx/${t}`);
    expect(r.status).toBe(200);
    expectExplorerPage(r.body);
    expect(r.body).toContain(`href="/explorer/tx/${p}#vout-0"`);
    expect(r.body).toContain(`href="/explorer/tx/${s}#vin-0"`);
    expect(r.body).toContain('<li id="vout-2">');
    expect(r.body.slice(r.body.indexOf('<li id="vout-2">'))).toMatch(/^[\s\S]*?<span class="badge">unspent<\/span>/);
    expect(r.body).toContain(`Confirmed in block <a href="/explorer/block/${world.reader.blockHashAtHeight(tHeight)}">#${tHeight}</a>`);
    const confs = world.reader.tipHeight()! - tHeight + 1;
    expect(r.body).toContain(`${confs} confirmations`);
  });

  it('shows amounts in BTC with satoshis on hover, fee, fee rate and sizes', async () => {
    const r = await get(`/explorer/tx/${world.chain.t}`);
    const tx = world.reader.tx(world.chain.t)!;
    expect(r.body).toContain(`<span class="amount" title="400,000 sat">0.004<span class="zeros">00000</span>`);
    // T spends 500,000 and pays 400,000 + 0 + 99,000.
    expect(r.body).toContain('(1,000 sat)');
    const vsize = Math.ceil(tx.weight / 4);
    expect(r.body).toContain(`${(1000 / vsize).toFixed(2)} sat/vB`);
    expect(r.body).toContain(`<dd>${vsize} vB</dd>`);
    expect(r.body).toContain(`<dd>${groupThousands(tx.weight)} WU</dd>`);
    expect(r.body).toContain('SegWit');
    expect(r.body).not.toContain('RBF signalled');
  });

  it('shows the OP_RETURN note escaped, and the raw hex', async () => {
    const r = await get(`/explorer/tx/${world.opReturnTxid}`);
    expect(r.body).toContain('case 4711: ransom note &lt;b&gt;paid&lt;/b&gt;');
    expect(r.body).not.toContain('<b>paid</b>');
    const raw = Buffer.from(world.reader.txRaw(world.opReturnTxid)!).toString('hex');
    expect(r.body).toContain(`<pre>${raw}</pre>`);
    expect(r.body).toContain('<details class="raw">');
  });

  it('marks a coinbase and reads its pool tag', async () => {
    const coinbase = world.bigBlock.txids[0];
    const r = await get(`/explorer/tx/${coinbase}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('Coinbase transaction');
    expect(r.body).toContain('newly generated coins');
    expect(r.body).toContain('/explorer-tests/');
  });

  it('shows a mempool transaction as unconfirmed and replaceable', async () => {
    const r = await get(`/explorer/tx/${world.hotMempool[0]}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('unconfirmed · in the mempool');
    expect(r.body).toContain('RBF signalled');
    expect(r.body).toContain('<dt>Confirmations</dt><dd>0</dd>');
    // Its change output is spent by the next mempool tx.
    expect(r.body).toContain(`href="/explorer/tx/${world.hotMempool[1]}#vin-0"`);
  });

  it('carries the flow graph, pointed at the lab API', async () => {
    const r = await get(`/explorer/tx/${world.chain.t}`);
    expect(r.body).toContain(`data-api="/api" data-base="/explorer" data-kind="tx" data-id="${world.chain.t}"`);
    expect(r.body).toContain('<script src="/explorer/static/vendor/cytoscape.min.js" defer></script>');
    expect(r.body).toContain('<script src="/explorer/static/flow.js" defer></script>');
  });

  it('answers unknown and malformed txids with 404 and 400, and sends a block hash to its block', async () => {
    const unknown = await get(`/explorer/tx/${'12'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('No transaction with that id in this world');
    const malformed = await get('/explorer/tx/xyz');
    expect(malformed.status).toBe(400);
    expectExplorerPage(malformed.body);
    const block = await get(`/explorer/tx/${world.bigBlock.hash}`);
    expect(block.status).toBe(303);
    expect(block.headers.location).toBe(`/explorer/block/${world.bigBlock.hash}`);
  });
});

describe('address page', () => {
  it('shows balance, totals, counts and first/last seen', async () => {
    const r = await get(`/explorer/address/${world.hotAddress}`);
    expect(r.status).toBe(200);
    expectExplorerPage(r.body);
    expect(r.body).toContain('Address · P2WPKH');
    expect(r.body).toContain(`title="${formatSat(world.hotBalance)}">${btcText(world.hotBalance).replace(/0+$/, '')}`);
    // Received: the fixture paid 10,000 + 1,111n sat for n = 0..59, and 7,000..7,002 in the mempool.
    let received = 7_000 + 7_001 + 7_002;
    for (let n = 0; n < 60; n++) received += 10_000 + n * 1_111;
    const receivedBlock = r.body.slice(r.body.indexOf('Total received'));
    expect(receivedBlock).toMatch(new RegExp(`^Total received</div><div class="value"><span class="amount" title="${formatSat(received)}">`));
    // 60 confirmed + 3 mempool.
    expect(r.body).toMatch(/<div class="label">Transactions<\/div><div class="value">63 <small>\(3 unconfirmed\)<\/small>/);
    // First seen: the fixture's first hot tx, in the big block; last seen: the newest mempool tx.
    expect(r.body).toContain(`href="/explorer/tx/${world.hotHistory[0].txid}"`);
    expect(r.body).toContain(`block <a href="/explorer/block/${world.bigBlock.hash}">#${world.bigBlock.height}</a>`);
    expect(r.body).toContain('in the mempool · <a');
  });

  it("pages its history by last seen txid, each row with its net effect", async () => {
    const history = [...world.hotHistory].reverse(); // newest first, as the page lists them
    const first = await get(`/explorer/address/${world.hotAddress}`);
    expect(countOf(first.body, 'class="tx-row')).toBe(3 + 25);
    for (const txid of world.hotMempool) expect(first.body).toContain(`href="/explorer/tx/${txid}"`);
    for (const h of history.slice(0, 25)) expect(effectOnCard(first.body, h.txid)).toBe(groupThousands(h.net));
    // Some rows spend an earlier hot output: their effect is smaller than the payment, and the card is marked.
    expect(history.some((h) => h.net < 10_000)).toBe(true);

    const next = relLink(first.body, 'next')!;
    expect(next).toBe(`/explorer/address/${world.hotAddress}?after=${history[24].txid}&seen=25`);
    const second = await get(next);
    expect(second.status).toBe(200);
    expect(countOf(second.body, 'class="tx-row')).toBe(25);
    for (const h of history.slice(25, 50)) expect(effectOnCard(second.body, h.txid)).toBe(groupThousands(h.net));
    expect(second.body).toContain('confirmed 26–50 of 60');

    const third = await get(relLink(second.body, 'next')!);
    expect(countOf(third.body, 'class="tx-row')).toBe(10);
    expect(relLink(third.body, 'next')).toBeNull();
    expect(relLink(third.body, 'prev')).toBe(`/explorer/address/${world.hotAddress}`);
  });

  it('lists its unspent outputs', async () => {
    const r = await get(`/explorer/address/${world.hotAddress}`);
    const utxos = world.reader.addressUtxo(world.hotAddress);
    const stats = world.reader.address(world.hotAddress);
    expect(utxos.length).toBe(stats.chain_stats.funded_txo_count + stats.mempool_stats.funded_txo_count - stats.chain_stats.spent_txo_count);
    expect(r.body).toContain(`${utxos.length} outputs`);
    for (const u of utxos) expect(r.body).toContain(`href="/explorer/tx/${u.txid}#vout-${u.vout}"`);
  });

  it('carries the flow graph for the address', async () => {
    const r = await get(`/explorer/address/${world.hotAddress}`);
    expect(r.body).toContain(`data-kind="address" data-id="${world.hotAddress}"`);
  });

  it('answers malformed, foreign and never-used addresses with friendly pages', async () => {
    const bad = await get('/explorer/address/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(bad.status).toBe(400);
    expectExplorerPage(bad.body);
    expect(bad.body).not.toContain('<script>alert');
    const testnet = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(9)), 'testnet')!;
    const foreign = await get(`/explorer/address/${testnet}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain('another network');
    const unused = scriptToAddress(p2wpkhScript(new Uint8Array(20).fill(3)), 'mainnet')!;
    const never = await get(`/explorer/address/${unused}`);
    expect(never.status).toBe(404);
    expect(never.body).toContain('never used in this world');
    const badCursor = await get(`/explorer/address/${world.hotAddress}?after=nope`);
    expect(badCursor.status).toBe(400);
  });
});

describe('mempool page', () => {
  it('lists recent transactions, their size and the fee histogram', async () => {
    const r = await get('/explorer/mempool');
    expect(r.status).toBe(200);
    expectExplorerPage(r.body);
    for (const txid of world.hotMempool) expect(r.body).toContain(`href="/explorer/tx/${txid}"`);
    const info = world.reader.mempool();
    expect(r.body).toContain(`<div class="value">${info.count}</div>`);
    expect(r.body).toContain(`${info.vsize} vB`);
    expect(r.body).toContain(`title="${formatSat(info.total_fee)}"`);
    expect(countOf(r.body, '<rect class="bar"')).toBe(info.fee_histogram.length);
  });
});

describe('templates', () => {
  it('print data only through escaping {{ }}: the one triple-stash is the layout body', () => {
    const dir = fileURLToPath(new URL('../../chain/explorer/templates/', import.meta.url));
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.hbs')), ...readdirSync(`${dir}partials`).map((f) => `partials/${f}`)];
    expect(files.length).toBeGreaterThan(10);
    const raw = files.flatMap((f) => (readFileSync(`${dir}${f}`, 'utf8').match(/\{\{\{[^}]*\}\}\}|\{\{&[^}]*\}\}/g) ?? []).map((m) => `${f}: ${m}`));
    expect(raw).toEqual(['layout.hbs: {{{body}}}']);
  });
});

describe('not found', () => {
  it('answers unknown explorer paths with its own 404 page', async () => {
    const r = await get('/explorer/nothing/here');
    expect(r.status).toBe(404);
    expectExplorerPage(r.body);
    expect(r.body).toContain('No such page');
  });
});
