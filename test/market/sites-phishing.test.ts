// The phishing clone of Silkway the world planted (address_swap_theft trail): a lookalike onion
// that parses, the real market's pages in both languages, the phisher's swapped deposit addresses
// on its order pages, a mirror list the real market key does not verify, and a login form that
// posts elsewhere and asks for the withdrawal PIN — all recorded in gt_planted_sites.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { isValidOnion, parseOnion, deriveOnion } from '../../market/onion/index.ts';
import { onionHref } from '../../market/browser/index.ts';
import { verifyClearSigned } from '../../market/pgp/index.ts';
import { Rng } from '../../chain/rng.ts';
import {
  CLONE_PREFIX_CHARS,
  CLONE_SUFFIX_CHARS,
  FAKE_LOGIN_ACTION,
  deriveCloneOnion,
  phishingCaptures,
  phishingClonePlans,
  phishingClonesInWorld,
  plantedSites,
  rewriteLoginPage,
  usableCloneOnion,
  type PhishingClonePlan,
} from '../../market/sites/phishing/index.ts';
import { Darkweb } from '../../market/darkweb.ts';
import { OnionRegistry } from '../../market/browser/index.ts';
import { MARK, Visitor, sitesWorld, unescapeHtml, type SitesWorld } from './sites-vendor-shop.world.ts';

let w: SitesWorld;
let plan: PhishingClonePlan;
let realOnion: string;

beforeAll(async () => {
  w = await sitesWorld();
  [plan] = phishingClonePlans(w.darkweb);
  realOnion = w.darkweb.site('silkway')!.onion;
}, 180_000);
afterAll(async () => w?.close());

/** A clone account and a listing to order (accounts are the real market's: the clone relays them). */
async function loggedIn(onion: string, handle: string, secretId: string): Promise<Visitor> {
  const v = new Visitor(w.app, onion);
  const res = await v.submit('/register', '/register', { handle, password: 'correct horse battery', password2: 'correct horse battery' }, w.darkweb.siteSecret(secretId));
  expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
  return v;
}

const cloneSecret = () => `clone:${plan.siteId}/silkway`;

function depositOf(html: string): string {
  const m = /id="deposit-address">([^<]+)</.exec(html);
  expect(m, 'an address on the order page').not.toBeNull();
  return m![1];
}

describe('the clone found in the ground truth', () => {
  it('is the trail recorded in gt_events, with its phisher and swapped addresses', () => {
    const truth = phishingClonesInWorld(w.ledger.db);
    expect(truth).toHaveLength(1);
    expect(truth[0].trailId).toBe('clone');
    expect(truth[0].marketRef).toBe('market:silkway');
    expect(truth[0].addresses.length).toBeGreaterThan(0);
    expect(plan.addresses).toEqual(truth[0].addresses);
    expect(plan.walletId).not.toBeNull();
  });

  it('has an onion that starts and ends like the real one, differs from it, and parses', () => {
    expect(plan.onion).not.toBe(realOnion);
    expect(plan.onion.slice(0, CLONE_PREFIX_CHARS)).toBe(realOnion.slice(0, CLONE_PREFIX_CHARS));
    expect(plan.onion.slice(-CLONE_SUFFIX_CHARS)).toBe(realOnion.slice(-CLONE_SUFFIX_CHARS));
    expect(() => parseOnion(plan.onion)).not.toThrow();
    expect(w.registry.resolve(plan.onion)?.mount).toBe(`/sites/${plan.siteId}`);
    expect(w.registry.resolve(plan.onion)?.title).toBe(w.darkweb.market('silkway')!.name);
  });

  it('uses the recorded onion only when it is a valid v3 address sharing the prefix', () => {
    // The generator's name is not a valid address, so the lab derived one.
    expect(isValidOnion(plan.recordedOnion ?? '')).toBe(false);
    expect(plan.onionSource).toBe('derived');
    const real = deriveOnion(Rng.fromSeed('x').fork('real'));
    const good = deriveCloneOnion('x', 't', real);
    expect(usableCloneOnion(good, real)).toBe(true);
    expect(usableCloneOnion(real, real)).toBe(false);
    expect(usableCloneOnion(deriveOnion(Rng.fromSeed('x').fork('other')), real)).toBe(false);
    expect(usableCloneOnion('silkwkrctqwxnrwqknyokdod2qm4apbs6lrv5lbzx35iojwvku524rbd', real)).toBe(false);
    expect(usableCloneOnion(null, real)).toBe(false);
  });

  it('is the same for another server over the same world', () => {
    const again = phishingClonePlans(new Darkweb({ db: w.ledger.db, seed: w.ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false }));
    expect(again.map((p) => [p.onion, p.siteId])).toEqual([[plan.onion, plan.siteId]]);
  });

  it('is recorded in gt_planted_sites with the evidence', () => {
    const row = plantedSites(w.ledger.db).find((r) => r.onion === plan.onion)!;
    expect(row.kind).toBe('phishing-clone');
    expect(row.realOnion).toBe(realOnion);
    expect(row.ref).toBe('trail:clone/phisher');
    expect(row.evidence.depositAddresses).toEqual(plan.addresses);
    expect(row.evidence.loginPostsTo).toBe(FAKE_LOGIN_ACTION);
    expect(row.evidence.realKeyFingerprint).not.toBe(row.evidence.cloneKeyFingerprint);
  });

  it('is not in the trainees’ directory of public addresses', async () => {
    const dir = (await w.app.inject('/sites/directory.json')).json() as { sites: { onion: string; mirrors: string[]; kind: string }[] };
    expect(dir.sites.flatMap((s) => [s.onion, ...s.mirrors])).not.toContain(plan.onion);
    expect(dir.sites.map((s) => s.kind)).not.toContain('phishing');
  });
});

