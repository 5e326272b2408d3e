// The escrow market's onion site (Silk Road / Empire style; 'Silkway Bazaar' in the default world):
// categories with counts, search and filters, listings with prices in USD and BTC at the world's
// date, vendor profiles with their PGP keys and feedback, accounts behind a captcha, messages to
// vendors (optionally encrypted to the vendor's key), orders with a fresh deposit address of the
// market's own deposit wallet, disputes, and the market's signed mirror list, key and canary.
// Everything shown comes from the world (MarketData) or from what the trainee did (LabStore).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onionUrl } from '../../browser/index.ts';
import { encryptTo } from '../../pgp/index.ts';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import { createMarketSite } from '../kit/site-setup.ts';
import { marketRequestHelpers, productArtRoute, round2 } from '../kit/market-helpers.ts';
import { orderPayment, orderRoutes, placeMarketOrder } from '../kit/order-routes.ts';
import { signedDocumentRoutes } from '../kit/signed-routes.ts';
import type { TipInfo } from '../kit/chain.ts';
import { FormError, formValue, readAmount, readCheckbox, readChoice, readInt, readText } from '../kit/forms.ts';
import { LISTING_SORTS, type ListingInfo, type ListingQuery, type MarketInfo, type Review, type VendorInfo } from '../kit/data.ts';
import { paginate, withQuery } from '../kit/pagination.ts';
import { keyView } from '../kit/keys.ts';
import { formatBtc, formatUsd } from '../kit/format.ts';
import type { LabOrder } from '../kit/store.ts';
import { plainLine } from '../kit/escape.ts';
import { LiveError, walletPayHref } from '../kit/live-orders.ts';
import { listingDescription, listingStock, reviewText, vendorTerms } from './content.ts';
import { ESCROW_STRINGS } from './strings.ts';

