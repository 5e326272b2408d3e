// The set-up every darkweb site repeats: its Site frame mounted at the plugin's prefix, with the
// lab's store and chain, the site's onion addresses (read on every request: mirrors may be added
// later) and a captcha secret derived from the site's id.
import type { FastifyInstance } from 'fastify';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import type { MarketInfo } from './data.ts';
import { Site, type SiteOptions } from './site.ts';

/** What differs from site to site; the rest of SiteOptions comes from the lab. */
export type SiteSetup = Omit<SiteOptions, 'mount' | 'addresses' | 'store' | 'chain' | 'captchaSecret'>;

/** Creates the site's frame in `app` (the site plugin's own context); `opts.site` is read per request. */
export function createDarkwebSite(app: FastifyInstance, opts: { darkweb: Darkweb; site: DarkwebSite }, setup: SiteSetup): Promise<Site> {
  const { darkweb } = opts;
  return Site.create(app, {
    ...setup,
    mount: app.prefix,
    addresses: () => opts.site.addresses,
    store: darkweb.store,
    chain: darkweb.chain,
    captchaSecret: darkweb.siteSecret(setup.id),
  });
}

/**
 * A market's site frame: named and worded as the market, closed while the market has exit-scammed,
 * and caching anonymous pages (the catalogue is the world's and fixed; such pages change only with
 * the world hour, through prices).
 */
export function createMarketSite(
  app: FastifyInstance,
  opts: { darkweb: Darkweb; site: DarkwebSite; market: MarketInfo },
  setup: Pick<SiteOptions, 'strings' | 'templatesDir' | 'css'>,
): Promise<Site> {
  const { darkweb, market } = opts;
  return createDarkwebSite(app, opts, {
    id: market.id,
    name: market.name,
    defaultLang: market.language,
    ...setup,
    // An exit-scammed market answers every page with its maintenance notice (the event's record).
    closed: () => darkweb.marketClosed(market.id),
    pageCache: { maxEntries: 2000 },
  });
}
