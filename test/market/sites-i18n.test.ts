// Both languages, everywhere: the dictionaries have the same keys (and the plural forms each
// language needs), Russian is not English copied over, and every page of both markets — anonymous
// and logged in, in every order state, error pages too — renders in English and in Russian with no
// missing key (⟦key⟧) and no interface string of the other language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { I18n, MISSING_OPEN, mergeDictionaries, missingKeys, type Dictionaries, type Lang } from '../../market/sites/kit/i18n.ts';
import { KIT_STRINGS } from '../../market/sites/kit/strings.ts';
import { ESCROW_STRINGS } from '../../market/sites/escrow-market/strings.ts';
import { SHOP_STRINGS } from '../../market/sites/shop-market/strings.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { productDistricts } from '../../market/sites/shop-market/content.ts';
import { SiteClient, buildSitesLab, unescapeHtml, type SitesLab } from './sites-world.ts';

const SITES: Record<string, Dictionaries> = {
  silkway: mergeDictionaries(KIT_STRINGS, ESCROW_STRINGS),
  polarnaya: mergeDictionaries(KIT_STRINGS, SHOP_STRINGS),
};
/** Keys whose text is the same in both languages on purpose (language names, brand-like words). */
const SAME_IN_BOTH = new Set(['lang.en', 'lang.ru', 'pager.summary']);

describe('dictionaries', () => {
  for (const [site, dicts] of Object.entries(SITES)) {
    it(`${site}: both languages have every key and every plural form`, () => {
      expect(missingKeys(dicts)).toEqual({ en: [], ru: [] });
      expect(() => new I18n(dicts)).not.toThrow();
    });

    it(`${site}: Russian strings are translations, not English copies`, () => {
      const copied = Object.keys(dicts.en).filter((k) => !SAME_IN_BOTH.has(k) && dicts.en[k] === dicts.ru[k] && /[a-z]{3}/i.test(dicts.en[k].replace(/\{[^}]*\}/g, '')));
      expect(copied).toEqual([]);
      const latinOnly = Object.keys(dicts.ru).filter((k) => !SAME_IN_BOTH.has(k) && !/[а-яё]/i.test(dicts.ru[k]) && /[a-z]{4}/i.test(dicts.ru[k].replace(/\{[^}]*\}/g, '')));
      expect(latinOnly).toEqual([]);
    });
  }
});

/** Interface strings of `lang` long enough to be recognisable, without placeholders. */
function markers(dicts: Dictionaries, lang: Lang): string[] {
  const other: Lang = lang === 'en' ? 'ru' : 'en';
  return Object.entries(dicts[lang])
    .filter(([k, v]) => !SAME_IN_BOTH.has(k) && !v.includes('{') && v.length >= 18 && v !== dicts[other][k])
    .map(([, v]) => v);
}

describe('every page in both languages', () => {
  let lab: SitesLab;
  const pages: Record<string, string[]> = { silkway: [], polarnaya: [] };
  const clients: Record<string, SiteClient> = {};

  beforeAll(async () => {
    lab = await buildSitesLab();
    const data = lab.darkweb.data!;
    for (const id of ['silkway', 'polarnaya']) {
      const base = `/sites/${id}`;
      const market = lab.darkweb.market(id)!;
      const listing = data.listings(market, { sort: 'popular', limit: 1 }).items[0];
      const vendor = data.vendor(listing.vendorEntityId)!;
      const c = new SiteClient(lab.app, new Captcha(lab.darkweb.siteSecret(id)));
      expect((await c.register(base, `i18n_${id}`)).statusCode).toBe(303);
      clients[id] = c;
      const common = ['/', '/rules', '/pgp', '/canary', '/orders', '/nope', '/search?page=abc'];
      if (id === 'silkway') {
        await c.get(`${base}/listing/${listing.id}`);
        const order = await c.post(`${base}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '1' });
        const paid = await c.post(`${base}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '1' });
        lab.darkweb.store.notePayment(decodeURIComponent(String(paid.headers.location).split('/').pop()!), { txid: '00'.repeat(32), sats: 1, height: 1 });
        await c.get(`${base}/messages/new`);
        const msg = await c.post(`${base}/messages`, { _csrf: c.csrf(), to: vendor.handle, subject: 'hi', body: 'hello' });
        pages[id] = [
          ...common, '/search', `/search?q=${encodeURIComponent(listing.title.split(' ')[0])}`, '/search?min=abc', `/category/${listing.category}`, `/listing/${listing.id}`,
          `/vendor/${vendor.handle}`, `/vendor/${vendor.handle}/feedback`, '/vendors', '/messages', '/messages/new', String(msg.headers.location).slice(base.length),
          String(order.headers.location).slice(base.length), String(paid.headers.location).slice(base.length),
        ];
      } else {
        const city = listing.city!;
        await c.get(`${base}/product/${listing.id}`);
        const district = productDistricts(lab.darkweb.seed, listing)[0].slug;
        const viaExchanger = await c.post(`${base}/product/${listing.id}/order`, { _csrf: c.csrf(), district, pay: 'exchanger' });
        const paid = await c.post(`${base}/product/${listing.id}/order`, { _csrf: c.csrf(), district, pay: 'btc' });
        lab.darkweb.store.notePayment(decodeURIComponent(String(paid.headers.location).split('/').pop()!), { txid: '00'.repeat(32), sats: 1, height: 1 });
        pages[id] = [
          ...common, '/shops', `/city/${encodeURIComponent(city)}`, `/city/${encodeURIComponent(city)}?district=nowhere`, `/product/${listing.id}`, `/shop/${vendor.handle}`,
          String(viaExchanger.headers.location).slice(base.length), String(paid.headers.location).slice(base.length),
        ];
      }
    }
  });
  afterAll(async () => lab?.close());

  for (const id of ['silkway', 'polarnaya']) {
    for (const lang of ['en', 'ru'] as const) {
      it(`${id} in ${lang}: no missing key and no interface string of the other language`, async () => {
        const dicts = SITES[id];
        const foreign = markers(dicts, lang === 'en' ? 'ru' : 'en');
        const own = markers(dicts, lang);
        let seen = 0;
        const anonymous = new SiteClient(lab.app);
        for (const [c, path] of [
          ...pages[id].map((p) => [clients[id], p] as const),
          ...['/register', '/login', '/', '/vendors', '/shops'].map((p) => [anonymous, p] as const),
        ]) {
          if (!c.cookie('lang') || c.cookie('lang') !== lang) await c.get(`/sites/${id}/?lang=${lang}`);
          const res = await c.get(`/sites/${id}${path}`);
          expect([200, 400, 404], path).toContain(res.statusCode);
          const text = unescapeHtml(res.body);
          expect(text, path).toContain(`<html lang="${lang}">`);
          expect(text.includes(MISSING_OPEN), `${path} has a missing key: ${/⟦[^⟧]*⟧/.exec(text)?.[0]}`).toBe(false);
          for (const s of foreign) expect(text.includes(s), `${path} (${lang}) shows "${s}"`).toBe(false);
          seen += own.filter((s) => text.includes(s)).length;
        }
        expect(seen).toBeGreaterThan(40);
      });
    }
  }
});
