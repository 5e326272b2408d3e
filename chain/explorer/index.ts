// The block explorer trainees use in a browser: server-rendered pages in the spirit of Blockstream
// Esplora and mempool.space, as a fastify plugin mounted by the lab:
//   await app.register(explorerPlugin, { prefix: '/explorer', reader, network })
// Everything it serves comes from this plugin (templates, CSS, scripts, the bundled cytoscape):
// classrooms are offline. Its view engine, static files, error and not-found handlers live in
// its own encapsulated context, so they never clash with the lab's.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ChainReader } from '../store/reader.ts';
import { TXS_PER_PAGE } from '../store/reader.ts';
import type { EsploraTx } from '../esplora-types.ts';
import type { Network } from '../types.ts';
import { blockSubsidy } from '../consensus.ts';
import { AddressError } from '../address.ts';
import { createHandlebars } from './helpers.ts';
import { groupThousands } from './format.ts';
import {
  blockView,
  feesFromCoinbase,
  inputViews,
  mempoolView,
  outputViews,
  seenAt,
  txCard,
  txView,
  utxoViews,
  type Pager,
  type SeenAt,
} from './views.ts';

export interface ExplorerOptions {
  reader: ChainReader;
  network: Network;
  /** Where the lab serves its Esplora API, for the flow graph's requests. Default '/api'. */
  apiBase?: string;
  /** Unix seconds "now" for ages ("5 min ago"). Default: the tip block's time, the world's own clock. */
  now?: () => number;
}

const HASH_RE = /^[0-9a-fA-F]{64}$/;
const OUTPOINT_RE = /^[0-9a-fA-F]{64}:\d{1,10}$/;
const HEIGHT_RE = /^\d{1,10}$/;
const MAX_QUERY = 200;
/** Unspent outputs listed on an address page; the API has them all. */
const UTXO_LIMIT = 200;
/** Pages of history walked back to find when an address was first seen. */
const FIRST_SEEN_PAGES = 40;

const SEARCH_HINTS = [
  'a transaction id (txid): 64 hexadecimal characters, optionally followed by :output-number',
  'a block hash: 64 hexadecimal characters (mainnet block hashes start with zeros)',
  'a block height: a whole number such as 617123',
  "an address of this world's network: 1…, 3…, bc1q… or bc1p… on mainnet",
];

const here = fileURLToPath(new URL('.', import.meta.url));
const PARTIALS = ['hash', 'amount', 'time', 'pager', 'histogram', 'search', 'party', 'txcard', 'flow', 'seen'];

/** Page data every template gets. */
interface PageBase {
  title: string;
  nav?: 'home' | 'mempool';
  query?: string;
  heroSearch?: boolean;
  flow?: boolean;
}

interface Problem {
  heading: string;
  message: string;
  query?: string;
  hints?: string[];
}

class PageProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly problem: Problem,
  ) {
    super(problem.message);
  }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad request', 404: 'Not found', 500: 'Server error' };

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** Search failures on something shaped like a height, hash or outpoint are "not here" (404); anything else is malformed (400). */
export function searchFailureStatus(query: string): 400 | 404 {
  const q = query.trim();
  return HEIGHT_RE.test(q) || HASH_RE.test(q) || OUTPOINT_RE.test(q) ? 404 : 400;
}

