// Address-swap theft: a phisher runs a clone of a market's onion site that passes everything
// through but swaps each order's deposit address for one of its own. Buyers who land on the clone
// pay the phisher instead of the market. When the campaign ends the phisher gathers the stolen
// deposits into one coin and moves it on (a peel chain to an exchange, straight to an exchange,
// or through a mixer). The clone's onion address and the swapped addresses are recorded (phisher
// entity attrs and a 'phishing_clone' gt_events row) for the market web pages of a later issue.
import type { World } from '../world.ts';
import { SimWallet, type Receiver } from '../sim-wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { AddressKind } from '../../chain/types.ts';
import type { Rng } from '../../chain/rng.ts';
import type { TrailOptions } from '../options.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { orderUsd } from '../calibration/distributions.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import { TrailParamError, type CommonParams, type Range } from './params.ts';
import { newActor, resolveActor, walletOf, type TrailActor } from './actor.ts';
import { readPeelPlan, runPeelChain, type PeelPlan } from './peel-chain.ts';
import { cashOut, serviceNamed, type MixerApi } from './services.ts';
import { mixThrough } from './mixer-pass.ts';
import { spreadOffsets } from './amounts.ts';

export interface AddressSwapTheftParams extends CommonParams, PeelPlan {
  market?: string;
  victims: Range;
  spreadHours: Range;
  orderUsd?: Range;
  holdMinutes: Range;
  then: 'peel' | 'exchange' | 'mixer';
  mixer?: string;
}

