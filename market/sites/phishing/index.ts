// Phishing clones of the world's markets, as the world planted them (address_swap_theft trails):
// for each, a site that is the real market's own site code and templates fed a swapped data source
// (swapped-source.ts), served at a lookalike onion address (clones.ts), with the phisher's deposit
// addresses on its order pages (deposits.ts), the phisher's key signing its mirror list and canary,
// and a login form that posts elsewhere and asks for the withdrawal PIN (fake-login.ts). Each clone
// is recorded in gt_planted_sites with the evidence that gives it away. Clones are not listed in
// the lab's directory of public addresses: trainees find them where victims did, on the forum.
//
//   await registerPhishingClones(app, darkweb);   // after the markets are mounted
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import { lookalikeKey, type GeneratedKey } from '../../pgp/index.ts';
import { escrowMarketSite } from '../escrow-market/index.ts';
import { shopMarketSite } from '../shop-market/index.ts';
import { registerFormParser } from '../kit/forms.ts';
import { phishingClonePlans, type PhishingClonePlan } from './clones.ts';
import { PhishingDeposits } from './deposits.ts';
import { installFakeLogin, FAKE_LOGIN_ACTION } from './fake-login.ts';
import { plantedDb, recordPlantedSite, type PlantedSite } from './planted.ts';
import { swappedDarkweb } from './swapped-source.ts';

export { phishingClonePlans, phishingClonesInWorld, deriveCloneOnion, usableCloneOnion, CLONE_PREFIX_CHARS, CLONE_SUFFIX_CHARS } from './clones.ts';
export type { PhishingClonePlan, PhishingCloneTruth } from './clones.ts';
export { plantedSites, recordPlantedSite, plantedDb, PLANTED_SITES_SQL } from './planted.ts';
export type { PlantedSite, PlantedKind } from './planted.ts';
export { phishingCaptures, rewriteLoginPage, FAKE_LOGIN_ACTION } from './fake-login.ts';
export type { PhishingCapture } from './fake-login.ts';

/** Hex digits of the real market key's fingerprint the phisher's key repeats at its end ("…26E2"). */
export const PHISHER_KEY_MATCHING_DIGITS = 4;

const phisherKeys = new WeakMap<Darkweb, Map<string, Promise<GeneratedKey>>>();

/**
 * The phisher's key posing as the market's: same user ID, created shortly before the clone went
 * up, and ending in the same hex digits as the real key's fingerprint, so a page that shows a
 * truncated key ID looks right.
 */
export function phisherKey(darkweb: Darkweb, plan: PhishingClonePlan): Promise<GeneratedKey> {
  let cache = phisherKeys.get(darkweb);
  if (!cache) phisherKeys.set(darkweb, (cache = new Map()));
  let key = cache.get(plan.onion);
  if (!key) {
    const spec = darkweb.marketKeySpec(plan.market);
    key = darkweb.marketKey(plan.market).then(async (real) => {
      const created = new Date((plan.time - 3 * 3600) * 1000);
      const { lookalike } = await lookalikeKey(real.fingerprint, { seed: darkweb.keys.seedFor(plan.phisherRef), name: spec.name, created }, { hexDigits: PHISHER_KEY_MATCHING_DIGITS });
      return lookalike;
    });
    key.catch(() => cache!.delete(plan.onion));
    cache.set(plan.onion, key);
  }
  return key;
}

interface CloneSiteOptions {
  darkweb: Darkweb;
  plan: PhishingClonePlan;
  swapped: Darkweb;
  site: DarkwebSite;
}

/** The clone: the fake login around the real market's plugin, all at the clone's mount. */
const phishingCloneSite: FastifyPluginAsync<CloneSiteOptions> = async (app, opts) => {
  const { darkweb, plan, swapped, site } = opts;
  registerFormParser(app);
  installFakeLogin(app, { mount: site.mount, onion: plan.onion, labDb: darkweb.store.db, defaultLang: plan.market.language, now: () => darkweb.chain.now() });
  const plugin = plan.market.model === 'shop' ? shopMarketSite : escrowMarketSite;
  await app.register(plugin, { darkweb: swapped, market: plan.market, site });
};

/** The answer-key row for a clone. */
async function plantedRow(darkweb: Darkweb, plan: PhishingClonePlan, deposits: PhishingDeposits): Promise<PlantedSite> {
  const [real, fake] = await Promise.all([darkweb.marketKey(plan.market), phisherKey(darkweb, plan)]);
  return {
    onion: plan.onion,
    kind: 'phishing-clone',
    ref: plan.phisherRef,
    realOnion: plan.realOnion,
    title: plan.market.name,
    evidence: {
      market: plan.market.ref,
      trail: plan.trailId,
      phisherEntityId: plan.phisherEntityId,
      onionSource: plan.onionSource,
      recordedOnion: plan.recordedOnion,
      sharedPrefix: plan.onion.slice(0, 6),
      realMirrors: plan.realSite.addresses,
      depositAddresses: deposits.addresses(),
      phishingWalletId: plan.walletId,
      realKeyFingerprint: real.fingerprint,
      cloneKeyFingerprint: fake.fingerprint,
      mirrorsTxt: 'signed with the clone key, not the market key',
      loginPostsTo: FAKE_LOGIN_ACTION,
      asksFor: ['withdraw_pin', 'mnemonic'],
      since: plan.time,
    },
  };
}

/**
 * Mounts every phishing clone the world planted, publishes its address in the onion registry and
 * records it in gt_planted_sites. Returns the clones' site descriptions (not added to the
 * directory). Register after the real markets.
 */
export async function registerPhishingClones(app: FastifyInstance, darkweb: Darkweb): Promise<DarkwebSite[]> {
  if (!darkweb.data) return [];
  const out: DarkwebSite[] = [];
  const answers = plantedDb(darkweb.db, darkweb.store.db);
  for (const plan of phishingClonePlans(darkweb)) {
    if (plan.addresses.length === 0 && plan.walletId === null) continue;
    const deposits = new PhishingDeposits(darkweb.db, darkweb.store.db, darkweb.seed, plan, darkweb.chain);
    const swapped = swappedDarkweb(darkweb, { plan, deposits, phisherKey: () => phisherKey(darkweb, plan) });
    const site: DarkwebSite = {
      ...plan.realSite,
      id: plan.siteId,
      mount: `/sites/${plan.siteId}`,
      onion: plan.onion,
      mirrors: [],
      addresses: [plan.onion],
    };
    await app.register(phishingCloneSite, { prefix: site.mount, darkweb, plan, swapped, site });
    if (!darkweb.registry.resolve(plan.onion)) darkweb.registry.add(plan.onion, { title: site.title, mount: site.mount });
    recordPlantedSite(answers, await plantedRow(darkweb, plan, deposits));
    out.push(site);
  }
  return out;
}
