// The darkweb entry point: deterministic onion addresses per site (with mirrors) published in the
// registry, the directory of public addresses, order deposit addresses, vendor and market keys,
// later sites mounted on the same kit, worlds without markets or with a read-only database, and the
// lab server that mounts it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../chain/ledger.ts';
import { buildDemoChain } from '../../chain/demo.ts';
import { isValidAddress } from '../../chain/address.ts';
import { isValidOnion } from '../../market/onion/index.ts';
import { OnionRegistry, onionBrowser, onionUrl } from '../../market/browser/index.ts';
import { readKeyInfo } from '../../market/pgp/index.ts';
import { Darkweb, darkwebPlugin } from '../../market/darkweb.ts';
import { buildServer } from '../../lab/server.ts';
import { TRAINING_MARK } from '../../market/sites/kit/mark.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { SiteClient, buildSitesLab, type SitesLab } from './sites-world.ts';

let lab: SitesLab;
/** The world's markets (sites built later on the kit come after them). */
const marketSites = (dw: Darkweb) => dw.sites.filter((s) => s.kind === 'escrow-market' || s.kind === 'shop-market');
beforeAll(async () => {
  lab = await buildSitesLab();
});
afterAll(async () => lab?.close());

describe('addresses and the registry', () => {
  it('every market gets a primary address and two mirrors, valid, distinct and deterministic in the seed', () => {
    const sites = marketSites(lab.darkweb);
    expect(sites.map((s) => [s.id, s.kind, s.title, s.mount])).toEqual([
      ['silkway', 'escrow-market', 'Silkway Bazaar', '/sites/silkway'],
      ['polarnaya', 'shop-market', 'Полярная звезда', '/sites/polarnaya'],
    ]);
    const all = sites.flatMap((s) => s.addresses);
    expect(new Set(all).size).toBe(6);
    for (const a of all) expect(isValidOnion(a)).toBe(true);
    const again = new Darkweb({ db: lab.ledger.db, seed: lab.ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false });
    expect(marketSites(again).map((s) => s.addresses)).toEqual(sites.map((s) => s.addresses));
    const other = new Darkweb({ db: lab.ledger.db, seed: 'another seed', registry: new OnionRegistry(), warmKeys: false });
    expect(other.site('silkway')!.onion).not.toBe(sites[0].onion);
    expect(lab.darkweb.onionFor('market:silkway')).toBe(sites[0].onion);
    expect(lab.darkweb.onionFor('market:silkway', 1)).toBe(sites[0].mirrors[0]);
  });

  it('publishes every address in the registry, and the browser reaches the site through each', async () => {
    for (const site of marketSites(lab.darkweb)) {
      for (const a of site.addresses) {
        expect(lab.registry.resolve(a)).toMatchObject({ title: site.title, mount: site.mount, status: 'online' });
        const res = await lab.app.inject({ url: `/onion/${a}/` });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(TRAINING_MARK);
      }
    }
    lab.registry.seize(lab.darkweb.site('silkway')!.onion, { operation: 'Operation Test' });
    const seized = await lab.app.inject({ url: `/onion/${lab.darkweb.site('silkway')!.onion}/` });
    expect(seized.body).toContain('Operation Test');
    lab.registry.bringOnline(lab.darkweb.site('silkway')!.onion);
  });

  it('serves the directory of public addresses as JSON', async () => {
    const res = await lab.app.inject({ url: '/sites/directory.json' });
    expect(res.statusCode).toBe(200);
    const { sites } = res.json() as { sites: { id: string; url: string; onion: string; mirrors: string[]; kind: string }[] };
    // The markets first; sites built on the kit later (forum, shops, exchangers) follow.
    expect(sites.slice(0, 2).map((s) => s.id)).toEqual(['silkway', 'polarnaya']);
    expect(sites.slice(0, 2).map((s) => s.kind)).toEqual(['escrow-market', 'shop-market']);
    for (const s of sites) expect(s.url).toBe(onionUrl(s.onion));
    expect(sites[0].mirrors).toEqual(lab.darkweb.site('silkway')!.mirrors);
    expect(sites.map((s) => s.id)).toEqual(lab.darkweb.directory().map((d) => d.id));
  });
});

describe('orderDepositAddress', () => {
  it('hands out the next unused address of the market deposit wallet, once each', () => {
    const market = lab.darkweb.market('silkway')!;
    const wallet = lab.ledger.db.prepare("SELECT id, label FROM gt_wallets WHERE id = ?").get(market.depositWallet) as { id: number; label: string };
    expect(wallet.label).toBe('deposit');
    const a = lab.darkweb.orderDepositAddress('silkway');
    const b = lab.darkweb.orderDepositAddress('silkway', 'external-order');
    expect(a.walletId).toBe(wallet.id);
    expect(b.keyIndex).toBe(a.keyIndex + 1);
    expect(a.keyIndex).toBeGreaterThanOrEqual(lab.darkweb.data!.orderNumbering(market).count);
    for (const d of [a, b]) {
      expect(isValidAddress(d.address, 'mainnet')).toBe(true);
      expect(lab.darkweb.chain.addressUsed(d.address)).toBe(false);
    }
    const row = lab.ledger.db.prepare('SELECT order_id FROM lab_market_deposits WHERE address = ?').get(b.address) as { order_id: string };
    expect(row.order_id).toBe('external-order');
    // A fresh Darkweb over the same database continues after what was issued.
    const again = new Darkweb({ db: lab.ledger.db, seed: lab.ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false });
    expect(again.orderDepositAddress('silkway').keyIndex).toBe(b.keyIndex + 1);
    expect(() => lab.darkweb.orderDepositAddress('atlantis')).toThrow(/no market "atlantis" in this world \(markets: silkway, polarnaya\)/);
  });

  it('skips keys the chain has already seen', () => {
    const market = lab.darkweb.market('polarnaya')!;
    const used = lab.darkweb.deposits!.addressAt(market, 0);
    expect(lab.darkweb.chain.addressUsed(used.address)).toBe(true);
    const next = lab.darkweb.orderDepositAddress('polarnaya');
    expect(lab.darkweb.chain.addressUsed(next.address)).toBe(false);
  });
});