/** What the phisher needs to know about the market it clones. */
interface Cloned {
  ref: string;
  entityId: number;
  name: string;
  depositKind: AddressKind;
  buyers: { wallet: SimWallet; entityId: number; exchange?: Exchange }[];
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A v3-style onion name that starts like the market's (vanity prefixes are what clones copy). */
function cloneOnion(marketId: string, rng: Rng): string {
  const prefix = marketId.toLowerCase().replace(/[^a-z2-7]/g, '').slice(0, 5);
  let s = prefix;
  while (s.length < 55) s += BASE32[rng.int(0, 31)];
  return `${s}d.onion`;
}

/** The market named by `ref` ('market:<id>') or a stand-in made for the trail ('new:market'). */
function clonedMarket(world: World, ref: string, trailId: string, path: string, rng: Rng): Cloned {
  if (ref === 'new:market') {
    const key = `trail:${trailId}/market`;
    const existing = world.registry.get(key) as Cloned | undefined;
    if (existing) return existing;
    const name = `${world.names.handle(rng)} Market`;
    const entityId = world.engine.entity('market', name, null, { standIn: true, trail: trailId });
    const m: Cloned = { ref, entityId, name, depositKind: 'p2pkh', buyers: [] };
    world.register(key, m);
    return m;
  }
  const obj = world.registry.get(ref) as Record<string, unknown> | undefined;
  if (!obj || typeof obj.entityId !== 'number') {
    const markets = [...world.registry.keys()].filter((k) => /^market:[^/]+$/.test(k));
    throw new TrailParamError(path, `no market named ${JSON.stringify(ref)}; known: ${[...markets, 'new:market'].join(', ')}`);
  }
  const deposit = obj.depositWallet instanceof SimWallet ? obj.depositWallet : undefined;
  const buyers = Array.isArray(obj.buyers)
    ? (obj.buyers as Record<string, unknown>[]).flatMap((b) => {
        const wallet = walletOf(b);
        return wallet && typeof b.entityId === 'number' ? [{ wallet, entityId: b.entityId, exchange: b.exchange as Exchange | undefined }] : [];
      })
    : [];
  return { ref, entityId: obj.entityId, name: typeof obj.name === 'string' ? obj.name : ref, depositKind: deposit?.kind ?? 'p2pkh', buyers };
}

function isMarketRef(ref: string): boolean {
  return ref === 'new:market' || /^market:[^/]+$/.test(ref);
}

/** The market a trail's phisher clones: params.market, else the trail's actor if it is a market, else the first market. */
function marketRefOf(world: World, trail: TrailOptions, p: AddressSwapTheftParams): string {
  if (p.market) return p.market;
  if (isMarketRef(trail.actor)) return trail.actor;
  return [...world.registry.keys()].find((k) => /^market:[^/]+$/.test(k)) ?? 'new:market';
}

export const addressSwapTheft = defineTypology<AddressSwapTheftParams>({
  name: 'address_swap_theft',
  summary: "a phishing clone of a market swaps order deposit addresses; buyers pay the phisher, who gathers the stolen deposits and moves them on",
  params: {
    market: "'market:<id>' | 'new:market' (default: the trail's actor when it is a market, else the world's first market, else a stand-in) — the market cloned; the trail's actor may instead be the phisher ('new:phisher')",
    victims: 'whole number | [min, max], 1–2000 (default [15, 60]) — buyers who pay the clone',
    spreadHours: 'number | [min, max], 1–720 (default [48, 168]) — how long the clone collects payments',
    orderUsd: 'number | [min, max] (default: drawn per order from the calibrated order size) — what each victim pays',
    holdMinutes: 'number | [min, max] (default [120, 2880]) — wait after the campaign before the stolen deposits are gathered',
    then: "'peel' | 'exchange' | 'mixer' (default 'peel') — how the gathered coin moves on: a peel chain ending at `end`, a deposit at `end`, or a mixer pass then `end`",
    mixer: "'mixer:<id>' (with then = 'mixer'; default the world's first mixer)",
    hops: 'as peel_chain (default [3, 8])',
    peelShare: 'as peel_chain',
    peelTo: 'as peel_chain',
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — where the stolen money is finally deposited (the phisher's own account)",
    delayMinutes: 'as peel_chain (also the wait before deposits)',
    amountBtc: 'ignored: the take is what the victims pay',
    amountUsd: 'ignored: the take is what the victims pay',
  },
  amount: { unit: 'usd', range: [1, 1] },
  spends: false,
  read: (r, common) => {
    const market = r.raw('market') === 'new:market' ? 'new:market' : r.ref('market', 'market', undefined);
    return {
      ...common,
      ...readPeelPlan(r, { hops: [3, 8] }),
      market,
      victims: r.range('victims', 1, 2_000, [15, 60], true),
      spreadHours: r.range('spreadHours', 1, 720, [48, 168]),
      orderUsd: r.has('orderUsd') ? r.range('orderUsd', 1, 100_000, [0, 0]) : undefined,
      holdMinutes: r.range('holdMinutes', 0, 43_200, [120, 2_880]),
      then: r.oneOf('then', ['peel', 'exchange', 'mixer'] as const, 'peel'),
      mixer: r.ref('mixer', 'mixer', undefined),
    };
  },
  check(world, p, path) {
    if (p.then === 'mixer') serviceNamed<MixerApi>(world, 'mixer', p.mixer, 'mix', `${path}.mixer`);
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  actor(world, trail, p, path, rng): TrailActor {
    const marketRef = marketRefOf(world, trail, p);
    const market = clonedMarket(world, marketRef, trail.id, p.market ? `${path}.params.market` : `${path}.actor`, rng);
    const onion = cloneOnion(market.ref === 'new:market' ? market.name : market.ref.replace(/^market:/, ''), rng);
    const phisher = isMarketRef(trail.actor)
      ? newActor(world, 'phisher', rng, p.addressKind, { clones: market.ref, onion, trail: trail.id })
      : resolveActor(world, trail.actor, trail.id, `${path}.actor`, rng, p.addressKind);
    if (isMarketRef(trail.actor)) world.register(`trail:${trail.id}/phisher`, phisher);
    world.register(`trail:${trail.id}/clone`, { market, onion });
    return phisher;
  },
  start(run, p) {
    const world = run.world;
    const e = run.engine;
    const rng = run.rng;
    const { market, onion } = world.resolve<{ market: Cloned; onion: string }>(`trail:${run.id}/clone`);
    const phisher = run.actor;
    delete run.amounts.planned;
    const phishing = e.wallet(phisher.entityId, 'phishing', market.depositKind, { feeFactor: 0.9 });
    const n = rng.int(p.victims[0], p.victims[1]);
    const swapped: Receiver[] = Array.from({ length: n }, () => phishing.freshAddress('phishing_deposit'));
    const addresses = swapped.map((r) => phishing.addressOf(r.script));
    run.extras.market = market.ref;
    run.extras.onion = onion;
    run.extras.phishingAddresses = addresses;
    e.truth.setEntityAttrs(phisher.entityId, { clones: market.ref, marketEntityId: market.entityId, onion, addresses, trail: run.id });
    e.truth.event('phishing_clone', e.now, e.height, phisher.entityId, { market: market.ref, marketEntityId: market.entityId, onion, addresses, trail: run.id });

    // The victims: the market's own buyers when it has them, else new buyers of the stand-in.
    const pool = market.buyers.slice();
    rng.shuffle(pool);
    const victims = Array.from({ length: n }, (_, i) =>
      pool[i] ?? (() => {
        const b = newActor(world, 'buyer', rng, undefined, { trail: run.id }, market.entityId);
        return { wallet: b.wallet, entityId: b.entityId, exchange: undefined };
      })(),
    );
    const spread = p.spreadHours[0] + (p.spreadHours[1] - p.spreadHours[0]) * rng.float();
    const offsets = spreadOffsets(n, spread, rng);
    const deadline = e.now + spread * 3_600 + p.maxWaitDays * 86_400;
    const stolen: WalletUtxo[] = [];
    const paid: number[] = [];
    run.amounts.payments = paid;
    let settled = 0;
    const settle = () => {
      if (++settled < n) return;
      run.extras.victims = stolen.length;
      if (stolen.length === 0) return run.fail('stalled', 'no victim paid the clone');
      run.later(run.delay(p.holdMinutes), () => moveOn());
    };

    victims.forEach((v, i) => {
      run.at(e.now + offsets[i], () => {
        const usd = p.orderUsd ? p.orderUsd[0] + (p.orderUsd[1] - p.orderUsd[0]) * rng.float() : orderUsd(rng);
        const value = usdToSats(usd, e.now);
        const pay = () => {
          const sent = run.pay(v.wallet, [{ to: swapped[i], value }], {
            stage: 0,
            intent: 'order_payment',
            hold: [0],
            attrs: { phished: true, clone: onion, market: market.ref },
            then: (_s, [coin]) => {
              stolen.push(coin);
              paid.push(value);
              settle();
            },
          });
          if (!sent) settle();
        };
        if (e.balance(v.wallet) >= value + 30_000) return pay();
        // Buyers buy the coins for an order just before paying, as they do for real orders.
        const exchange = v.exchange ?? rng.pick(world.exchangeList);
        exchange.openAccount(v.entityId, rng);
        exchange.withdraw(v.wallet.address('receive'), value + rng.int(20_000, 60_000), { intent: 'exchange_withdrawal', entityId: v.entityId });
        run.waitUntil(() => e.balance(v.wallet) >= value + 15_000, deadline, pay, settle);
      });
    });

    const moveOn = () => {
      const sent = run.pay(phishing, [{ to: phisher.wallet.freshAddress('receive'), value: 0 }], {
        stage: 1,
        intent: 'theft',
        coins: stolen,
        sweep: true,
        hold: [0],
        attrs: { deposits: stolen.length },
        then: (_s, [coin]) => {
          run.amounts.stolen = coin.value;
          run.later(run.delay(p.delayMinutes), () => {
            if (p.then === 'peel') return runPeelChain(run, phisher.wallet, coin, 2, p);
            if (p.then === 'exchange') return cashOut(run, phisher.wallet, [coin], p.end, run.base + 2, [0, 0], true);
            phisher.wallet.credit(coin);
            const mixer = serviceNamed<MixerApi>(world, 'mixer', p.mixer, 'mix', 'params.mixer');
            mixThrough(run, mixer, phisher.wallet, coin.value - 30_000, run.base + 2, [1, 3], p.end, p.delayMinutes);
          });
        },
      });
      if (!sent) run.fail('stalled', 'the stolen deposits could not be gathered');
    };
  },
});