describe('the clone’s pages', () => {
  const pages = ['/', '/login', '/register', '/vendors', '/pgp', '/canary', '/rules', '/search?q=a'];

  it('render in English and Russian with the training mark, like the real market', async () => {
    for (const lang of ['en', 'ru']) {
      for (const p of pages) {
        const url = `${p}${p.includes('?') ? '&' : '?'}lang=${lang}`;
        const clone = await w.app.inject(`/onion/${plan.onion}${url}`);
        const real = await w.app.inject(`/onion/${realOnion}${url}`);
        expect(clone.statusCode, `${lang} ${p}`).toBe(200);
        expect(clone.body, p).toContain(MARK);
        expect(clone.body).toContain(`<html lang="${lang}"`);
        expect(clone.body).not.toContain('⟦');
        expect(clone.body.match(/<title>[^<]*<\/title>/)?.[0]).toBe(real.body.match(/<title>[^<]*<\/title>/)?.[0]);
      }
    }
  });

  it('links within the clone’s own address', async () => {
    const home = await w.app.inject(`/onion/${plan.onion}/`);
    expect(home.body).toContain(`href="/onion/${plan.onion}/vendors"`);
    expect(home.body).not.toContain(`/onion/${realOnion}/`);
  });
});

describe('deposit addresses', () => {
  it('are the phisher’s swapped addresses from the ground truth, not the market’s', async () => {
    const listing = w.darkweb.data!.listings(w.darkweb.market('silkway')!, { limit: 1 }).items[0];
    const clone = await loggedIn(plan.onion, 'victim_one', cloneSecret());
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await clone.submit(`/listing/${listing.id}`, `/listing/${listing.id}/order`, { quantity: '1' });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
      const order = await clone.get(String(res.headers.location));
      expect(order.statusCode).toBe(200);
      expect(order.body).toContain(MARK);
      seen.push(depositOf(order.body));
      // Earlier victims paid these addresses on chain; this order is not paid by them.
      expect(order.body).toContain('data-status="awaiting_payment"');
    }
    expect(seen).toEqual(plan.addresses.slice(0, 2));

    // The addresses belong to the phisher's 'phishing' wallet in the ground truth.
    const walletOf = w.ledger.db.prepare('SELECT g.wallet_id AS w FROM addresses a JOIN gt_addresses g ON g.address_id = a.id WHERE a.address = ?');
    for (const a of seen) expect((walletOf.get(a) as { w: number }).w).toBe(plan.walletId);
    const owner = w.ledger.db.prepare('SELECT entity_id AS e FROM gt_wallets WHERE id = ?').get(plan.walletId) as { e: number };
    expect(owner.e).toBe(plan.phisherEntityId);

    // The real market hands out its own deposit wallet's addresses; the clone's order is not its.
    const real = await loggedIn(realOnion, 'careful_buyer', 'silkway');
    const res = await real.submit(`/listing/${listing.id}`, `/listing/${listing.id}/order`, { quantity: '1' });
    const realOrder = await real.get(String(res.headers.location));
    const realAddress = depositOf(realOrder.body);
    expect(plan.addresses).not.toContain(realAddress);
    const issued = w.ledger.db.prepare('SELECT market_entity_id AS m FROM lab_market_deposits WHERE address = ?').get(realAddress) as { m: number };
    expect(issued.m).toBe(w.darkweb.market('silkway')!.entityId);
    const realOrders = await real.get('/orders');
    expect(realOrders.body).not.toContain(seen[0]);
  });
});

