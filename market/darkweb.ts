// The lab's darkweb: the world's markets as onion sites. One object (`Darkweb`) holds what every
// site shares — the world's market content (MarketData), the public chain (ChainView), the lab's
// own tables (LabStore), the actors' PGP keys, order deposit addresses — and knows each site's
// onion addresses, which are a pure function of the world seed. `darkwebPlugin` mounts every site
// under /sites/<id>/ and publishes its addresses in the OnionRegistry:
//
//   const onions = new OnionRegistry();
//   await app.register(darkwebPlugin, { db: ledger.db, seed: ledger.settings.seed, registry: onions });
//   await app.register(onionBrowser, { resolver: onions });
//
// Sites built later on the same kit (forum, vendor shops, exchanger, phishing clones) use
// `darkweb.mountSite(app, …)` so they get an address the same way and appear in the directory.
// See docs/darkweb.md.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import Database from 'better-sqlite3';
import type { Db } from '../chain/store/open.ts';
import { getMeta } from '../chain/store/open.ts';
import { Rng } from '../chain/rng.ts';
import { deriveOnion } from './onion/index.ts';
import type { OnionRegistry, SeizureNotice } from './browser/index.ts';
import type { GeneratedKey } from './pgp/index.ts';
import { ChainView } from './sites/kit/chain.ts';
import { MarketData, type MarketInfo, type VendorInfo } from './sites/kit/data.ts';
import { DepositAddresses, type DepositAddress } from './sites/kit/deposits.ts';
import { PgpKeyRing, marketKeyCreated, vendorKeyCreated, type KeySpec } from './sites/kit/keys.ts';
import { SignedDocuments } from './sites/kit/signed.ts';
import { LabStore } from './sites/kit/store.ts';
import { escrowMarketSite } from './sites/escrow-market/index.ts';
import { shopMarketSite } from './sites/shop-market/index.ts';
// Sites helper (forum, vendor shops, exchangers, phishing clones): see market/sites/{forum,vendor-shop,exchanger,phishing}/.
import { registerForum } from './sites/forum/index.ts';
import { registerVendorShops } from './sites/vendor-shop/index.ts';
import { registerExchangers } from './sites/exchanger/index.ts';
import { registerPhishingClones } from './sites/phishing/index.ts';
import type { LiveWorld } from '../sim/live/index.ts';

/** What kind of site an address leads to (later helpers add 'forum', 'vendor-shop', 'exchanger', 'phishing'). */
export type SiteKind = 'escrow-market' | 'shop-market' | 'forum' | 'vendor-shop' | 'exchanger' | 'phishing' | (string & {});

export interface DarkwebSite {
  /** Mount id: the site lives at /sites/<id>/. */
  id: string;
  /** The world actor it belongs to: 'market:silkway'. */
  ref: string;
  kind: SiteKind;
  title: string;
  mount: string;
  /** Primary onion address (56 characters, no ".onion"). */
  onion: string;
  /** Further addresses serving the same site (the market's mirrors), primary first in `addresses`. */
  mirrors: string[];
  addresses: string[];
  language: 'en' | 'ru';
}

/**
 * What the world's events recorded on a market (gt_entities.attrs, see sim/events/): 'seized' with
 * the seizing agency's banner, 'maintenance' while withdrawals are frozen, 'exit_scam' once its
 * operators left behind the maintenance notice; null for a market running normally.
 */
export interface MarketStatus {
  status: string | null;
  notice: string | null;
  banner: { agency?: string; country?: string } | null;
}

/** One row of the trainee-facing directory of public addresses. */
export interface DirectoryEntry {
  id: string;
  title: string;
  kind: SiteKind;
  ref: string;
  language: 'en' | 'ru';
  onion: string;
  url: string;
  mirrors: string[];
}

export interface DarkwebOptions {
  /** The world database (the ledger's db): gt_market_* content and the public chain. */
  db: Db;
  /** The world seed (ledger.settings.seed): onion addresses, keys and captchas derive from it. */
  seed: string;
  registry: OnionRegistry;
  /** Where the lab keeps trainees' accounts, messages and orders; default the world db (an in-memory db if that is read-only). */
  labDb?: Db;
  /** Mirrors per market besides the primary address. Default 2. */
  mirrors?: number;
  /** Generate every vendor's key in the background after start. Default true. */
  warmKeys?: boolean;
  /**
   * The live world (lab/server.ts's app.live). With it, the markets' orders are live orders: their
   * deposit addresses, amounts and states come from it, and the markets move the money block by block.
   */
  live?: LiveWorld;
}

