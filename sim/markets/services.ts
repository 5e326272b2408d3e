// The markets' side of the world's services (sim/services/): instant exchangers through which shop
// buyers pay and vendors sell, P2P traders and the ATM buyers get coins from, and the mixer and
// CoinJoin coordinators careful vendors send proceeds through. Services are looked up in the
// world's registry ('exchanger:<id>', 'p2p', 'mixer:<id>', 'coinjoin') when used, so a world
// without one still works: callers fall back to a KYC exchange or to holding the coins.
import type { Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import type { InstantExchanger } from '../services/instant-exchanger.ts';
import type { Mixer } from '../services/mixer.ts';
import type { P2PMarket } from '../services/p2p.ts';
import type { CoinJoinService } from '../services/coinjoin.ts';

/** What the markets use of an instant exchanger (sim/services/instant-exchanger.ts). */
export type ExchangerApi = Pick<InstantExchanger, 'entityId' | 'swapToBtc' | 'depositAddress'> & { options: { id: string; language: 'en' | 'ru' } };
export type MixerApi = Pick<Mixer, 'entityId' | 'mix'>;
export type P2pApi = Pick<P2PMarket, 'buyCoins'> & { traders: readonly { entityId: number; wallet: SimWallet }[] };
export type CoinJoinApi = Pick<CoinJoinService, 'join'>;

export interface Found<T> {
  ref: string;
  api: T;
}

export class ServiceLinks {
  constructor(private readonly world: World) {}

  private find<T>(ref: string, method: string): Found<T> | undefined {
    const api = this.world.registry.get(ref) as Record<string, unknown> | undefined;
    return api && typeof api[method] === 'function' ? { ref, api: api as T } : undefined;
  }

  /** The instant exchanger registered as `ref` ('exchanger:<id>'), if the world has it. */
  exchanger(ref: string): Found<ExchangerApi> | undefined {
    return this.find<ExchangerApi>(ref, 'swapToBtc');
  }

  /** An instant exchanger for people of `language` (one of theirs if there is one). */
  exchangerFor(language: 'en' | 'ru'): Found<ExchangerApi> | undefined {
    let any: Found<ExchangerApi> | undefined;
    for (const ref of this.world.registry.keys()) {
      if (!ref.startsWith('exchanger:')) continue;
      const found = this.exchanger(ref);
      if (!found) continue;
      if (found.api.options.language === language) return found;
      any ??= found;
    }
    return any;
  }

  /** The world's (first) mixer. */
  mixer(): Found<MixerApi> | undefined {
    for (const ref of this.world.registry.keys()) {
      const found = ref.startsWith('mixer:') ? this.find<MixerApi>(ref, 'mix') : undefined;
      if (found) return found;
    }
    return undefined;
  }

  /** An instant exchanger sells `value` sats to a buyer who pays in cash or e-money; false when there is none. */
  buyAtExchanger(buyerEntityId: number, language: 'en' | 'ru', to: Receiver, value: number, onSent?: (s: Sent) => void): boolean {
    const x = this.exchangerFor(language);
    if (!x) return false;
    x.api.swapToBtc(to, value, { intent: 'instant_swap', attrs: { buyer: buyerEntityId } }, onSent);
    return true;
  }

  /** A P2P trader or the ATM sells `value` sats to a buyer; false when the world has neither. */
  buyP2p(buyerEntityId: number, to: Receiver, value: number, rng: Rng, onSent?: (s: Sent) => void): boolean {
    const p = this.find<P2pApi>('p2p', 'buyCoins');
    if (!p) return false;
    p.api.buyCoins(to, value, rng, { entityId: buyerEntityId }, onSent);
    return true;
  }

  /** A P2P trader's address, for a vendor who sells coins to one for cash; null when there is none. */
  p2pTrader(rng: Rng): { ref: string; entityId: number; to: Receiver } | null {
    const p = this.find<P2pApi>('p2p', 'buyCoins');
    if (!p || p.api.traders.length === 0) return null;
    const t = rng.pick(p.api.traders);
    return { ref: 'p2p', entityId: t.entityId, to: t.wallet.address('receive') };
  }

  /** Where a vendor sends coins to sell them at an instant exchanger; null when there is none. */
  exchangerDeposit(language: 'en' | 'ru', rng: Rng): { ref: string; to: Receiver } | null {
    const x = this.exchangerFor(language);
    return x ? { ref: x.ref, to: x.api.depositAddress(rng) } : null;
  }

  /** Sends `value` from `from` through the mixer to `destinations`; the deposit tx, or null (no mixer, or cannot pay). */
  mix(from: SimWallet, value: number, destinations: Receiver[], truth: TxTruth, rng: Rng): { ref: string; sent: Sent } | null {
    const m = this.mixer();
    if (!m) return null;
    const order = m.api.mix(from, value, destinations, truth, rng);
    return order ? { ref: m.ref, sent: order.depositTx } : null;
  }

  /**
   * CoinJoins `value` of `wallet` (Whirlpool TX0 now, or Wasabi rounds later); the TX0 if one was
   * made now (Wasabi registers without one), or null (no coordinator, or the value fits no pool).
   */
  coinjoin(wallet: SimWallet, value: number, truth: Partial<Omit<TxTruth, 'intent'>>, rng: Rng): { ref: string; sent: Sent | null } | null {
    const c = this.find<CoinJoinApi>('coinjoin', 'join');
    if (!c) return null;
    const ticket = c.api.join(wallet, value, rng, { truth });
    return ticket ? { ref: `coinjoin:${ticket.style}`, sent: ticket.tx0 ?? null } : null;
  }
}
