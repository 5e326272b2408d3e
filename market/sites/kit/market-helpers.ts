// Request helpers the market sites share: the query string, the path without it, the page number
// (a bad one is a FormError, shown as a 400), "this vendor (listing), if it is on this market",
// and the listings' generated product art.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { productArtSvg } from './art.ts';
import type { ListingInfo, MarketData, MarketInfo, VendorInfo } from './data.ts';
import { FormError } from './forms.ts';
import { parsePage } from './pagination.ts';
import type { Site } from './site.ts';

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export interface MarketRequestHelpers {
  query: (req: FastifyRequest) => Record<string, string | undefined>;
  /** The request's path below the site's mount, without the query string. */
  pathOnly: (req: FastifyRequest) => string;
  /** The ?page= number; FormError when it is not one. */
  pageOr400: (req: FastifyRequest) => number;
  /** The vendor when it sells on this market, else undefined. */
  mine: (v: VendorInfo | undefined) => VendorInfo | undefined;
  /** The vendor named by :handle when it sells on this market. */
  vendorOf: (req: FastifyRequest) => VendorInfo | undefined;
  /** The listing named by :id when it is on this market. */
  listingOf: (req: FastifyRequest) => ListingInfo | undefined;
}

export function marketRequestHelpers(site: Site, data: MarketData, market: MarketInfo): MarketRequestHelpers {
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const mine = (v: VendorInfo | undefined) => (v && v.marketEntityId === market.entityId ? v : undefined);
  return {
    query,
    pathOnly: (req) => req.url.slice(site.mount.length).split('?')[0] || '/',
    pageOr400: (req) => {
      try {
        return parsePage(query(req).page);
      } catch {
        throw new FormError('field.page', 'form.range', { min: 1, max: 10000 });
      }
    },
    mine,
    vendorOf: (req) => mine(data.vendorByHandle(market, (req.params as { handle: string }).handle)),
    listingOf: (req) => {
      const l = data.listing((req.params as { id: string }).id);
      return l && l.marketEntityId === market.entityId ? l : undefined;
    },
  };
}

/** Adds /art/<listing id>.svg: the listing's generated product picture (404 for another market's). */
export function productArtRoute(app: FastifyInstance, site: Site, data: MarketData, market: MarketInfo, seed: string): void {
  app.get('/art/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9-]{1,64})\.svg$/.exec((req.params as { file: string }).file);
    const listing = m ? data.listing(m[1]) : undefined;
    if (!listing || listing.marketEntityId !== market.entityId) return site.errorPage(req, reply, 404);
    return site.svg(reply, productArtSvg(`${seed}/${listing.id}`, listing.category, listing.title));
  });
}