describe('keys', () => {
  it('vendor keys are dated at the vendor\'s join date and the same for every lab; warm() makes them all', async () => {
    const market = lab.darkweb.market('silkway')!;
    const vendor = lab.darkweb.data!.vendors(market)[2];
    const key = await lab.darkweb.vendorKey(vendor);
    const info = await readKeyInfo(key.publicArmored);
    expect(info.created.toISOString().slice(0, 10)).toBe(vendor.joined);
    expect(info.userIds).toEqual([vendor.handle]);
    expect(info.algorithm).toBe('ed25519');
    const other = new Darkweb({ db: lab.ledger.db, seed: lab.ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false });
    expect((await other.vendorKey(vendor)).publicArmored).toBe(key.publicArmored);
    const marketKey = await other.marketKey(market);
    const firstJoined = lab.darkweb.data!.vendors(market).map((v) => v.joined).sort()[0];
    expect(marketKey.created.getTime()).toBeLessThan(Date.parse(`${firstJoined}T00:00:00Z`));
    const vendors = lab.darkweb.data!.markets().reduce((n, m) => n + lab.darkweb.data!.vendors(m).length, 0);
    await other.warm();
    expect(other.keys.size).toBe(vendors + 2);
  });
});

describe('building on the kit', () => {
  it('mountSite gives a later site its address, registry entry and directory row', async () => {
    const registry = new OnionRegistry();
    const darkweb = new Darkweb({ db: lab.ledger.db, seed: lab.ledger.settings.seed, registry, warmKeys: false });
    const app = Fastify();
    const forum: FastifyPluginAsync<{ greeting: string; darkweb: Darkweb }> = async (site, opts) => {
      site.get('/', async () => `${opts.greeting} ${TRAINING_MARK}`);
    };
    await app.register(async (root) => {
      await root.register(darkwebPlugin, { darkweb });
      const site = await darkweb.mountSite(root, { id: 'test-forum', ref: 'forum:test', kind: 'forum', title: 'Forum', language: 'en' }, forum, { greeting: 'hello' });
      expect(site.onion).toBe(darkweb.onionFor('forum:test'));
    });
    await app.register(onionBrowser, { resolver: registry });
    const site = darkweb.site('test-forum')!;
    expect(registry.resolve(site.onion)?.mount).toBe('/sites/test-forum');
    expect((await app.inject({ url: `/onion/${site.onion}/` })).body).toBe(`hello ${TRAINING_MARK}`);
    expect(darkweb.directory().map((d) => d.id).slice(0, 2)).toEqual(['silkway', 'polarnaya']);
    expect(darkweb.directory().at(-1)).toMatchObject({ id: 'test-forum', kind: 'forum', url: onionUrl(site.onion) });
    await expect(darkweb.mountSite(app, { id: 'test-forum', ref: 'x', kind: 'forum', title: 'x', language: 'en' }, forum, { greeting: '' })).rejects.toThrow(/already mounted/);
    await app.close();
  });

  it('a read-only world keeps the lab\'s records in memory', async () => {
    const ledger = Ledger.open(lab.file, { readonly: true });
    const registry = new OnionRegistry();
    const darkweb = new Darkweb({ db: ledger.db, seed: ledger.settings.seed, registry, warmKeys: false });
    expect(darkweb.store.db).not.toBe(ledger.db);
    const app = Fastify();
    await app.register(darkwebPlugin, { darkweb });
    const c = new SiteClient(app, new Captcha(darkweb.siteSecret('silkway')));
    expect((await c.register('/sites/silkway', 'readonly_user')).statusCode).toBe(303);
    expect((await c.get('/sites/silkway/')).body).toContain('Logged in as readonly_user');
    await app.close();
    ledger.close();
  });

  it('a world without markets mounts no site and still starts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'onion-demo-')), 'demo.sqlite');
    const ledger = buildDemoChain(file, { blocks: 5 });
    const registry = new OnionRegistry();
    const app = Fastify();
    await app.register(darkwebPlugin, { db: ledger.db, seed: ledger.settings.seed, registry });
    await app.ready();
    const { sites } = (await app.inject({ url: '/sites/directory.json' })).json() as { sites: { kind: string }[] };
    expect(sites.filter((s) => s.kind === 'escrow-market' || s.kind === 'shop-market')).toEqual([]);
    expect(registry.list().filter((e) => e.mount === '/sites/silkway' || e.mount === '/sites/polarnaya')).toEqual([]);
    await app.close();
    ledger.close();
  });
});

describe('the lab server', () => {
  it('mounts the darkweb: the browser reaches both markets by their onion addresses', async () => {
    const ledger = Ledger.open(lab.file);
    const app = await buildServer({ ledger, logger: false });
    try {
      const all = (await app.inject({ url: '/sites/directory.json' })).json() as { sites: { id: string; onion: string }[] };
      const sites = all.sites.slice(0, 2);
      expect(sites.map((s) => s.id)).toEqual(['silkway', 'polarnaya']);
      for (const s of sites) {
        const res = await app.inject({ url: `/onion/${s.onion}/` });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(TRAINING_MARK);
      }
      const go = await app.inject({ url: `/browser/go?to=${sites[0].onion}.onion/rules` });
      expect(go.headers.location).toBe(`/onion/${sites[0].onion}.onion/rules`);
    } finally {
      await app.close();
      ledger.close();
    }
  });
});
