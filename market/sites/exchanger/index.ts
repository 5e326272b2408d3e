// The world's instant exchangers as onion sites ("obmenniki"): rates from the world's BTC price at
// the tip with the exchanger's fee, BTC reserves read from its own wallets on the chain, a swap
// form whose BTC-selling orders get a fresh address of the exchanger's deposit wallet (so a
// trainee's payment would land where the world's customers' did), order pages reached by a secret
// link, reviews and terms. In the exchanger's own language (Russian or English), switchable.
//
//   await registerExchangers(app, darkweb);
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../../chain/rng.ts';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import { createDarkwebSite } from '../kit/site-setup.ts';
import { FormError, formValue, readAmount, readChoice, readText } from '../kit/forms.ts';
import { formatBtc, formatDate } from '../kit/format.ts';
import { paginate, parsePage, withQuery } from '../kit/pagination.ts';
import { worldStart } from '../forum/world.ts';
import { WalletDeposits } from './deposits.ts';
import { instantExchangers, type InstantExchangerInfo } from './exchangers.ts';
import { readBtcAddress, readBtcSats } from './forms.ts';
import { SwapOrders, type SwapOrder } from './orders.ts';
import { FIATS, quoteFor, rateSheet } from './rates.ts';
import { Reserves, fiatReserves } from './reserves.ts';
import { exchangerReviews } from './reviews.ts';
import { EXCHANGER_STRINGS } from './strings.ts';

export { instantExchangers, type InstantExchangerInfo } from './exchangers.ts';
export { rateSheet, usdPerBtc, quoteFor, FIATS, PER_USD, type Fiat, type Quote, type RateSheet } from './rates.ts';
export { WalletDeposits } from './deposits.ts';
export { SwapOrders, type SwapOrder, type SwapDirection } from './orders.ts';
export { exchangerReviews, type ExchangerReview } from './reviews.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/exchanger.css`, 'utf8');
/** How long an order's rate holds, in world seconds. */
export const RATE_HOLD_SECONDS = 30 * 60;
export const MIN_SWAP_SATS = 100_000;
export const MAX_SWAP_SATS = 200_000_000;
const REVIEWS_PER_PAGE = 15;
const DETAILS_RE = /^[A-Za-z0-9][A-Za-z0-9 -]{6,38}[A-Za-z0-9]$/;

export interface ExchangerSiteOptions {
  darkweb: Darkweb;
  site: DarkwebSite;
  exchanger: InstantExchangerInfo;
}

/** The site id and actor ref of an exchanger (the ref is the one Darkweb.exchanger() gives addresses by). */
export function exchangerSiteId(x: Pick<InstantExchangerInfo, 'id'>): string {
  return `exchanger-${x.id}`;
}

/** Order numbers: a two-letter prefix and a sequence that starts where the world's history would put it. */
function orderPrefix(id: string): string {
  return id.replace(/[^a-z]/g, '').slice(0, 2).toUpperCase().padEnd(2, 'X');
}

