// The dead-drop ("klad") shop market's onion site (Hydra style; 'Полярная звезда' in the default
// world), Russian by default: cities with their (fictional) districts, shops with ratings and
// reviews, product cards whose weight is only a label, an order that is paid through the instant
// exchanger the market names (its onion and the amount) or straight to a BTC address, and the
// order's status with the drop shown only as placeholder text and a generated map of a fictional
// city. Images of careless shops carry planted synthetic GPS metadata (the OPSEC-leak exercise).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onionHref, onionUrl } from '../../browser/index.ts';
import type { MarketSiteOptions } from '../escrow-market/index.ts';
import { Site } from '../kit/site.ts';
import { FormError, formValue, readChoice, readText } from '../kit/forms.ts';
import type { ListingInfo, Review, VendorInfo } from '../kit/data.ts';
import { paginate, parsePage, withQuery } from '../kit/pagination.ts';
import { cityMapSvg, productArtSvg } from '../kit/art.ts';
import { keyView } from '../kit/keys.ts';
import { formatBtc, formatDate, formatDateTime, formatUsd } from '../kit/format.ts';
import { plainLine } from '../kit/escape.ts';
import type { LabOrder } from '../kit/store.ts';
import { LiveError, liveOrderOf, liveStatus, placeLiveOrder, walletPayHref } from '../kit/live-orders.ts';
import { cityDistricts, dropsInStock, productDistricts, productNote, shopReviewText, shopTerms, syntheticGps, type District } from './content.ts';
import { SHOP_STRINGS } from './strings.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/polar.css`, 'utf8');
const PER_PAGE = 24;
/** An unpaid shop order lapses after an hour, as on such markets (the rate is held that long). */
export const SHOP_PAYMENT_WINDOW = 3600;
export const COMPLAINT_REASONS = ['not_found', 'underweight', 'other'] as const;
export const PAY_METHODS = ['exchanger', 'btc'] as const;

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export const shopMarketSite: FastifyPluginAsync<MarketSiteOptions> = async (app, opts) => {
  const { darkweb, market } = opts;
  const data = darkweb.data;
  if (!data) throw new RangeError('the shop market site needs a world with markets');
  const { chain, store, seed } = darkweb;
  const site = await Site.create(app, {
    id: market.id,
    name: market.name,
    mount: app.prefix,
    addresses: () => opts.site.addresses,
    defaultLang: market.language,
    strings: SHOP_STRINGS,
    templatesDir: `${here}templates`,
    css: CSS,
    store,
    chain,
    captchaSecret: darkweb.siteSecret(market.id),
    // An exit-scammed market answers every page with its maintenance notice (the event's record).
    closed: () => darkweb.marketClosed(market.id),
    // The catalogue is the world's and fixed; anonymous pages change only with the world hour (prices).
    pageCache: { maxEntries: 2000 },
  });
  const categories = new Set(data.categoryCounts(market).map((c) => c.category));
  const cities = data.cities(market);
  const exchanger = market.exchanger ? darkweb.exchanger(market.exchanger) : null;
  // Links and URLs are made once: onionHref/onionUrl validate the address's key on every call.
  const exchangerLink = exchanger ? { name: exchanger.name, url: onionUrl(exchanger.onion), href: onionHref(exchanger.onion, '/') } : null;
  const mirrorUrls = opts.site.addresses.map((a) => onionUrl(a));

  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const pathOnly = (req: FastifyRequest) => req.url.slice(site.mount.length).split('?')[0] || '/';
  const pageOr400 = (req: FastifyRequest): number => {
    try {
      return parsePage(query(req).page);
    } catch {
      throw new FormError('field.page', 'form.range', { min: 1, max: 10000 });
    }
  };
  const districtView = (req: FastifyRequest, d: District) => ({ slug: d.slug, name: site.lang(req) === 'ru' ? d.ru : d.en });
  /**
   * A product as its card shows it, priced at the world's present (read once per request); texts
   * made here rather than by template helpers, which costs a fraction on pages with many cards.
   */
  const cardAt = (req: FastifyRequest) => {
    const now = site.now(req);
    const lang = site.lang(req);
    const t = (key: string) => site.i18n.t(lang, key);
    const shopLabel = t('product.shop');
    const artAlt = t('product.artAlt');
    return (l: ListingInfo, districts?: { slug: string; name: string }[]) => {
      const sats = chain.usdToSats(l.priceUsd, now);
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
        city: l.city,
        drop: l.drop,
        districts,
        sats,
        link: site.href(req, `/product/${encodeURIComponent(l.id)}`),
        artHref: site.href(req, `/art/${encodeURIComponent(l.id)}.svg`),
        shopHref: site.href(req, `/shop/${encodeURIComponent(l.vendorHandle)}`),
        artAlt,
        shopLabel,
        catLabel: t(`cat.${l.category}`),
        dropLabel: t(`drop.${l.drop ?? 'hidden'}`),
        priceText: formatUsd(lang, l.priceUsd),
        btcText: formatBtc(sats),
      };
    };
  };
  const shopCities = new Map<number, string[]>();
  const citiesOf = (v: VendorInfo) => {
    let list = shopCities.get(v.entityId);
    if (!list) {
      list = [...new Set(data.listings(market, { vendorEntityId: v.entityId, limit: 10_000 }).items.map((l) => l.city).filter((c): c is string => c !== null))].sort();
      shopCities.set(v.entityId, list);
    }
    return list;
  };
  const shopView = (v: VendorInfo) => ({
    handle: v.handle,
    joined: v.joined,
    sales: v.sales,
    rating: v.rating,
    positive: v.positive,
    negative: v.negative,
    listings: v.listings,
    cities: citiesOf(v),
  });
  const reviewView = (r: Review) => ({ ...r, text: shopReviewText(seed, r.orderId, r.positive) });
  const mine = (v: VendorInfo | undefined) => (v && v.marketEntityId === market.entityId ? v : undefined);
  const badPage = (req: FastifyRequest, reply: FastifyReply, err: unknown) => {
    if (err instanceof FormError) return site.errorPage(req, reply, 400, site.formMessage(req, err));
    throw err;
  };

  // ---- catalogue -------------------------------------------------------------------------------

  app.get('/', async (req, reply) => {
    const cityRows = cities.map((city) => {
      const items = data.listings(market, { city, limit: 0 });
      return { city, products: items.total, districts: cityDistricts(seed, city).length };
    });
    const shops = [...data.vendors(market)].sort((a, b) => b.sales - a.sales || a.handle.localeCompare(b.handle)).slice(0, 12).map(shopView);
    return site.render(req, reply, 'home', {
      title: market.name,
      nav: 'home',
      cities: cityRows,
      shops,
      categories: data.categoryCounts(market),
      exchanger: exchangerLink,
    });
  });

  app.get('/city/:city', async (req, reply) => {
    const city = (req.params as { city: string }).city;
    if (!cities.includes(city)) return site.errorPage(req, reply, 404);
    const districts = cityDistricts(seed, city);
    const qs = query(req);
    let page: number;
    let category: string;
    let district: string;
    try {
      page = pageOr400(req);
      category = readChoice(qs, 'category', 'field.category', ['', ...categories], '');
      district = readChoice(qs, 'district', 'field.district', ['', ...districts.map((d) => d.slug)], '');
    } catch (err) {
      return badPage(req, reply, err);
    }
    const card = cardAt(req);
    const all = data.listings(market, { city, category: category || undefined, sort: 'popular', limit: 10_000 }).items;
    const inDistrict = district ? all.filter((l) => productDistricts(seed, l).some((d) => d.slug === district)) : all;
    const pager = paginate(inDistrict.length, page, PER_PAGE, (n) => site.href(req, withQuery(pathOnly(req), qs, { page: n, lang: undefined })));
    return site.render(req, reply, 'city', {
      title: city,
      nav: 'cities',
      city,
      districts: districts.map((d) => districtView(req, d)),
      categories: data.categoryCounts(market),
      form: { category, district },
      products: inDistrict.slice(pager.offset, pager.offset + PER_PAGE).map((l) => card(l, productDistricts(seed, l).map((d) => districtView(req, d)))),
      pager,
    });
  });

  app.get('/art/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9-]{1,64})\.svg$/.exec((req.params as { file: string }).file);
    const listing = m ? data.listing(m[1]) : undefined;
    if (!listing || listing.marketEntityId !== market.entityId) return site.errorPage(req, reply, 404);
    return site.svg(reply, productArtSvg(`${seed}/${listing.id}`, listing.category, listing.title));
  });

  const listingOf = (req: FastifyRequest) => {
    const l = data.listing((req.params as { id: string }).id);
    return l && l.marketEntityId === market.entityId ? l : undefined;
  };

  function productPage(req: FastifyRequest, reply: FastifyReply, listing: ListingInfo, extra: Record<string, unknown> = {}, status = 200) {
    const vendor = data!.vendor(listing.vendorEntityId)!;
    const page = pageOr400(req);
    const first = data!.listingReviews(listing.id, (page - 1) * 10, 10);
    const pager = paginate(first.total, page, 10, (n) => site.href(req, withQuery(pathOnly(req), {}, { page: n })));
    const reviews = pager.page === page ? first.items : data!.listingReviews(listing.id, pager.offset, 10).items;
    if (site.account(req)) site.session(req, reply);
    return site.render(
      req,
      reply,
      'product',
      {
        title: listing.title,
        nav: 'cities',
        product: cardAt(req)(listing),
        shop: shopView(vendor),
        note: productNote(seed, listing),
        districts: productDistricts(seed, listing).map((d) => districtView(req, d)),
        drops: dropsInStock(seed, listing),
        reviews: reviews.map(reviewView),
        pager,
        exchanger: exchanger ? { name: exchanger.name, fee: exchanger.fee } : null,
        payMethods: exchanger ? PAY_METHODS : (['btc'] as const),
        form: { payMethod: exchanger ? 'exchanger' : 'btc', district: '' },
        loginHref: site.href(req, `/login?next=${encodeURIComponent(`/product/${listing.id}`)}`),
        ...extra,
      },
      status,
    );
  }

  app.get('/product/:id', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing) return site.errorPage(req, reply, 404);
    try {
      return productPage(req, reply, listing);
    } catch (err) {
      return badPage(req, reply, err);
    }
  });

  /** An order's deposit when the lab is not live: the site's own next address of the market's deposit wallet. */
  const ownDeposit = (orderId: string, amountUsd: number, now: number) => {
    const d = darkweb.orderDepositAddress(market.id, orderId);
    return { depositAddress: d.address, keyIndex: d.keyIndex, amountSats: chain.usdToSats(amountUsd, now) };
  };

  app.post('/product/:id/order', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing) return site.errorPage(req, reply, 404);
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const body = req.body;
    const form = { district: formValue(body, 'district'), payMethod: formValue(body, 'pay') };
    try {
      site.checkForm(req, reply);
      const districts = productDistricts(seed, listing);
      const district = readChoice(body, 'district', 'field.district', districts.map((d) => d.slug));
      const payMethod = readChoice(body, 'pay', 'field.payMethod', exchanger ? PAY_METHODS : (['btc'] as const));
      const now = chain.now();
      const id = store.nextOrderId(market.id, market.id, data.orderNumbering(market).count);
      const amountUsd = round2(listing.priceUsd);
      // A live lab: the live world places the order (its deposit address and amount); else the site's own.
      const placed = placeLiveOrder(darkweb, { marketId: market.id, listingId: listing.id, accountId: account.id, quantity: 1, orderId: id });
      const deposit = placed ?? ownDeposit(id, amountUsd, now);
      store.createOrder({
        id, site: market.id, marketEntityId: market.entityId, accountId: account.id, listingId: listing.id, vendorEntityId: listing.vendorEntityId,
        quantity: 1, amountUsd, amountSats: deposit.amountSats, depositAddress: deposit.depositAddress, keyIndex: deposit.keyIndex,
        payMethod, district, createdAt: now, attrs: { city: listing.city, drop: listing.drop },
      });
      return site.redirect(req, reply, `/order/${encodeURIComponent(id)}`);
    } catch (err) {
      if (err instanceof FormError) return productPage(req, reply, listing, { form, formError: site.formMessage(req, err) }, 400);
      if (err instanceof LiveError) return productPage(req, reply, listing, { form, formError: err.message }, 400);
      throw err;
    }
  });

  // ---- shops ---------------------------------------------------------------------------------

  const shopOf = (req: FastifyRequest) => mine(data.vendorByHandle(market, (req.params as { handle: string }).handle));

  app.get('/shops', async (req, reply) => {
    const shops = [...data.vendors(market)].sort((a, b) => b.sales - a.sales || a.handle.localeCompare(b.handle)).map(shopView);
    return site.render(req, reply, 'shops', { title: site.t(req, 'shops.title'), nav: 'shops', shops });
  });

  app.get('/shop/:handle', async (req, reply) => {
    const card = cardAt(req);
    const vendor = shopOf(req);
    if (!vendor) return site.errorPage(req, reply, 404);
    let page: number;
    try {
      page = pageOr400(req);
    } catch (err) {
      return badPage(req, reply, err);
    }
    const reviewsPage = data.vendorReviews(vendor, (page - 1) * 20, 20);
    const pager = paginate(reviewsPage.total, page, 20, (n) => site.href(req, withQuery(pathOnly(req), {}, { page: n })));
    const reviews = pager.page === page ? reviewsPage.items : data.vendorReviews(vendor, pager.offset, 20).items;
    const key = await darkweb.vendorKey(vendor);
    return site.render(req, reply, 'shop', {
      title: vendor.handle,
      nav: 'shops',
      shop: shopView(vendor),
      terms: shopTerms(seed, vendor),
      products: data.listings(market, { vendorEntityId: vendor.entityId, sort: 'popular', limit: 60 }).items.map((l) => card(l)),
      reviews: reviews.map(reviewView),
      pager,
      key: keyView(key),
    });
  });

  app.get('/shop/:handle/pgp.asc', async (req, reply) => {
    const vendor = shopOf(req);
    if (!vendor) return site.errorPage(req, reply, 404);
    return site.text(reply, (await darkweb.vendorKey(vendor)).publicArmored, 'application/pgp-keys; charset=utf-8');
  });

  // ---- orders --------------------------------------------------------------------------------

  function orderView(req: FastifyRequest, order: LabOrder) {
    const now = site.now(req);
    const payments = chain.paymentsTo(order.depositAddress);
    const confirmed = payments.filter((p) => p.confirmations > 0).reduce((s, p) => s + p.value, 0);
    const seen = payments.reduce((s, p) => s + p.value, 0);
    if (order.state === 'awaiting_payment' && confirmed >= order.amountSats && payments.length) {
      const last = payments.filter((p) => p.confirmations > 0).at(-1)!;
      store.notePayment(order.id, { txid: last.txid, sats: confirmed, height: last.height });
      order = store.order(order.id)!;
    }
    const expired = order.state === 'awaiting_payment' && seen === 0 && now > order.createdAt + SHOP_PAYMENT_WINDOW;
    const listing = data!.listing(order.listingId);
    const vendor = data!.vendor(order.vendorEntityId);
    const live = liveOrderOf(darkweb, order);
    const status = liveStatus(order, live) ?? (expired ? 'expired' : order.state);
    // Live: the drop is shown once the vendor has handed it over (klad_ready), not at payment.
    const delivered = live ? status === 'klad_ready' || status === 'finalized' || order.state === 'disputed' : order.state !== 'awaiting_payment' && order.state !== 'cancelled';
    const district = listing ? productDistricts(seed, listing).find((d) => d.slug === order.district) : undefined;
    return {
      ...order,
      status,
      payHref: live && order.payMethod === 'btc' ? walletPayHref(order.depositAddress, order.amountSats, order.id) : null,
      product: listing ? cardAt(req)(listing) : null,
      shop: vendor?.handle ?? '?',
      district: district ? districtView(req, district).name : order.district,
      city: listing?.city ?? '',
      drop: listing?.drop ?? 'hidden',
      payments,
      seenSats: seen,
      payBy: order.createdAt + SHOP_PAYMENT_WINDOW,
      delivered,
      exchanger:
        order.payMethod === 'exchanger' && exchanger
          ? { ...exchangerLink!, fee: exchanger.fee, payUsd: round2(order.amountUsd * (1 + exchanger.fee)) }
          : null,
      complaints: store.disputes(order.id),
      canComplain: order.state !== 'disputed' && (live ? status === 'klad_ready' || status === 'finalized' : order.state === 'paid'),
    };
  }

  function ownOrder(req: FastifyRequest, accountId: number): LabOrder | undefined {
    const order = store.order((req.params as { id: string }).id);
    return order && order.site === market.id && order.accountId === accountId ? order : undefined;
  }

  app.get('/orders', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const orders = store.orders(market.id, account.id, 0, 100).items.map((o) => orderView(req, o));
    return site.render(req, reply, 'orders', { title: site.t(req, 'orders.title'), nav: 'orders', orders });
  });

  function orderPage(req: FastifyRequest, reply: FastifyReply, order: LabOrder, extra: Record<string, unknown> = {}, status = 200) {
    site.session(req, reply);
    return site.render(req, reply, 'order', { title: site.t(req, 'order.title', { id: order.id }), nav: 'orders', order: orderView(req, order), reasons: COMPLAINT_REASONS, form: {}, ...extra }, status);
  }

  app.get('/order/:id', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const order = ownOrder(req, account.id);
    if (!order) return site.errorPage(req, reply, 404);
    return orderPage(req, reply, order);
  });

  app.get('/order/:id/map.svg', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const order = ownOrder(req, account.id);
    if (!order || order.state === 'awaiting_payment' || order.state === 'cancelled') return site.errorPage(req, reply, 404);
    const listing = data.listing(order.listingId);
    const vendor = data.vendor(order.vendorEntityId);
    const city = listing?.city ?? '';
    const districts = cityDistricts(seed, city);
    const lang = site.lang(req);
    const gps = vendor && vendor.opsec === 'low' ? { ...syntheticGps(seed, order.id), taken: formatDateTime(order.createdAt).replace(' UTC', ':00') } : undefined;
    return site.svg(
      reply,
      cityMapSvg({
        key: `${seed}/${city}`,
        title: site.t(req, 'map.title', { city }),
        districts: districts.map((d) => (lang === 'ru' ? d.ru : d.en)),
        highlight: districts.findIndex((d) => d.slug === order.district),
        markerKey: order.id,
        caption: site.t(req, 'map.caption'),
        gps,
      }),
      false,
    );
  });

  app.post('/order/:id/complaint', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const order = ownOrder(req, account.id);
    if (!order) return site.errorPage(req, reply, 404);
    const body = req.body;
    const form = { reason: formValue(body, 'reason'), body: formValue(body, 'body').slice(0, 3000) };
    try {
      site.checkForm(req, reply);
      if (!orderView(req, order).canComplain) throw new FormError('field.form', 'complaint.notAllowed');
      const reason = readChoice(body, 'reason', 'field.reason', COMPLAINT_REASONS);
      const text = readText(body, 'body', { label: 'field.complaintText', min: 10, max: 2000, multiline: true });
      store.addDispute(market.id, order.id, account.id, reason, text, chain.now());
      store.setOrderState(order.id, 'disputed');
      return site.redirect(req, reply, `/order/${encodeURIComponent(order.id)}`);
    } catch (err) {
      if (err instanceof FormError) return orderPage(req, reply, store.order(order.id)!, { form, formError: site.formMessage(req, err) }, 400);
      throw err;
    }
  });

  // ---- the market's signed documents -----------------------------------------------------------

  const marketKey = () => darkweb.marketKey(market);
  const mirrorsText = (day: string, fingerprint: string) =>
    [
      `${plainLine(market.name)} - официальные зеркала`,
      `Обновлено: ${day} (UTC)`,
      '',
      'Пользуйтесь только адресами ниже. Фишинговые клоны копируют наш сайт и',
      'подменяют адреса: проверьте подпись этого сообщения нашим ключом.',
      '',
      ...mirrorUrls,
      '',
      `Отпечаток ключа площадки: ${fingerprint}`,
      'SYNTHETIC TRAINING ENVIRONMENT - вымышленная площадка, вымышленные адреса.',
    ].join('\n');
  const canaryText = (day: string, signedAt: Date, fingerprint: string) => {
    const block = chain.blockAtOrBefore(Math.floor(signedAt.getTime() / 1000));
    return [
      `${plainLine(market.name)} - канарейка`,
      `Дата: ${day}`,
      '',
      '1. На указанную дату администрация площадки не получала ордеров, запросов',
      '   на выдачу данных пользователей или требований об изъятии серверов.',
      '2. Ни одно ведомство не имеет доступа к нашим серверам и ключам.',
      '3. Ключ площадки не менялся (отпечаток ниже).',
      '',
      'Если сообщение не обновлено в течение 14 дней, считайте его недействительным.',
      '',
      block ? `Последний блок: ${block.height} ${block.hash}` : 'Последний блок: неизвестен',
      `Отпечаток ключа площадки: ${fingerprint}`,
      'SYNTHETIC TRAINING ENVIRONMENT - вымышленная площадка.',
    ].join('\n');
  };
  const signedMirrors = async () => {
    const key = await marketKey();
    return darkweb.signed.get(`${market.id}/mirrors`, chain.now(), key, (day) => mirrorsText(day, key.fingerprint));
  };
  const signedCanary = async () => {
    const key = await marketKey();
    return darkweb.signed.get(`${market.id}/canary`, chain.now(), key, (day, at) => canaryText(day, at, key.fingerprint));
  };

  app.get('/mirrors.txt', async (_req, reply) => site.text(reply, await signedMirrors()));
  app.get('/canary.txt', async (_req, reply) => site.text(reply, await signedCanary()));
  app.get('/pgp.asc', async (_req, reply) => site.text(reply, (await marketKey()).publicArmored, 'application/pgp-keys; charset=utf-8'));
  app.get('/pgp', async (req, reply) =>
    site.render(req, reply, 'pgp', {
      title: site.t(req, 'pgp.title'),
      nav: 'pgp',
      key: keyView(await marketKey()),
      mirrors: mirrorUrls,
      signedMirrors: await signedMirrors(),
    }),
  );
  app.get('/canary', async (req, reply) => {
    const now = chain.now();
    return site.render(req, reply, 'canary', { title: site.t(req, 'canary.title'), nav: 'canary', canary: await signedCanary(), day: formatDate(now), checkedAt: formatDateTime(Math.floor(now / 3600) * 3600) });
  });
  app.get('/rules', async (req, reply) =>
    site.render(req, reply, 'rules', {
      title: site.t(req, 'rules.title'),
      nav: 'rules',
      exchanger: exchanger ? { name: exchanger.name } : null,
      minutes: SHOP_PAYMENT_WINDOW / 60,
    }),
  );
};

export default shopMarketSite;