export const explorerPlugin: FastifyPluginAsync<ExplorerOptions> = async (app: FastifyInstance, opts) => {
  if (!opts.reader) throw new TypeError('explorerPlugin needs a reader');
  const { reader, network } = opts;
  const apiBase = opts.apiBase ?? '/api';
  // Ages are told in the world's own time: the tip block's time is "now" in a world set in 2020.
  const now =
    opts.now ??
    (() => {
      const tip = reader.tipHash();
      return tip ? (reader.block(tip)?.timestamp ?? 0) : 0;
    });
  const base = app.prefix;

  await app.register(fastifyView, {
    engine: { handlebars: createHandlebars() },
    root: `${here}templates`,
    layout: 'layout.hbs',
    propertyName: 'explorerView',
    production: true,
    options: { partials: Object.fromEntries(PARTIALS.map((p) => [p, `partials/${p}.hbs`])) },
  });
  await app.register(fastifyStatic, {
    root: `${here}static`,
    prefix: '/static/',
    decorateReply: false,
    index: false,
    list: false,
    maxAge: '1h',
  });

  // cytoscape ships in node_modules; serve its browser build from memory under our static path.
  const cytoscapeJs = readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'));
  app.get('/static/vendor/cytoscape.min.js', async (_req, reply) => {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(cytoscapeJs);
  });

  // Scripts and styles only from this server: no page can pull anything from the internet.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  function tipInfo() {
    const height = reader.tipHeight();
    const hash = reader.tipHash();
    return height === null || hash === null ? null : { height, hash };
  }

  async function render(reply: FastifyReply, template: string, page: PageBase & Record<string, unknown>, status = 200) {
    const html = await reply.explorerViewAsync(template, { base, network, now: now(), tip: tipInfo(), ...page });
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }

  function renderProblem(reply: FastifyReply, status: number, p: Problem) {
    return render(
      reply,
      'error.hbs',
      { title: p.heading, heroSearch: true, statusCode: status, statusText: STATUS_TEXT[status] ?? 'Error', heading: p.heading, message: p.message, query: p.query, hints: p.hints ?? [] },
      status,
    );
  }

  app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof PageProblem) return renderProblem(reply, err.statusCode, err.problem);
    if (err instanceof AddressError) {
      return renderProblem(reply, 400, { heading: 'That is not an address of this world', message: err.message, hints: SEARCH_HINTS });
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return renderProblem(reply, err.statusCode, { heading: 'That request does not make sense here', message: err.message });
    }
    req.log.error({ err }, 'explorer page failed');
    return renderProblem(reply, 500, { heading: 'Something went wrong', message: 'The explorer could not build this page. The error is in the lab server log.' });
  });

  app.setNotFoundHandler(async (req, reply) =>
    renderProblem(reply, 404, {
      heading: 'No such page',
      message: `The explorer has no page at ${req.url.split('?')[0]}. Use the search box to find a transaction, address or block.`,
      hints: SEARCH_HINTS,
    }),
  );

  function requireHash(value: string, what: string): string {
    if (!HASH_RE.test(value)) {
      throw new PageProblem(400, {
        heading: `That is not a ${what}`,
        message: `A ${what} is exactly 64 hexadecimal characters (0-9, a-f); this has ${value.length} character${value.length === 1 ? '' : 's'}${/[^0-9a-fA-F]/.test(value) ? ', some of them not hexadecimal' : ''}.`,
        query: value,
        hints: SEARCH_HINTS,
      });
    }
    return value.toLowerCase();
  }

  function pageNumber(req: FastifyRequest): number {
    const raw = firstString((req.query as Record<string, unknown>).page);
    if (raw === undefined) return 1;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
      throw new PageProblem(400, { heading: 'Bad page number', message: `The page number must be a whole number from 1 up; got “${raw}”.` });
    }
    return Number(raw);
  }

  /** Subsidy and fees of a block; the fees come from what its coinbase claims. */
  function blockRewards(hash: string, height: number): { subsidy: number; totalFees: number } {
    const subsidy = blockSubsidy(height);
    const coinbaseTxid = reader.blockTxid(hash, 0);
    const coinbase = coinbaseTxid ? reader.tx(coinbaseTxid) : null;
    return { subsidy, totalFees: coinbase ? feesFromCoinbase(coinbase, subsidy) : 0 };
  }

  // ---- home --------------------------------------------------------------------------------------

  app.get('/', async (_req, reply) => {
    const blocks = (reader.blocks() ?? []).map((b) => ({
      height: b.height,
      hash: b.id,
      time: b.timestamp,
      txCount: b.tx_count,
      sizeLabel: `${(b.size / 1000).toFixed(1)} kB`,
      fees: blockRewards(b.id, b.height).totalFees,
    }));
    return render(reply, 'home.hbs', {
      title: 'Explorer',
      nav: 'home',
      tipTime: blocks[0]?.time,
      heroSearch: true,
      blocks,
      firstHeight: reader.firstHeight(),
      mempool: mempoolView(reader.mempool()),
    });
  });

  // ---- search ------------------------------------------------------------------------------------

  app.get('/search', async (req, reply) => {
    const query = (firstString((req.query as Record<string, unknown>).q) ?? '').trim();
    if (query.length > MAX_QUERY) {
      return renderProblem(reply, 400, {
        heading: 'That search is too long',
        message: `Searches are at most ${MAX_QUERY} characters; this one has ${groupThousands(query.length)}. Paste a single txid, address, block hash or height.`,
        hints: SEARCH_HINTS,
      });
    }
    const found = reader.search(query);
    switch (found.kind) {
      case 'height': {
        const hash = reader.blockHashAtHeight(found.target);
        if (hash) return reply.redirect(`${base}/block/${hash}`, 303);
        break;
      }
      case 'block':
        return reply.redirect(`${base}/block/${found.target}`, 303);
      case 'tx':
        return reply.redirect(`${base}/tx/${found.target}${found.vout !== undefined ? `#vout-${found.vout}` : ''}`, 303);
      case 'address':
        return reply.redirect(`${base}/address/${encodeURIComponent(found.target)}`, 303);
      case 'none': {
        const status = query === '' ? 400 : searchFailureStatus(query);
        return renderProblem(reply, status, {
          heading: status === 404 ? 'Nothing by that name in this world' : 'The search box could not read that',
          message: found.reason,
          query: query || undefined,
          hints: SEARCH_HINTS,
        });
      }
    }
    return renderProblem(reply, 404, { heading: 'Nothing by that name in this world', message: 'No block at that height.', query, hints: SEARCH_HINTS });
  });

  // ---- blocks ------------------------------------------------------------------------------------

  app.get('/block-height/:height', async (req, reply) => {
    const raw = (req.params as { height: string }).height;
    if (!HEIGHT_RE.test(raw)) {
      return renderProblem(reply, 400, { heading: 'That is not a block height', message: `A block height is a whole number; got “${raw}”.`, query: raw, hints: SEARCH_HINTS });
    }
    const hash = reader.blockHashAtHeight(Number(raw));
    if (!hash) {
      const found = reader.search(raw);
      return renderProblem(reply, 404, {
        heading: 'No block at that height',
        message: found.kind === 'none' ? found.reason : `No block at height ${raw}.`,
        query: raw,
      });
    }
    return reply.redirect(`${base}/block/${hash}`, 303);
  });

  app.get('/block/:hash', async (req, reply) => {
    const hash = requireHash((req.params as { hash: string }).hash, 'block hash');
    const page = pageNumber(req);
    const b = reader.block(hash);
    if (!b) {
      const isTx = reader.txStatus(hash) !== null;
      return renderProblem(reply, 404, {
        heading: 'No block with that hash in this world',
        message: isTx ? 'That hash is a transaction id, not a block hash.' : 'No block in the lab’s ledger has this hash. Blocks from the real Bitcoin network are not in this world.',
        query: hash,
        hints: isTx ? [] : SEARCH_HINTS,
      });
    }
    const pages = Math.max(1, Math.ceil(b.tx_count / TXS_PER_PAGE));
    if (page > pages) {
      return renderProblem(reply, 404, {
        heading: 'No such page of transactions',
        message: `Block #${b.height} has ${b.tx_count} transactions: ${pages} page${pages === 1 ? '' : 's'} of ${TXS_PER_PAGE}.`,
      });
    }
    const tip = reader.tipHeight() ?? b.height;
    const view = blockView(b, {
      firstHeight: reader.firstHeight() ?? b.height,
      tipHeight: tip,
      nextHash: reader.blockHashAtHeight(b.height + 1),
      ...blockRewards(b.id, b.height),
    });
    const start = (page - 1) * TXS_PER_PAGE;
    const txs = (reader.blockTxs(b.id, start) ?? []).map((tx) => txCard(tx, { showBlock: false }));
    const href = (p: number) => `${base}/block/${b.id}${p > 1 ? `?page=${p}` : ''}`;
    const pager: Pager = {
      prev: page > 1 ? href(page - 1) : null,
      next: page < pages ? href(page + 1) : null,
      prevLabel: 'Previous',
      nextLabel: 'Next',
      label: `transactions ${groupThousands(start + 1)}–${groupThousands(start + txs.length)} of ${groupThousands(b.tx_count)} · page ${page} of ${pages}`,
    };
    return render(reply, 'block.hbs', { title: `Block #${b.height}`, block: view, txs, pager });
  });

  // ---- transactions ------------------------------------------------------------------------------

  app.get('/tx/:txid', async (req, reply) => {
    const txid = requireHash((req.params as { txid: string }).txid, 'transaction id');
    const tx = reader.tx(txid);
    if (!tx) {
      const isBlock = reader.blockHeight(txid) !== null;
      if (isBlock) return reply.redirect(`${base}/block/${txid}`, 303);
      return renderProblem(reply, 404, {
        heading: 'No transaction with that id in this world',
        message: 'No transaction in the lab’s ledger or mempool has this id. Transactions from the real Bitcoin network are not in this world.',
        query: txid,
        hints: SEARCH_HINTS,
      });
    }
    const outspends = reader.outspends(txid) ?? [];
    const raw = reader.txRaw(txid);
    return render(reply, 'tx.hbs', {
      title: `Transaction ${txid.slice(0, 12)}…`,
      flow: true,
      tx: txView(tx, reader.tipHeight() ?? 0),
      inputs: inputViews(tx),
      outputs: outputViews(tx, outspends),
      rawHex: raw ? Buffer.from(raw).toString('hex') : '',
      flowData: { api: apiBase, kind: 'tx', id: tx.txid },
    });
  });

  // ---- addresses ---------------------------------------------------------------------------------

  app.get('/address/:address', async (req, reply) => {
    const address = (req.params as { address: string }).address;
    const after = firstString((req.query as Record<string, unknown>).after);
    const seenRaw = firstString((req.query as Record<string, unknown>).seen);
    if (address.length > 100) throw new PageProblem(400, { heading: 'That is not an address', message: 'Addresses are at most 90 characters long.', hints: SEARCH_HINTS });
    let info;
    try {
      info = reader.address(address);
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      return renderProblem(reply, 400, {
        heading: 'That is not an address of this world',
        message: err.message === 'Address on invalid network' ? `This address belongs to another network; this world’s ledger is ${network}.` : err.message,
        query: address,
        hints: SEARCH_HINTS,
      });
    }
    const chainCount = info.chain_stats.tx_count;
    const mempoolCount = info.mempool_stats.tx_count;
    if (chainCount + mempoolCount === 0) {
      return renderProblem(reply, 404, {
        heading: 'This address was never used in this world',
        message: `${address} is a well-formed ${network} address, but no transaction in the lab’s ledger or mempool pays or spends it. Real-world activity of this address is not part of the training world.`,
        query: address,
      });
    }
    if (after !== undefined) requireHash(after, 'transaction id');
    const seen = seenRaw !== undefined && /^\d{1,9}$/.test(seenRaw) ? Number(seenRaw) : 0;

    const firstPage = reader.addressTxs(address);
    const pageTxs: EsploraTx[] = after === undefined ? firstPage : reader.addressTxsChain(address, after);
    const confirmedOnPage = pageTxs.filter((t) => t.status.confirmed);
    const shownBefore = after === undefined ? 0 : seen;
    const shownThrough = shownBefore + confirmedOnPage.length;
    const lastConfirmed = confirmedOnPage[confirmedOnPage.length - 1];
    const pager: Pager = {
      prev: after === undefined ? null : `${base}/address/${encodeURIComponent(address)}`,
      next: lastConfirmed && shownThrough < chainCount ? `${base}/address/${encodeURIComponent(address)}?after=${lastConfirmed.txid}&seen=${shownThrough}` : null,
      prevLabel: 'Newest',
      nextLabel: 'Older',
      label: confirmedOnPage.length
        ? `confirmed ${groupThousands(shownBefore + 1)}–${groupThousands(shownThrough)} of ${groupThousands(chainCount)}`
        : `${groupThousands(chainCount)} confirmed`,
    };

    const lastSeen: SeenAt | null = firstPage[0] ? seenAt(firstPage[0]) : null;
    const firstSeen = findFirstSeen(address, firstPage, chainCount);
    const utxos = reader.addressUtxo(address);
    const c = info.chain_stats;
    const m = info.mempool_stats;
    return render(reply, 'address.hbs', {
      title: `Address ${address.slice(0, 14)}…`,
      flow: true,
      addr: {
        address,
        type: scriptTypeOf(address, firstPage),
        balance: c.funded_txo_sum - c.spent_txo_sum,
        pendingDelta: m.funded_txo_sum - m.spent_txo_sum,
        received: c.funded_txo_sum + m.funded_txo_sum,
        sent: c.spent_txo_sum + m.spent_txo_sum,
        txCount: chainCount + mempoolCount,
        mempoolTxCount: mempoolCount,
        firstSeen,
        firstSeenUnknown: firstSeen === null && chainCount > 0,
        lastSeen,
      },
      after,
      history: pageTxs.map((tx) => txCard(tx, { address, showBlock: true })),
      historyLabel: after === undefined && mempoolCount ? `${mempoolCount} unconfirmed first, then newest confirmed` : 'newest first',
      pager,
      utxos: utxoViews(utxos.slice(0, UTXO_LIMIT)),
      utxoLabel:
        utxos.length > UTXO_LIMIT
          ? `first ${UTXO_LIMIT} of ${groupThousands(utxos.length)} (all of them: ${apiBase}/address/${address}/utxo)`
          : `${groupThousands(utxos.length)} output${utxos.length === 1 ? '' : 's'}`,
      flowData: { api: apiBase, kind: 'address', id: address },
    });
  });

  /**
   * The oldest confirmed tx of an address, by walking its chain history back page by page
   * (the reader has no direct query for it). Gives up after FIRST_SEEN_PAGES pages: null.
   */
  function findFirstSeen(address: string, firstPage: EsploraTx[], chainCount: number): SeenAt | null {
    const confirmed = firstPage.filter((t) => t.status.confirmed);
    if (chainCount === 0) {
      const oldestPending = firstPage[firstPage.length - 1];
      return oldestPending ? seenAt(oldestPending) : null;
    }
    let page = confirmed;
    let oldest = page[page.length - 1];
    for (let i = 0; i < FIRST_SEEN_PAGES && page.length === TXS_PER_PAGE; i++) {
      page = reader.addressTxsChain(address, oldest.txid);
      if (page.length) oldest = page[page.length - 1];
    }
    return page.length === TXS_PER_PAGE && oldest ? null : oldest ? seenAt(oldest) : null;
  }

  function scriptTypeOf(address: string, txs: EsploraTx[]): string {
    for (const tx of txs) {
      for (const o of tx.vout) if (o.scriptpubkey_address === address) return o.scriptpubkey_type;
      for (const i of tx.vin) if (i.prevout?.scriptpubkey_address === address) return i.prevout.scriptpubkey_type;
    }
    return '';
  }

  // ---- mempool -----------------------------------------------------------------------------------

  app.get('/mempool', async (_req, reply) => {
    const recent = reader.mempoolRecent().map((r) => ({ ...r, rate: `${(r.fee / Math.max(1, r.vsize)).toFixed(2)} sat/vB` }));
    return render(reply, 'mempool.hbs', { title: 'Mempool', nav: 'mempool', mempool: mempoolView(reader.mempool()), recent });
  });
};

declare module 'fastify' {
  interface FastifyReply {
    explorerViewAsync(page: string, data?: object): Promise<string>;
  }
}
