// A market's signed documents and the routes that serve them: the mirror list and the warrant
// canary (texts in the market's own words, signed with the market's key once per world day), the
// key itself, and the pages that show them.
import type { FastifyInstance } from 'fastify';
import type { Darkweb } from '../../darkweb.ts';
import type { TipInfo } from './chain.ts';
import type { MarketInfo } from './data.ts';
import { formatDate, formatDateTime } from './format.ts';
import { keyView } from './keys.ts';
import type { Site } from './site.ts';

export interface SignedTexts {
  /** The mirror list's text for a day, naming the market key's fingerprint. */
  mirrorsText: (day: string, fingerprint: string) => string;
  /** The canary's text for a day, with the latest block at signing time (null when none). */
  canaryText: (day: string, block: TipInfo | null, fingerprint: string) => string;
}

/** Adds /mirrors.txt, /canary.txt, /pgp.asc, /pgp and /canary to the market site. */
export function signedDocumentRoutes(app: FastifyInstance, site: Site, darkweb: Darkweb, market: MarketInfo, mirrorUrls: readonly string[], texts: SignedTexts): void {
  const { chain } = darkweb;
  const marketKey = () => darkweb.marketKey(market);
  const signedMirrors = async () => {
    const key = await marketKey();
    return darkweb.signed.get(`${market.id}/mirrors`, chain.now(), key, (day) => texts.mirrorsText(day, key.fingerprint));
  };
  const signedCanary = async () => {
    const key = await marketKey();
    return darkweb.signed.get(`${market.id}/canary`, chain.now(), key, (day, at) =>
      texts.canaryText(day, chain.blockAtOrBefore(Math.floor(at.getTime() / 1000)), key.fingerprint),
    );
  };

  app.get('/mirrors.txt', async (_req, reply) => site.text(reply, await signedMirrors()));
  app.get('/canary.txt', async (_req, reply) => site.text(reply, await signedCanary()));
  app.get('/pgp.asc', async (_req, reply) => site.text(reply, (await marketKey()).publicArmored, 'application/pgp-keys; charset=utf-8'));

  app.get('/pgp', async (req, reply) => {
    const key = await marketKey();
    return site.render(req, reply, 'pgp', {
      title: site.t(req, 'pgp.title'),
      nav: 'pgp',
      key: keyView(key),
      mirrors: mirrorUrls,
      signedMirrors: await signedMirrors(),
    });
  });

  app.get('/canary', async (req, reply) => {
    const now = chain.now();
    return site.render(req, reply, 'canary', {
      title: site.t(req, 'canary.title'),
      nav: 'canary',
      canary: await signedCanary(),
      day: formatDate(now),
      checkedAt: formatDateTime(Math.floor(now / 3600) * 3600),
    });
  });
}