describe('the mirror list', () => {
  it('verifies with the real market key on the real site and not on the clone', async () => {
    const realKey = await w.darkweb.marketKey(w.darkweb.market('silkway')!);
    const real = (await w.app.inject(`/onion/${realOnion}/mirrors.txt`)).body;
    const clone = (await w.app.inject(`/onion/${plan.onion}/mirrors.txt`)).body;
    expect((await verifyClearSigned(real, realKey.publicArmored)).valid).toBe(true);
    const check = await verifyClearSigned(clone, realKey.publicArmored);
    expect(check.valid).toBe(false);
    expect(check.reason).toBe('wrong-key');
    // It is signed, by the key the clone shows as the market's, and lists the clone's address.
    const cloneKey = (await w.app.inject(`/onion/${plan.onion}/pgp.asc`)).body;
    expect((await verifyClearSigned(clone, cloneKey)).valid).toBe(true);
    expect(clone).toContain(`${plan.onion}.onion`);
    expect(clone).not.toContain(`${realOnion}.onion`);
  });

  it('comes with a key whose fingerprint ends like the real one', async () => {
    const realKey = await w.darkweb.marketKey(w.darkweb.market('silkway')!);
    const page = (await w.app.inject(`/onion/${plan.onion}/pgp`)).body;
    const fpr = /class="pgp-fingerprint">([^<]+)</.exec(page)![1].replace(/\s+/g, '');
    expect(fpr).not.toBe(realKey.fingerprint);
    expect(fpr.slice(-4)).toBe(realKey.fingerprint.slice(-4));
  });
});

describe('the fake login', () => {
  it('posts elsewhere and asks for the withdrawal PIN or recovery phrase; the real one does not', async () => {
    const clone = (await w.app.inject(`/onion/${plan.onion}/login`)).body;
    const real = (await w.app.inject(`/onion/${realOnion}/login`)).body;
    const action = (html: string) => /<form id="login-form"[^>]*action="([^"]*)"/.exec(html)![1];
    expect(action(clone)).toBe(onionHref(plan.onion, FAKE_LOGIN_ACTION));
    expect(action(real)).toBe(onionHref(realOnion, '/login'));
    expect(clone).toContain('name="withdraw_pin"');
    expect(clone).toContain('name="mnemonic"');
    expect(real).not.toContain('withdraw_pin');
    const ru = (await w.app.inject(`/onion/${plan.onion}/login?lang=ru`)).body;
    expect(ru).toContain('PIN-код для вывода');
  });

  it('notes what was given (not the secrets) and relays the login to the market', async () => {
    await loggedIn(realOnion, 'phished_user', 'silkway');
    const v = new Visitor(w.app, plan.onion);
    const res = await v.submit('/login', FAKE_LOGIN_ACTION, { handle: 'phished_user', password: 'correct horse battery', withdraw_pin: '482913', next: '/' }, w.darkweb.siteSecret(cloneSecret()));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const home = await v.get(String(res.headers.location));
    expect(home.body).toContain('phished_user');
    const captured = phishingCaptures(w.darkweb.store.db, plan.onion).find((c) => c.handle === 'phished_user')!;
    expect(captured).toMatchObject({ passwordGiven: true, pinGiven: true, mnemonicWords: 0 });
    const dump = JSON.stringify(w.darkweb.store.db.prepare('SELECT * FROM lab_phishing_captures').all());
    expect(dump).not.toContain('482913');
    expect(dump).not.toContain('correct horse');
  });

  it('answers a form without PIN or phrase, or with a malformed one, with 400 and a message', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ handle: 'someone', password: 'secret-pass' }, /withdrawal PIN or your recovery phrase/],
      [{ handle: 'someone', password: 'secret-pass', withdraw_pin: '12ab' }, /4 to 8 digits/],
      [{ handle: 'someone', password: 'secret-pass', mnemonic: 'only three words' }, /12 or 24 words/],
      [{ handle: '', password: 'secret-pass', withdraw_pin: '1234' }, /required/],
    ];
    for (const [fields, message] of cases) {
      const v = new Visitor(w.app, plan.onion);
      const res = await v.submit('/login', FAKE_LOGIN_ACTION, fields, w.darkweb.siteSecret(cloneSecret()));
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(MARK);
      expect(unescapeHtml(/<p id="form-error">([^<]*)<\/p>/.exec(res.body)![1])).toMatch(message);
      expect(res.body).toContain(`action="${onionHref(plan.onion, FAKE_LOGIN_ACTION)}"`);
    }
  });

  it('escapes whatever it writes into the page', () => {
    const page = '<html lang="en"><body><form id="login-form" method="post" action="/x/login" class="kit-form"><div class="captcha"></div></form></body></html>';
    fc.assert(
      fc.property(fc.string(), (message) => {
        const out = rewriteLoginPage(page, message)!;
        const shown = /<p id="form-error">([^]*?)<\/p>/.exec(out)![1];
        expect(shown).not.toMatch(/[<>"'`]/);
        expect(unescapeHtml(shown)).toBe(message);
      }),
    );
    expect(rewriteLoginPage('<p>no form</p>')).toBeNull();
  });
});