interface WorldMeta {
  startDate?: string;
  instantExchangers?: { id: string; name: string; fee: number; language?: string }[];
}

function worldMeta(db: Db): WorldMeta {
  try {
    const raw = getMeta(db, 'world');
    const parsed = raw ? (JSON.parse(raw) as { options?: WorldMeta }) : {};
    return parsed.options ?? {};
  } catch {
    return {};
  }
}

export class Darkweb {
  readonly seed: string;
  readonly db: Db;
  readonly registry: OnionRegistry;
  readonly chain: ChainView;
  readonly store: LabStore;
  /** null for a world without markets (a bare demo chain). */
  readonly data: MarketData | null;
  readonly deposits: DepositAddresses | null;
  readonly keys: PgpKeyRing;
  readonly signed = new SignedDocuments();
  readonly sites: DarkwebSite[] = [];
  private readonly meta: WorldMeta;
  private readonly mirrorCount: number;
  private entityAttrs: Database.Statement | null = null;
  readonly warmKeys: boolean;
  /** Orders placed on the markets are live orders when the lab runs a live world. */
  readonly live: LiveWorld | null;

  constructor(opts: DarkwebOptions) {
    if (!opts?.db) throw new TypeError('the darkweb needs the world database (db)');
    if (typeof opts.seed !== 'string' || opts.seed === '') throw new TypeError('the darkweb needs the world seed');
    if (!opts.registry || typeof opts.registry.add !== 'function') throw new TypeError('the darkweb needs an OnionRegistry');
    this.seed = opts.seed;
    this.db = opts.db;
    this.registry = opts.registry;
    this.mirrorCount = opts.mirrors ?? 2;
    this.warmKeys = opts.warmKeys ?? true;
    this.live = opts.live ?? null;
    const labDb = opts.labDb ?? (opts.db.readonly ? new Database(':memory:') : opts.db);
    this.chain = new ChainView(opts.db);
    this.store = new LabStore(labDb);
    this.data = MarketData.available(opts.db) ? new MarketData(opts.db) : null;
    this.deposits = this.data ? new DepositAddresses(opts.db, labDb, opts.seed, this.data, this.chain) : null;
    this.keys = new PgpKeyRing(opts.seed);
    this.meta = worldMeta(opts.db);
    for (const m of this.data?.markets() ?? []) {
      this.sites.push(this.describe({ id: m.id, ref: m.ref, kind: m.model === 'shop' ? 'shop-market' : 'escrow-market', title: m.name, language: m.language, mirrors: this.mirrorCount }));
    }
  }

  /** The onion address of a world actor's site: deterministic in the world seed and the ref (mirror 0 is the primary). */
  onionFor(ref: string, mirror = 0): string {
    if (typeof ref !== 'string' || ref === '') throw new TypeError('onionFor needs an actor ref such as "market:silkway"');
    if (!Number.isInteger(mirror) || mirror < 0) throw new RangeError('mirror is a whole number ≥ 0');
    return deriveOnion(Rng.fromSeed(this.seed).fork('darkweb/onion').fork(mirror === 0 ? ref : `${ref}/mirror/${mirror}`));
  }

  /** A 32-byte secret for a site (captchas), from the world seed. */
  siteSecret(id: string): Uint8Array {
    return Rng.fromSeed(this.seed).fork('darkweb/site-secret').fork(id).bytes(32);
  }

  private describe(s: { id: string; ref: string; kind: SiteKind; title: string; language: 'en' | 'ru'; mirrors: number }): DarkwebSite {
    const addresses = Array.from({ length: 1 + s.mirrors }, (_, i) => this.onionFor(s.ref, i));
    return { id: s.id, ref: s.ref, kind: s.kind, title: s.title, mount: `/sites/${s.id}`, onion: addresses[0], mirrors: addresses.slice(1), addresses, language: s.language };
  }

  site(id: string): DarkwebSite | undefined {
    return this.sites.find((s) => s.id === id);
  }