export const exchangerSite: FastifyPluginAsync<ExchangerSiteOptions> = async (app, opts) => {
  const { darkweb, exchanger } = opts;
  const { chain, store, seed } = darkweb;
  const deposit = exchanger.depositWallet ?? exchanger.hotWallet;
  if (!deposit) throw new RangeError(`exchanger ${exchanger.id} has no wallet in this world`);
  const site = await createDarkwebSite(app, opts, {
    id: exchangerSiteId(exchanger),
    name: exchanger.name,
    defaultLang: exchanger.language,
    strings: EXCHANGER_STRINGS,
    templatesDir: `${here}templates`,
    css: CSS,
  });
  const deposits = new WalletDeposits(darkweb.db, store.db, seed, chain);
  const orders = new SwapOrders(store.db);
  const reserves = new Reserves(darkweb.db);
  const start = worldStart(darkweb.db);
  const seqBase = Rng.fromSeed(seed).fork('darkweb/exchanger-orders').fork(exchanger.id).int(20_000, 80_000);
  const walletIds = [exchanger.hotWallet?.id, exchanger.depositWallet?.id].filter((x): x is number => typeof x === 'number');
  // Written once, up to the world's present when the lab starts: reviews do not move as live blocks come in.
  const allReviews = exchangerReviews(seed, exchanger.id, exchanger.language, start - 60 * 86_400, chain.now());
  const reviews = () => allReviews;
  const query = (req: FastifyRequest) => req.query as Record<string, unknown>;

  const home = (req: FastifyRequest, reply: FastifyReply, form: Record<string, string>, formError?: string) => {
    site.session(req, reply);
    const now = chain.now();
    const fiat = fiatReserves(seed, exchanger.id, formatDate(now));
    return site.render(
      req,
      reply,
      'home',
      {
        title: exchanger.name,
        nav: 'home',
        sheet: rateSheet(chain, exchanger.fee, now),
        reserves: { btcSats: reserves.btcSats(walletIds), fiat: FIATS.map((currency) => ({ currency, amount: fiat[currency] })) },
        latest: reviews().slice(0, 5),
        form,
        formError,
      },
      formError ? 400 : 200,
    );
  };

  app.get('/', async (req, reply) => home(req, reply, { direction: 'sell', currency: exchanger.language === 'ru' ? 'RUB' : 'USD', amount: '', recipient: '' }));

  app.post('/order', async (req, reply) => {
    const body = req.body;
    const form = {
      direction: formValue(body, 'direction').slice(0, 8),
      currency: formValue(body, 'currency').slice(0, 8),
      amount: formValue(body, 'amount').slice(0, 16),
      recipient: formValue(body, 'recipient').slice(0, 100),
    };
    try {
      site.checkForm(req, reply);
      const direction = readChoice(body, 'direction', 'field.direction', ['sell', 'buy'] as const);
      const currency = readChoice(body, 'currency', 'field.currency', FIATS);
      const now = chain.now();
      const sheet = rateSheet(chain, exchanger.fee, now);
      const quote = quoteFor(sheet, currency);
      const seq = orders.nextSeq(exchanger.id, seqBase);
      const id = `${orderPrefix(exchanger.id)}-${seq}`;
      let order: SwapOrder;
      if (direction === 'sell') {
        const sats = readBtcSats(body, 'amount', 'field.btcAmount', MIN_SWAP_SATS, MAX_SWAP_SATS);
        const recipient = readText(body, 'recipient', { label: 'field.payoutDetails', max: 40, pattern: DETAILS_RE, patternKey: 'xc.form.details' });
        const address = deposits.next(deposit.id, deposit.kind, id);
        order = orders.create({
          id, seq, exchanger: exchanger.id, direction, currency, btcSats: sats, fiatAmount: Math.floor((sats / 1e8) * quote.sell * 100) / 100, rate: quote.sell,
          depositAddress: address.address, keyIndex: address.keyIndex, recipient, createdAt: now,
        });
      } else {
        const minFiat = Math.ceil(((MIN_SWAP_SATS / 1e8) * quote.buy) / 10) * 10;
        const maxFiat = Math.floor(((MAX_SWAP_SATS / 1e8) * quote.buy) / 10) * 10;
        const fiat = readAmount(body, 'amount', 'field.fiatAmount', minFiat, maxFiat);
        if (fiat === undefined) throw new FormError('field.fiatAmount', 'form.required');
        const recipient = readBtcAddress(body, 'recipient', 'field.btcAddress', chain.network);
        const sats = Math.floor((fiat / quote.buy) * 1e8);
        if (sats > reserves.btcSats(walletIds)) throw new FormError('field.fiatAmount', 'xc.form.reserve');
        order = orders.create({ id, seq, exchanger: exchanger.id, direction, currency, btcSats: sats, fiatAmount: fiat, rate: quote.buy, depositAddress: null, keyIndex: null, recipient, createdAt: now });
      }
      return site.redirect(req, reply, `/order/${encodeURIComponent(order.id)}?t=${encodeURIComponent(order.token)}`);
    } catch (err) {
      if (err instanceof FormError) return home(req, reply, form, site.formMessage(req, err));
      throw err;
    }
  });

  /** The order with its status read from the chain (payments to the deposit address). */
  function orderView(order: SwapOrder) {
    const payments = order.depositAddress ? chain.paymentsTo(order.depositAddress) : [];
    const confirmed = payments.filter((p) => p.confirmations > 0).reduce((s, p) => s + p.value, 0);
    const seen = payments.reduce((s, p) => s + p.value, 0);
    const holdUntil = order.createdAt + RATE_HOLD_SECONDS;
    const status =
      order.direction === 'buy'
        ? 'awaiting_payment'
        : confirmed >= order.btcSats
          ? 'received'
          : seen >= order.btcSats
            ? 'unconfirmed'
            : seen === 0 && chain.now() > holdUntil
              ? 'expired'
              : 'awaiting_deposit';
    return {
      ...order,
      status,
      payments,
      holdUntil,
      bitcoinUri: order.depositAddress ? `bitcoin:${order.depositAddress}?amount=${formatBtc(order.btcSats)}` : null,
    };
  }

  app.get('/order/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const token = formValue(query(req), 't');
    const order = id.length <= 20 && token.length <= 40 ? orders.get(id, token) : undefined;
    if (!order || order.exchanger !== exchanger.id) return site.errorPage(req, reply, 404, site.t(req, 'xc.notFound'));
    return site.render(req, reply, 'order', { title: site.t(req, 'xc.order.title', { id: order.id }), nav: 'home', order: orderView(order) });
  });

  app.get('/reviews', async (req, reply) => {
    let n: number;
    try {
      n = parsePage(query(req).page);
    } catch {
      throw new FormError('field.page', 'form.range', { min: 1, max: 10000 });
    }
    const all = reviews();
    const pager = paginate(all.length, n, REVIEWS_PER_PAGE, (p) => site.href(req, withQuery('/reviews', {}, { page: p })));
    return site.render(req, reply, 'reviews', { title: site.t(req, 'xc.reviews.title'), nav: 'reviews', reviews: all.slice(pager.offset, pager.offset + REVIEWS_PER_PAGE), pager });
  });

  app.get('/rules', async (req, reply) =>
    site.render(req, reply, 'rules', {
      title: site.t(req, 'xc.rules.title'),
      nav: 'rules',
      holdMinutes: RATE_HOLD_SECONDS / 60,
      fee: exchanger.fee,
      minBtc: formatBtc(MIN_SWAP_SATS).replace(/0+$/, ''),
      maxBtc: formatBtc(MAX_SWAP_SATS).replace(/\.?0+$/, ''),
    }),
  );
};

/** Mounts a site for every instant exchanger of the world (listed in the directory as 'exchanger'). */
export async function registerExchangers(app: FastifyInstance, darkweb: Darkweb): Promise<DarkwebSite[]> {
  const out: DarkwebSite[] = [];
  for (const exchanger of instantExchangers(darkweb.db)) {
    if (!exchanger.depositWallet && !exchanger.hotWallet) continue;
    const ref = `exchanger:${exchanger.id}`;
    out.push(await darkweb.mountSite(app, { id: exchangerSiteId(exchanger), ref, kind: 'exchanger', title: exchanger.name, language: exchanger.language }, exchangerSite, { exchanger }));
  }
  return out;
}

