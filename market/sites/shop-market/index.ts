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
import { createMarketSite } from '../kit/site-setup.ts';
import { marketRequestHelpers, productArtRoute, round2 } from '../kit/market-helpers.ts';
import { orderPayment, orderRoutes, placeMarketOrder } from '../kit/order-routes.ts';
import { signedDocumentRoutes } from '../kit/signed-routes.ts';
import type { TipInfo } from '../kit/chain.ts';
import { FormError, formValue, readChoice } from '../kit/forms.ts';
import type { ListingInfo, Review, VendorInfo } from '../kit/data.ts';
import { paginate, withQuery } from '../kit/pagination.ts';
import { cityMapSvg } from '../kit/art.ts';
import { keyView } from '../kit/keys.ts';
import { formatBtc, formatDateTime, formatUsd } from '../kit/format.ts';
import { plainLine } from '../kit/escape.ts';
import type { LabOrder } from '../kit/store.ts';
import { LiveError, walletPayHref } from '../kit/live-orders.ts';
import { cityDistricts, dropsInStock, productDistricts, productNote, shopReviewText, shopTerms, syntheticGps, type District } from './content.ts';
import { SHOP_STRINGS } from './strings.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/polar.css`, 'utf8');
const PER_PAGE = 24;
/** An unpaid shop order lapses after an hour, as on such markets (the rate is held that long). */
export const SHOP_PAYMENT_WINDOW = 3600;
export const COMPLAINT_REASONS = ['not_found', 'underweight', 'other'] as const;
export const PAY_METHODS = ['exchanger', 'btc'] as const;

export const shopMarketSite: FastifyPluginAsync<MarketSiteOptions> = async (app, opts) => {
  const { darkweb, market } = opts;
  const data = darkweb.data;
  if (!data) throw new RangeError('the shop market site needs a world with markets');
  const { chain, store, seed } = darkweb;
  const site = await createMarketSite(app, opts, { strings: SHOP_STRINGS, templatesDir: `${here}templates`, css: CSS });
  const categories = new Set(data.categoryCounts(market).map((c) => c.category));
  const cities = data.cities(market);
  const exchanger = market.exchanger ? darkweb.exchanger(market.exchanger) : null;
  // Links and URLs are made once: onionHref/onionUrl validate the address's key on every call.
  const exchangerLink = exchanger ? { name: exchanger.name, url: onionUrl(exchanger.onion), href: onionHref(exchanger.onion, '/') } : null;
  const mirrorUrls = opts.site.addresses.map((a) => onionUrl(a));

  const { query, pathOnly, pageOr400, vendorOf: shopOf, listingOf } = marketRequestHelpers(site, data, market);
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

  productArtRoute(app, site, data, market, seed);

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
      const id = placeMarketOrder(darkweb, market, listing, { accountId: account.id, quantity: 1, payMethod, district, attrs: { city: listing.city, drop: listing.drop } });
      return site.redirect(req, reply, `/order/${encodeURIComponent(id)}`);
    } catch (err) {
      if (err instanceof FormError) return productPage(req, reply, listing, { form, formError: site.formMessage(req, err) }, 400);
      if (err instanceof LiveError) return productPage(req, reply, listing, { form, formError: err.message }, 400);
      throw err;
    }
  });

  // ---- shops ---------------------------------------------------------------------------------

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

  function orderView(req: FastifyRequest, given: LabOrder) {
    const { order, payments, seenSats: seen, live, status } = orderPayment(darkweb, given, site.now(req), SHOP_PAYMENT_WINDOW);
    const listing = data!.listing(order.listingId);
    const vendor = data!.vendor(order.vendorEntityId);
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

  const { ownOrder } = orderRoutes(app, site, darkweb, {
    marketId: market.id,
    orderPath: '/order',
    view: orderView,
    reasons: COMPLAINT_REASONS,
    complaint: { path: 'complaint', allowed: (view) => view.canComplain, notAllowed: 'complaint.notAllowed', textLabel: 'field.complaintText', minText: 10 },
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

  // ---- the market's signed documents -----------------------------------------------------------

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
  const canaryText = (day: string, block: TipInfo | null, fingerprint: string) =>
    [
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
  signedDocumentRoutes(app, site, darkweb, market, mirrorUrls, { mirrorsText, canaryText });
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
