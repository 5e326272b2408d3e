// A market buyer: a pseudonymous account on one market and a wallet. Buyers get coins for an order
// from a KYC exchange, a P2P trader or the ATM, or an instant exchanger (or keep a stash from an
// earlier, larger purchase), then pay the order's deposit address; what is left comes back as change.
import type { Engine } from '../engine.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { Rng } from '../../chain/rng.ts';
import type { AddressKind } from '../../chain/types.ts';
import type { FundingSource } from '../calibration/defaults.ts';
import { addressEraAt, pickAddressKind } from '../calibration/distributions.ts';
import { CALIBRATION } from '../calibration/defaults.ts';
import { usdToSats, satsToUsd } from '../calibration/btc-usd.ts';
import type { ServiceLinks } from './services.ts';

export class Buyer {
  /** Orders placed so far (repeat buyers place many). */
  orders = 0;
  /** Sats asked for from a funding source and not yet received. */
  awaiting = 0;

  constructor(
    readonly entityId: number,
    readonly handle: string,
    readonly wallet: SimWallet,
    readonly funding: FundingSource,
    readonly exchange: Exchange,
    readonly language: 'en' | 'ru',
    /** Relative share of the market's orders this buyer places (a few buyers place many). */
    readonly activity: number,
    /**
     * A second wallet careful buyers pay the market from, as buyers' guides advise: coins go
     * exchange → wallet → spending wallet → market, never straight from the exchange's withdrawal.
     */
    readonly spending: SimWallet | null = null,
  ) {}

  /** The wallet orders are paid from. */
  get payer(): SimWallet {
    return this.spending ?? this.wallet;
  }

  /** Moves everything confirmed in the receiving wallet to a fresh address of the spending wallet; false if there is nothing to move. */
  moveToSpending(engine: Engine, rng: Rng): boolean {
    if (!this.spending || engine.balance(this.wallet) < 30_000) return false;
    const sent = engine.pay(this.wallet, [{ to: this.spending.freshAddress('receive'), value: 0 }], { intent: 'self_transfer', entityId: this.entityId }, { rng, sweep: true });
    return sent !== null;
  }

  /**
   * Makes sure `need` sats will be in the wallet: asks the buyer's funding source for the shortfall
   * (rounded up to a round USD purchase, so payments often leave change). Coins arrive some blocks later.
   */
  fund(engine: Engine, need: number, rng: Rng, services: ServiceLinks): void {
    const held = (w: SimWallet | null) => (w ? w.utxos.reduce((s, u) => s + u.value, 0) : 0);
    const have = held(this.wallet) + held(this.spending) + this.awaiting;
    if (have >= need) return;
    const shortUsd = satsToUsd(need - have, engine.now);
    // Stash buyers buy several orders' worth at once and spend the change later.
    const usd = this.funding === 'own_wallet' ? roundUp(shortUsd * (2 + 4 * rng.float()), 50) : roundUp(shortUsd + 2 + 10 * rng.float(), shortUsd < 100 ? 10 : 50);
    const value = usdToSats(usd, engine.now);
    const to = this.wallet.address('receive');
    this.awaiting += value;
    const arrived = () => {
      this.awaiting = Math.max(0, this.awaiting - value);
    };
    if (this.funding === 'p2p' && services.buyP2p(this.entityId, to, value, rng, arrived)) return;
    if (this.funding === 'instant_exchanger' && services.buyAtExchanger(this.entityId, this.language, to, value, arrived)) return;
    this.exchange.withdraw(to, value, { intent: 'exchange_withdrawal', entityId: this.entityId, attrs: { buyer: true } }, arrived);
  }
}

function roundUp(usd: number, step: number): number {
  return Math.max(step, Math.ceil(usd / step) * step);
}

/** Output type of a buyer's wallet: the address mix of the world's era, single-key kinds only. */
export function buyerAddressKind(rng: Rng, now: number): AddressKind {
  const kind = pickAddressKind(rng, addressEraAt(now));
  return kind === 'p2wsh' || kind === 'p2tr' ? 'p2wpkh' : kind;
}

/** Habits of an ordinary user's wallet (calibrated reuse; some RBF and anti-fee-sniping wallets). */
export function buyerHabits(rng: Rng, kind: AddressKind) {
  const f = CALIBRATION.finality;
  return {
    reuseAddress: rng.bool(CALIBRATION.addressReuse.ordinaryUserReceiveReuse),
    shuffleOutputs: rng.bool(0.6),
    rbf: rng.bool(f.rbfShare),
    antiFeeSniping: kind !== 'p2pkh' && rng.bool(f.antiFeeSnipingShare),
    feeFactor: rng.lognormal(1, 0.35),
  };
}

/** Sats a buyer keeps aside for the payment's fee. */
export const FEE_RESERVE = 25_000;

/** Whether the buyer can pay `sats` plus a fee from coins spendable now. */
export function canPay(engine: Engine, buyer: Buyer, sats: number): boolean {
  return engine.balance(buyer.payer) >= sats + FEE_RESERVE;
}