  market(id: string): MarketInfo | undefined {
    return this.data?.market(id);
  }

  /**
   * The next unused deposit address of a market's deposit wallet (see kit/deposits.ts), recorded as
   * issued. For the undercover purchase and the sites' order forms.
   */
  orderDepositAddress(marketId: string, orderId: string | null = null): DepositAddress {
    if (!this.deposits) throw new RangeError('this world has no markets');
    if (this.live) {
      // One allocator while the world is live: the live world's keys are not in lab_market_deposits.
      const market = this.market(marketId);
      if (!market) throw new RangeError(`no market ${JSON.stringify(marketId)} in this world`);
      const { keyIndex } = this.live.freshKey(market.depositWallet, 'deposit');
      return this.deposits.addressAt(market, keyIndex);
    }
    return this.deposits.next(marketId, orderId);
  }

  /** The market's status as the world's events recorded it (read now: an instructor's event may change it). */
  marketStatus(marketId: string): MarketStatus {
    const market = this.market(marketId);
    if (!market) throw new RangeError(`no market ${JSON.stringify(marketId)} in this world`);
    this.entityAttrs ??= this.db.prepare('SELECT attrs FROM gt_entities WHERE id = ?');
    const row = this.entityAttrs.get(market.entityId) as { attrs: string | null } | undefined;
    let attrs: { status?: unknown; notice?: unknown; banner?: unknown } = {};
    try {
      attrs = row?.attrs ? (JSON.parse(row.attrs) as typeof attrs) : {};
    } catch {
      attrs = {};
    }
    const banner = attrs.banner && typeof attrs.banner === 'object' ? (attrs.banner as MarketStatus['banner']) : null;
    return { status: typeof attrs.status === 'string' ? attrs.status : null, notice: typeof attrs.notice === 'string' ? attrs.notice : null, banner };
  }

  /** True while a market shows only its maintenance notice: its operators exit-scammed behind it. */
  marketClosed(marketId: string): boolean {
    const s = this.marketStatus(marketId);
    return s.status === 'exit_scam' && s.notice === 'maintenance';
  }

  /**
   * Puts the world's ground truth on the onion registry: every address of a market the world's
   * events seized shows the seizure banner (naming the event's agency). Returns the ids of the sites
   * it seized. Called at start; call again after an event changes a market while the lab runs.
   */
  applyWorldStatus(): string[] {
    const seized: string[] = [];
    for (const site of this.sites) {
      if (!this.market(site.id)) continue;
      const { status, banner } = this.marketStatus(site.id);
      if (status !== 'seized') continue;
      const notice: SeizureNotice = {
        agencies: banner?.agency ? [banner.agency] : undefined,
        text: [
          `This hidden site, ${site.title}, has been seized${banner?.agency ? ` by the ${banner.agency}` : ''} as part of a law enforcement action.`,
          'Its servers, wallets and user data are now in the hands of the investigating authorities.',
        ],
      };
      for (const address of site.addresses) if (this.registry.resolve(address)?.status !== 'seized') this.registry.seize(address, notice);
      seized.push(site.id);
    }
    return seized;
  }

  vendorKeySpec(vendor: VendorInfo): KeySpec {
    return { ref: vendor.ref, name: vendor.handle, created: vendorKeyCreated(this.seed, vendor) };
  }

  /** A vendor's OpenPGP key (generated on first use, then cached). */
  vendorKey(vendor: VendorInfo): Promise<GeneratedKey> {
    return this.keys.key(this.vendorKeySpec(vendor));
  }

  marketKeySpec(market: MarketInfo): KeySpec {
    const vendors = this.data?.vendors(market) ?? [];
    const created = marketKeyCreated(this.seed, market, vendors, this.meta.startDate ?? '2020-01-01');
    return { ref: market.ref, name: `${market.name} (market key)`, created };
  }

  /** A market's signing key (mirror lists, canary). */
  marketKey(market: MarketInfo): Promise<GeneratedKey> {
    return this.keys.key(this.marketKeySpec(market));
  }

  /** An instant exchanger of the world's options ('bystrokoin'), with the onion its site has (or will have). */
  exchanger(id: string): { id: string; ref: string; name: string; fee: number; onion: string } | null {
    const x = this.meta.instantExchangers?.find((e) => e.id === id);
    if (!x) return null;
    const ref = `exchanger:${x.id}`;
    return { id: x.id, ref, name: x.name, fee: x.fee, onion: this.onionFor(ref) };
  }

