// The phishing clones the world planted (sim/typologies/address-swap-theft.ts): each trail's
// 'phishing_clone' gt_events row (or, failing that, the phisher entity's attrs) names the market
// cloned, the onion the generator wrote down and the addresses the clone swaps in. The clone's
// site needs a real v3 address that starts like the real market's *site* address, which the world
// generator cannot know (site addresses are the darkweb layer's), so the address it recorded is
// used only when it is a valid v3 address sharing the market's prefix; otherwise a lookalike of
// the market's primary address is derived from the world seed and the trail id.
import type { Db } from '../../../chain/store/open.ts';
import { Rng } from '../../../chain/rng.ts';
import { isValidOnion, lookalikeOnion, normalizeOnion } from '../../onion/index.ts';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import type { MarketInfo } from '../kit/data.ts';
import type { AddressKind } from '../../../chain/types.ts';

/** Characters of the real address a clone's address repeats at the start and at the end. */
export const CLONE_PREFIX_CHARS = 6;
export const CLONE_SUFFIX_CHARS = 2;

/** What the world's ground truth says about one phishing clone. */
export interface PhishingCloneTruth {
  trailId: string;
  phisherEntityId: number;
  phisherName: string;
  /** 'market:silkway' */
  marketRef: string;
  /** The onion the world generator recorded (normalized when it parses; as written otherwise), or null. */
  recordedOnion: string | null;
  /** Deposit addresses the clone swaps in, in the order the generator made them. */
  addresses: string[];
  /** When the clone went up (the gt_events row's time and height). */
  time: number;
  height: number;
  /** gt_wallets.id of the phisher's 'phishing' wallet, which the swapped addresses belong to. */
  walletId: number | null;
  walletKind: AddressKind | null;
}

/** A clone as the lab serves it. */
export interface PhishingClonePlan extends PhishingCloneTruth {
  market: MarketInfo;
  realSite: DarkwebSite;
  /** The real market's primary address, which the clone imitates. */
  realOnion: string;
  /** The clone's address (56 characters, no ".onion"). */
  onion: string;
  onionSource: 'ground-truth' | 'derived';
  /** Mount id: the clone lives at /sites/<siteId>/. */
  siteId: string;
  /** The phisher as an actor ref, for keys and the answer key. */
  phisherRef: string;
}

function parseJson(text: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(text ?? '{}'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function canonicalOrRaw(onion: unknown): string | null {
  if (typeof onion !== 'string' || onion === '') return null;
  try {
    return normalizeOnion(onion);
  } catch {
    return onion;
  }
}

/** The clones recorded in the world's ground truth, oldest first. */
export function phishingClonesInWorld(db: Db): PhishingCloneTruth[] {
  const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gt_events'").get();
  if (!hasEvents) return [];
  const events = db.prepare("SELECT time, height, entity_id, attrs FROM gt_events WHERE kind = 'phishing_clone' ORDER BY time, id").all() as {
    time: number; height: number; entity_id: number | null; attrs: string;
  }[];
  const entity = db.prepare('SELECT name, attrs FROM gt_entities WHERE id = ?');
  const wallet = db.prepare("SELECT id, address_kind FROM gt_wallets WHERE entity_id = ? AND label = 'phishing' ORDER BY id LIMIT 1");
  const out: PhishingCloneTruth[] = [];
  for (const e of events) {
    if (e.entity_id === null) continue;
    const a = parseJson(e.attrs);
    const who = entity.get(e.entity_id) as { name: string; attrs: string } | undefined;
    const attrs = { ...parseJson(who?.attrs), ...a };
    const market = typeof attrs.market === 'string' ? attrs.market : typeof attrs.clones === 'string' ? attrs.clones : null;
    if (!market) continue;
    const w = wallet.get(e.entity_id) as { id: number; address_kind: AddressKind } | undefined;
    out.push({
      trailId: typeof attrs.trail === 'string' ? attrs.trail : `clone-${out.length}`,
      phisherEntityId: e.entity_id,
      phisherName: who?.name ?? 'phisher',
      marketRef: market,
      recordedOnion: canonicalOrRaw(attrs.onion),
      addresses: strings(attrs.addresses),
      time: e.time,
      height: e.height,
      walletId: w?.id ?? null,
      walletKind: w?.address_kind ?? null,
    });
  }
  return out;
}

/** Whether `candidate` can serve as the clone of `real`: a valid v3 address, not `real`, sharing its prefix. */
export function usableCloneOnion(candidate: string | null, real: string, prefixChars = CLONE_PREFIX_CHARS): candidate is string {
  return candidate !== null && isValidOnion(candidate) && candidate !== real && candidate.slice(0, prefixChars) === real.slice(0, prefixChars);
}

/** The clone's address for a trail: deterministic in the world seed and the trail id. */
export function deriveCloneOnion(seed: string, trailId: string, real: string): string {
  return lookalikeOnion(real, Rng.fromSeed(seed).fork('darkweb/phishing-onion').fork(trailId), CLONE_PREFIX_CHARS, CLONE_SUFFIX_CHARS);
}

const plansOf = new WeakMap<Darkweb, PhishingClonePlan[]>();

/**
 * The clones the lab serves: one per recorded clone of a market that has a site (a clone of a
 * stand-in market made up for a trail has nothing to copy). Computed once per Darkweb.
 */
export function phishingClonePlans(darkweb: Darkweb): PhishingClonePlan[] {
  const cached = plansOf.get(darkweb);
  if (cached) return cached;
  const plans: PhishingClonePlan[] = [];
  const used = new Set<string>();
  for (const truth of phishingClonesInWorld(darkweb.db)) {
    const market = darkweb.data?.markets().find((m) => m.ref === truth.marketRef);
    const realSite = market ? darkweb.site(market.id) : undefined;
    if (!market || !realSite) continue;
    const realOnion = realSite.onion;
    const recorded = usableCloneOnion(truth.recordedOnion, realOnion) && !used.has(truth.recordedOnion) ? truth.recordedOnion : null;
    const onion = recorded ?? deriveCloneOnion(darkweb.seed, truth.trailId, realOnion);
    used.add(onion);
    // The mount path never shows in the browser, but nothing in it should name the site's purpose either.
    const slug = Rng.fromSeed(darkweb.seed).fork('darkweb/phishing-mount').fork(truth.trailId).u32().toString(36);
    plans.push({
      ...truth,
      market,
      realSite,
      realOnion,
      onion,
      onionSource: recorded ? 'ground-truth' : 'derived',
      siteId: `s-${slug}-${plans.length}`,
      phisherRef: `trail:${truth.trailId}/phisher`,
    });
  }
  plansOf.set(darkweb, plans);
  return plans;
}