export interface MarketSiteOptions {
  darkweb: Darkweb;
  market: MarketInfo;
  site: DarkwebSite;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/silkway.css`, 'utf8');
const PER_PAGE = 24;
const FEEDBACK_PER_PAGE = 20;
/** Seconds a buyer has to pay an order's deposit address. */
export const PAYMENT_WINDOW = 72 * 3600;
export const DISPUTE_REASONS = ['not_received', 'not_as_described', 'damaged', 'other'] as const;
const MAX_QUANTITY = 20;

export const escrowMarketSite: FastifyPluginAsync<MarketSiteOptions> = async (app, opts) => {
  const { darkweb, market } = opts;
  const data = darkweb.data;
  if (!data) throw new RangeError('the escrow market site needs a world with markets');
  const { chain, store, seed } = darkweb;
  const site = await createMarketSite(app, opts, { strings: ESCROW_STRINGS, templatesDir: `${here}templates`, css: CSS });
  const categories = new Set(data.categoryCounts(market).map((c) => c.category));
  const mirrorUrls = opts.site.addresses.map((a) => onionUrl(a));

  const { query, pathOnly, pageOr400, mine, vendorOf, listingOf } = marketRequestHelpers(site, data, market);
  const rate = (req: FastifyRequest) => {
    const now = site.now(req);
    const sats = chain.usdToSats(1000, now);
    return { usdPerBtc: sats > 0 ? round2(1000 / (sats / 1e8)) : 0, at: Math.floor(now / 3600) * 3600 };
  };
  const countryName = (req: FastifyRequest, code: string | null) => (code && site.i18n.has(`country.${code}`) ? site.t(req, `country.${code}`) : (code ?? ''));
  /**
   * A listing as its card shows it, priced at the world's present (read once per request). The
   * card's texts are made here rather than by helpers in the template: a results page has dozens
   * of cards, and plain lookups render several times faster (Handlebars still escapes them all).
   */
  const cardAt = (req: FastifyRequest) => {
    const now = site.now(req);
    const lang = site.lang(req);
    const t = (key: string, params?: Record<string, unknown>) => site.i18n.t(lang, key, params);
    const by = t('listing.by');
    const artAlt = t('listing.artAlt');
    return (l: ListingInfo) => {
      const only = /^([A-Z]{2}) only$/.exec(l.shipsTo ?? '');
      const sats = chain.usdToSats(l.priceUsd, now);
      const shipsTo = only ? t('ships.only', { country: countryName(req, only[1]) }) : t(l.shipsTo === 'EU' ? 'ships.eu' : 'ships.worldwide');
      // Built field by field: spreading the listing and adding this many fields is several times slower.
      return {
        id: l.id,
        title: l.title,
        unit: l.unit,
        category: l.category,
        priceUsd: l.priceUsd,
        sales: l.sales,
        reviews: l.reviews,
        vendorHandle: l.vendorHandle,
        vendorEntityId: l.vendorEntityId,
        finalizeEarly: l.finalizeEarly,
        digital: l.digital,
        shipsFrom: l.shipsFrom,
        shipsTo: l.shipsTo,
        sats,
        shipsOnly: only ? only[1] : null,
        shipsToKey: l.shipsTo === 'EU' ? 'eu' : 'worldwide',
        link: site.href(req, `/listing/${encodeURIComponent(l.id)}`),
        artHref: site.href(req, `/art/${encodeURIComponent(l.id)}.svg`),
        vendorHref: site.href(req, `/vendor/${encodeURIComponent(l.vendorHandle)}`),
        artAlt,
        byLabel: by,
        catLabel: t(`cat.${l.category}`),
        priceText: formatUsd(lang, l.priceUsd),
        btcText: formatBtc(sats),
        soldLabel: site.i18n.plural(lang, 'listing.sold', l.sales),
        shipsLabel: l.digital ? t('ships.digital') : `${t('ships.from', { country: countryName(req, l.shipsFrom) })} → ${shipsTo}`,
        badgeClass: l.finalizeEarly ? 'badge-fe' : 'badge-escrow',
        badgeLabel: t(l.finalizeEarly ? 'payment.fe' : 'payment.escrow'),
        badgeHint: t(l.finalizeEarly ? 'payment.fe.hint' : 'payment.escrow.hint'),
      };
    };
  };
  const shipsToOptions = (req: FastifyRequest) =>
    data.shipsToOptions(market).map((value) => {
      const only = /^([A-Z]{2}) only$/.exec(value);
      const country = only ? (site.i18n.has(`country.${only[1]}`) ? site.t(req, `country.${only[1]}`) : only[1]) : '';
      return { value, label: only ? site.t(req, 'ships.only', { country }) : site.t(req, value === 'EU' ? 'ships.eu' : 'ships.worldwide') };
    });
  const vendorView = (v: VendorInfo) => ({
    handle: v.handle,
    joined: v.joined,
    country: v.country,
    sales: v.sales,
    rating: v.rating,
    positive: v.positive,
    negative: v.negative,
    finalizeEarly: v.finalizeEarly,
    listings: v.listings,
  });
  const reviewView = (r: Review) => ({ ...r, text: reviewText(seed, r.orderId, r.positive) });

  // ---- catalogue -------------------------------------------------------------------------------

  app.get('/', async (req, reply) => {
    const top = data.listings(market, { sort: 'popular', limit: 8 }).items.map(cardAt(req));
    const vendors = data.vendors(market);
    return site.render(req, reply, 'home', {
      title: market.name,
      nav: 'home',
      categories: data.categoryCounts(market),
      top,
      stats: { vendors: vendors.length, listings: data.listings(market, { limit: 0 }).total, sales: vendors.reduce((s, v) => s + v.sales, 0) },
      rate: rate(req),
    });
  });

  /** The search form's values, checked: FormError for anything the form could not have sent. */
  function readSearch(req: FastifyRequest, preset: { category?: string }): { q: ListingQuery; form: Record<string, string> } {
    const qs = query(req);
    const form: Record<string, string> = {
      q: formValue(qs, 'q').slice(0, 100),
      category: preset.category ?? formValue(qs, 'category'),
      from: formValue(qs, 'from'),
      to: formValue(qs, 'to'),
      min: formValue(qs, 'min').slice(0, 12),
      max: formValue(qs, 'max').slice(0, 12),
      payment: formValue(qs, 'payment'),
      sort: formValue(qs, 'sort'),
    };
    const q: ListingQuery = {};
    const text = readText(qs, 'q', { label: 'field.search', required: false, max: 100 });
    if (text) q.text = text;
    if (preset.category === undefined) {
      const c = readChoice(qs, 'category', 'field.category', ['', ...categories], '');
      if (c) q.category = c;
    } else q.category = preset.category;
    const from = readChoice(qs, 'from', 'field.shipsFrom', ['', ...data!.shipsFromOptions(market)], '');
    if (from) q.shipsFrom = from;
    const to = readChoice(qs, 'to', 'field.shipsTo', ['', ...data!.shipsToOptions(market)], '');
    if (to) q.shipsTo = to;
    q.minUsd = readAmount(qs, 'min', 'field.minPrice', 0, 1_000_000);
    q.maxUsd = readAmount(qs, 'max', 'field.maxPrice', 0, 1_000_000);
    if (q.minUsd !== undefined && q.maxUsd !== undefined && q.minUsd > q.maxUsd) throw new FormError('field.maxPrice', 'search.minAboveMax');
    const payment = readChoice(qs, 'payment', 'field.payment', ['', 'escrow', 'fe'], '');
    if (payment) q.payment = payment as 'escrow' | 'fe';
    q.sort = readChoice(qs, 'sort', 'field.sort', LISTING_SORTS, 'popular');
    return { q, form };
  }

  function searchPage(req: FastifyRequest, reply: FastifyReply, preset: { category?: string }) {
    const base = {
      title: preset.category ? site.t(req, `cat.${preset.category}`) : site.t(req, 'search.title'),
      nav: 'search',
      categories: data!.categoryCounts(market),
      shipsFrom: data!.shipsFromOptions(market),
      shipsTo: shipsToOptions(req),
      sorts: LISTING_SORTS,
      fixedCategory: preset.category ?? null,
    };
    let search: ReturnType<typeof readSearch>;
    try {
      search = readSearch(req, preset);
      const page = pageOr400(req);
      const all = data!.listings(market, { ...search.q, offset: (page - 1) * PER_PAGE, limit: PER_PAGE });
      const qs = query(req);
      const pager = paginate(all.total, page, PER_PAGE, (n) => site.href(req, withQuery(pathOnly(req), qs, { page: n, lang: undefined })));
      const results = pager.page === page ? all.items : data!.listings(market, { ...search.q, offset: pager.offset, limit: PER_PAGE }).items;
      return site.render(req, reply, 'search', { ...base, form: search.form, results: results.map(cardAt(req)), pager, searched: true });
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      const qs = query(req);
      const form = { q: formValue(qs, 'q').slice(0, 100), min: formValue(qs, 'min').slice(0, 12), max: formValue(qs, 'max').slice(0, 12) };
      return site.formFailure(req, reply, 'search', { ...base, form, results: [], pager: null, searched: false }, err);
    }
  }

  app.get('/search', async (req, reply) => searchPage(req, reply, {}));
  app.get('/category/:category', async (req, reply) => {
    const category = (req.params as { category: string }).category;
    if (!categories.has(category)) return site.errorPage(req, reply, 404);
    return searchPage(req, reply, { category });
  });

  productArtRoute(app, site, data, market, seed);

  async function listingPage(req: FastifyRequest, reply: FastifyReply, listing: ListingInfo, extra: Record<string, unknown> = {}, status = 200) {
    const vendor = data!.vendor(listing.vendorEntityId)!;
    const page = pageOr400(req);
    const reviewsPerPage = 10;
    const first = data!.listingReviews(listing.id, (page - 1) * reviewsPerPage, reviewsPerPage);
    const pager = paginate(first.total, page, reviewsPerPage, (n) => site.href(req, withQuery(pathOnly(req), {}, { page: n })));
    const reviews = pager.page === page ? first.items : data!.listingReviews(listing.id, pager.offset, reviewsPerPage).items;
    const stock = listingStock(seed, listing);
    const account = site.account(req);
    if (account) site.session(req, reply);
    return site.render(
      req,
      reply,
      'listing',
      {
        title: listing.title,
        nav: 'search',
        listing: cardAt(req)(listing),
        vendor: vendorView(vendor),
        description: listingDescription(seed, listing),
        stock,
        maxQuantity: Math.min(stock, MAX_QUANTITY),
        reviews: reviews.map(reviewView),
        pager,
        rate: rate(req),
        loginHref: site.href(req, `/login?next=${encodeURIComponent(`/listing/${listing.id}`)}`),
        ...extra,
      },
      status,
    );
  }

  app.get('/listing/:id', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing) return site.errorPage(req, reply, 404);
    try {
      return await listingPage(req, reply, listing);
    } catch (err) {
      if (err instanceof FormError) return site.errorPage(req, reply, 400, site.formMessage(req, err));
      throw err;
    }
  });

  app.post('/listing/:id/order', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing) return site.errorPage(req, reply, 404);
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    try {
      site.checkForm(req, reply);
      const stock = listingStock(seed, listing);
      const quantity = readInt(req.body, 'quantity', 'field.quantity', 1, Math.min(stock, MAX_QUANTITY));
      const id = placeMarketOrder(darkweb, market, listing, { accountId: account.id, quantity, payMethod: 'btc', district: null, attrs: { finalizeEarly: listing.finalizeEarly } });
      return site.redirect(req, reply, `/orders/${encodeURIComponent(id)}`);
    } catch (err) {
      if (err instanceof FormError) return listingPage(req, reply, listing, { formError: site.formMessage(req, err) }, 400);
      if (err instanceof LiveError) return listingPage(req, reply, listing, { formError: err.message }, 400);
      throw err;
    }
  });

  // ---- vendors -------------------------------------------------------------------------------

  app.get('/vendor/:handle', async (req, reply) => {
    const vendor = vendorOf(req);
    if (!vendor) return site.errorPage(req, reply, 404);
    const page = pageOr400(req);
    const first = data.listings(market, { vendorEntityId: vendor.entityId, sort: 'popular', offset: (page - 1) * PER_PAGE, limit: PER_PAGE });
    const pager = paginate(first.total, page, PER_PAGE, (n) => site.href(req, withQuery(pathOnly(req), {}, { page: n })));
    const listings = pager.page === page ? first.items : data.listings(market, { vendorEntityId: vendor.entityId, sort: 'popular', offset: pager.offset, limit: PER_PAGE }).items;
    const key = await darkweb.vendorKey(vendor);
    return site.render(req, reply, 'vendor', {
      title: vendor.handle,
      nav: 'vendors',
      vendor: vendorView(vendor),
      terms: vendorTerms(seed, vendor),
      key: keyView(key),
      listings: listings.map(cardAt(req)),
      pager,
      feedback: data.vendorReviews(vendor, 0, 5).items.map(reviewView),
    });
  });

  app.get('/vendor/:handle/feedback', async (req, reply) => {
    const vendor = vendorOf(req);
    if (!vendor) return site.errorPage(req, reply, 404);
    let page: number;
    try {
      page = pageOr400(req);
    } catch (err) {
      if (err instanceof FormError) return site.errorPage(req, reply, 400, site.formMessage(req, err));
      throw err;
    }
    const total = vendor.positive + vendor.negative;
    const pager = paginate(total, page, FEEDBACK_PER_PAGE, (n) => site.href(req, withQuery(pathOnly(req), {}, { page: n })));
    return site.render(req, reply, 'feedback', {
      title: site.t(req, 'feedback.title', { handle: vendor.handle }),
      nav: 'vendors',
      vendor: vendorView(vendor),
      reviews: data.vendorReviews(vendor, pager.offset, FEEDBACK_PER_PAGE).items.map(reviewView),
      pager,
    });
  });

  app.get('/vendor/:handle/pgp.asc', async (req, reply) => {
    const vendor = vendorOf(req);
    if (!vendor) return site.errorPage(req, reply, 404);
    return site.text(reply, (await darkweb.vendorKey(vendor)).publicArmored, 'application/pgp-keys; charset=utf-8');
  });

  app.get('/vendors', async (req, reply) => {
    const vendors = [...data.vendors(market)].sort((a, b) => b.sales - a.sales || a.handle.localeCompare(b.handle));
    let page: number;
    try {
      page = pageOr400(req);
    } catch (err) {
      if (err instanceof FormError) return site.errorPage(req, reply, 400, site.formMessage(req, err));
      throw err;
    }
    const pager = paginate(vendors.length, page, 40, (n) => site.href(req, withQuery('/vendors', {}, { page: n })));
    return site.render(req, reply, 'vendors', { title: site.t(req, 'vendors.title'), nav: 'vendors', vendors: vendors.slice(pager.offset, pager.offset + 40).map(vendorView), pager });
  });

  // ---- messages ------------------------------------------------------------------------------

  app.get('/messages', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    let page: number;
    try {
      page = pageOr400(req);
    } catch (err) {
      if (err instanceof FormError) return site.errorPage(req, reply, 400, site.formMessage(req, err));
      throw err;
    }
    const first = store.messages(market.id, account.id, (page - 1) * 20, 20);
    const pager = paginate(first.total, page, 20, (n) => site.href(req, withQuery('/messages', {}, { page: n })));
    const items = (pager.page === page ? first : store.messages(market.id, account.id, pager.offset, 20)).items;
    return site.render(req, reply, 'messages', {
      title: site.t(req, 'messages.title'),
      nav: 'messages',
      messages: items.map((m) => ({ ...m, vendor: data.vendor(m.vendorEntityId)?.handle ?? '?' })),
      pager,
    });
  });

  function composePage(req: FastifyRequest, reply: FastifyReply, form: Record<string, unknown>, formError?: string) {
    site.session(req, reply);
    return site.render(req, reply, 'message-new', { title: site.t(req, 'messages.new'), nav: 'messages', form, formError }, formError ? 400 : 200);
  }

  app.get('/messages/new', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const to = formValue(query(req), 'to').slice(0, 64);
    const vendor = to ? mine(data.vendorByHandle(market, to)) : undefined;
    if (to && !vendor) return site.errorPage(req, reply, 404, site.t(req, 'messages.unknownVendor', { handle: to }));
    return composePage(req, reply, { to: vendor?.handle ?? '', subject: '', body: '', encrypt: false });
  });

  app.post('/messages', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const body = req.body;
    const form = { to: formValue(body, 'to').slice(0, 64), subject: formValue(body, 'subject').slice(0, 200), body: formValue(body, 'body').slice(0, 6000), encrypt: readCheckbox(body, 'encrypt') };
    try {
      site.checkForm(req, reply);
      const to = readText(body, 'to', { label: 'field.to', max: 64 });
      const vendor = mine(data.vendorByHandle(market, to));
      if (!vendor) throw new FormError('field.to', 'messages.unknownVendorField');
      const subject = readText(body, 'subject', { label: 'field.subject', max: 120 });
      let text = readText(body, 'body', { label: 'field.body', max: 5000, multiline: true });
      if (form.encrypt) text = await encryptTo((await darkweb.vendorKey(vendor)).publicArmored, text);
      const message = store.addMessage({ site: market.id, accountId: account.id, vendorEntityId: vendor.entityId, direction: 'to_vendor', subject, body: text, encrypted: form.encrypt, createdAt: chain.now() });
      return site.redirect(req, reply, `/messages/${message.id}`);
    } catch (err) {
      if (err instanceof FormError) return composePage(req, reply, form, site.formMessage(req, err));
      throw err;
    }
  });

  app.get('/messages/:id', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const id = Number((req.params as { id: string }).id);
    const message = Number.isSafeInteger(id) ? store.message(market.id, account.id, id) : undefined;
    if (!message) return site.errorPage(req, reply, 404);
    return site.render(req, reply, 'message', { title: message.subject, nav: 'messages', message: { ...message, vendor: data.vendor(message.vendorEntityId)?.handle ?? '?' } });
  });

  // ---- orders --------------------------------------------------------------------------------

  /** The order as the buyer sees it, with payments to its deposit address read from the chain. */
  function orderView(req: FastifyRequest, given: LabOrder) {
    const { order, payments, confirmedSats: confirmed, seenSats: seen, live, status } = orderPayment(darkweb, given, site.now(req), PAYMENT_WINDOW);
    const listing = data!.listing(order.listingId);
    return {
      ...order,
      status,
      awaitingPayment: status === 'awaiting_payment',
      payHref: live ? walletPayHref(order.depositAddress, order.amountSats, order.id) : null,
      listing: listing ? cardAt(req)(listing) : null,
      vendor: data!.vendor(order.vendorEntityId)?.handle ?? '?',
      payments,
      seenSats: seen,
      confirmedSats: confirmed,
      dueSats: Math.max(0, order.amountSats - seen),
      payBy: order.createdAt + PAYMENT_WINDOW,
      canDispute: order.state !== 'disputed' && (status === 'paid' || status === 'shipped'),
      disputes: store.disputes(order.id),
      bitcoinUri: `bitcoin:${order.depositAddress}?amount=${formatBtc(order.amountSats)}`,
    };
  }

  orderRoutes(app, site, darkweb, {
    marketId: market.id,
    orderPath: '/orders',
    view: orderView,
    reasons: DISPUTE_REASONS,
    complaint: { path: 'dispute', allowed: (view) => view.canDispute, notAllowed: 'dispute.notAllowed', textLabel: 'field.disputeText', minText: 20 },
  });

  // ---- the market's signed documents -----------------------------------------------------------

  const mirrorsText = (day: string, fingerprint: string) =>
    [
      `${plainLine(market.name)} - official mirror list`,
      `Updated: ${day} (UTC)`,
      '',
      'Only use the addresses below. Phishing clones copy our pages and swap the',
      'addresses: verify the signature of this message with our key before you',
      'trust any of them.',
      '',
      ...mirrorUrls,
      '',
      `Market key fingerprint: ${fingerprint}`,
      'SYNTHETIC TRAINING ENVIRONMENT - fictional market, fictional addresses.',
    ].join('\n');

  const canaryText = (day: string, block: TipInfo | null, fingerprint: string) =>
    [
      `${plainLine(market.name)} - warrant canary`,
      `Date: ${day}`,
      '',
      '1. As of the date above, the staff of this market have not received any',
      '   warrant, subpoena, seizure order or request to hand over user data.',
      '2. No law enforcement agency has access to our servers or our keys.',
      '3. Our signing key is unchanged (fingerprint below).',
      '',
      'If this message is not renewed within 14 days, assume it is no longer valid.',
      '',
      block ? `Latest block: ${block.height} ${block.hash}` : 'Latest block: unknown',
      `Market key fingerprint: ${fingerprint}`,
      'SYNTHETIC TRAINING ENVIRONMENT - fictional market.',
    ].join('\n');

  signedDocumentRoutes(app, site, darkweb, market, mirrorUrls, { mirrorsText, canaryText });

  app.get('/rules', async (req, reply) =>
    site.render(req, reply, 'rules', {
      title: site.t(req, 'rules.title'),
      nav: 'rules',
      commission: { min: market.commission[0], max: market.commission[1] },
      autoFinalizeDays: market.autoFinalizeDays,
      paymentHours: PAYMENT_WINDOW / 3600,
    }),
  );
};

export default escrowMarketSite;