  /** Every site's public addresses, for the forum's link lists and the lab's directory page. */
  directory(): DirectoryEntry[] {
    // Addresses here are canonical already; onionUrl would validate the key again on every call.
    return this.sites.map((s) => ({ id: s.id, title: s.title, kind: s.kind, ref: s.ref, language: s.language, onion: s.onion, url: `http://${s.onion}.onion/`, mirrors: s.mirrors }));
  }

  /**
   * Mounts another site built on the kit at /sites/<id>/, gives it the addresses of `ref`
   * (onionFor) and lists it in the directory. For the later sites (forum, shops, exchanger, clones).
   */
  async mountSite<O extends Record<string, unknown>>(
    app: FastifyInstance,
    spec: { id: string; ref: string; kind: SiteKind; title: string; language: 'en' | 'ru'; mirrors?: number; addresses?: string[] },
    plugin: FastifyPluginAsync<O & { darkweb: Darkweb; site: DarkwebSite }>,
    options: O,
  ): Promise<DarkwebSite> {
    if (this.site(spec.id)) throw new RangeError(`a site with id ${JSON.stringify(spec.id)} is already mounted`);
    const site = this.describe({ ...spec, mirrors: spec.mirrors ?? 0 });
    if (spec.addresses?.length) {
      site.addresses = [...spec.addresses];
      site.onion = site.addresses[0];
      site.mirrors = site.addresses.slice(1);
    }
    await app.register(plugin, { ...options, darkweb: this, site, prefix: site.mount } as O & { darkweb: Darkweb; site: DarkwebSite });
    this.sites.push(site);
    this.publish(site);
    return site;
  }

  publish(site: DarkwebSite): void {
    for (const address of site.addresses) if (!this.registry.resolve(address)) this.registry.add(address, { title: site.title, mount: site.mount });
  }

  /** Background key generation for every vendor and market (about 3 ms a key, between requests). */
  warm(): Promise<number> {
    if (!this.data) return Promise.resolve(0);
    const data = this.data;
    const specs = function* (dw: Darkweb): Generator<KeySpec> {
      for (const m of data.markets()) {
        yield dw.marketKeySpec(m);
        for (const v of data.vendors(m)) yield dw.vendorKeySpec(v);
      }
    };
    return this.keys.warm(specs(this));
  }

  close(): void {
    this.keys.stop();
  }
}

export type DarkwebPluginOptions = DarkwebOptions | { darkweb: Darkweb };

/**
 * Mounts the world's market sites (/sites/<id>/), publishes their addresses in the registry, and
 * serves the directory of public addresses at /sites/directory.json. Register it at the root.
 */
export const darkwebPlugin: FastifyPluginAsync<DarkwebPluginOptions> = async (app, opts) => {
  const darkweb = 'darkweb' in opts ? opts.darkweb : new Darkweb(opts);
  for (const site of darkweb.sites) {
    const market = darkweb.market(site.id);
    if (!market) continue;
    const plugin = market.model === 'shop' ? shopMarketSite : escrowMarketSite;
    await app.register(plugin, { prefix: site.mount, darkweb, market, site });
    darkweb.publish(site);
  }
  // Markets the world's events seized show the seizure banner from the start.
  darkweb.applyWorldStatus();
  // --- Sites helper: the sites built on the kit, after the markets they copy or link to. ---
  await registerVendorShops(app, darkweb);
  await registerExchangers(app, darkweb);
  await registerPhishingClones(app, darkweb); // not listed in the directory: trainees find them on the forum
  await registerForum(app, darkweb); // last: its posts link to every site above
  // --- end of the sites helper's registrations ---
  app.get('/sites/directory.json', async (_req, reply) => reply.header('cache-control', 'no-store').send({ sites: darkweb.directory() }));
  app.addHook('onReady', async () => {
    if (darkweb.warmKeys) void darkweb.warm();
  });
  app.addHook('onClose', async () => darkweb.close());
};

export { MarketData, ChainView, LabStore, PgpKeyRing, DepositAddresses, SignedDocuments };
export type { MarketInfo, VendorInfo, DepositAddress };
