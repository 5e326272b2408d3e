// A bitcoin gambling site (dice): every player gets a permanent deposit address; deposits are
// swept into the hot wallet; winnings and withdrawals are paid from the hot wallet, one tx each.
// Layering typologies run dirty coins through it (deposit, bet a little, withdraw elsewhere).
//
// API (registered as `gambling:<id>`):
//   deposit(from: SimWallet, value: number, truth?: Partial<TxTruth>): Sent | null
//     Pays `value` from `from` to the player's permanent deposit address at the site (the player is
//     truth.entityId ?? from.entityId; intent 'gambling_deposit', entityId from.entityId, trailId/
//     hop/attrs from truth, attrs.site). Null when `from` cannot pay.
//   withdraw(to: Receiver, value: number, truth?: Partial<TxTruth>, onSent?: (s: Sent) => void): void
//     Queues a payout of exactly `value` from the hot wallet to `to` (intent 'gambling_payout',
//     entityId the site, attrs.player = truth.entityId when given); paid within a few blocks.
//     The deposit and payout addresses carry roles 'deposit' and (hot wallet) 'hot'.
//   depositAddress(entityId: number): Receiver — a player's permanent deposit address.
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import { COIN } from '../../chain/types.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { buyFromExchange, openExchangeLink, type ExchangeLink } from './common.ts';

interface Withdrawal {
  to: Receiver;
  value: number;
  truth: TxTruth;
  onSent?: (s: Sent) => void;
}

export class GamblingSite implements Actor {
  readonly name: string;
  readonly entityId: number;
  readonly deposits: SimWallet;
  readonly hot: SimWallet;
  private readonly players = new Map<number, Receiver>();
  private queue: Withdrawal[] = [];
  private readonly link: ExchangeLink | null;
  private readonly hotAddress: Receiver;

  constructor(
    private readonly world: World,
    readonly options: { id: string; name: string; depositsPerDay?: number },
  ) {
    const e = world.engine;
    const rng = world.rng.fork(`gambling/${options.id}/setup`);
    this.name = `gambling:${options.id}`;
    this.entityId = e.entity('gambling', options.name, null, { id: options.id, game: 'dice' });
    this.deposits = e.wallet(this.entityId, 'deposit', 'p2sh-p2wpkh', { feeFactor: 0.6 });
    this.hot = e.wallet(this.entityId, 'hot', 'p2sh-p2wpkh', { feeFactor: 1.3, shuffleOutputs: false });
    this.hotAddress = this.hot.freshAddress('hot');
    this.link = openExchangeLink(world, this.entityId, rng);
    // Bankroll: the house must be able to pay a lucky player on day one.
    if (this.link) for (let i = 0; i < 2; i++) buyFromExchange(this.link, this.hotAddress, 2 * COIN, this.entityId);
  }

  depositAddress(entityId: number): Receiver {
    let r = this.players.get(entityId);
    if (!r) this.players.set(entityId, (r = this.deposits.freshAddress('deposit')));
    return r;
  }

  deposit(from: SimWallet, value: number, truth: Partial<TxTruth> = {}): Sent | null {
    // The player account is the named actor's; the spender (who gets the change) is the wallet's owner.
    const player = truth.entityId ?? from.entityId;
    const entityId = from.entityId;
    const rng = this.world.rng.fork(`${this.name}/deposit/${this.world.engine.height}/${entityId}/${value}`);
    return this.world.engine.pay(
      from,
      [{ to: this.depositAddress(player), value }],
      { ...truth, intent: 'gambling_deposit', entityId, attrs: { ...truth.attrs, ...(player !== entityId ? { player } : {}), site: this.options.id } },
      { rng },
    );
  }

  withdraw(to: Receiver, value: number, truth: Partial<TxTruth> = {}, onSent?: (s: Sent) => void): void {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`withdrawal must be a positive whole number of sats, got ${value}`);
    const player = truth.entityId !== undefined && truth.entityId !== this.entityId ? { player: truth.entityId } : {};
    this.queue.push({ to, value, truth: { ...truth, intent: 'gambling_payout', entityId: this.entityId, attrs: { ...truth.attrs, ...player, site: this.options.id } }, onSent });
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`${this.name}/${engine.height}`);
    this.backgroundPlayers(engine, rng);
    if (this.queue.length) this.payQueue(engine, rng);
    if (engine.height % 18 === 4) this.sweep(engine, rng);
    if (engine.height % 144 === 70) this.bankroll(engine, rng);
  }

  /** Background players: deposit, play for a while, and (unless they lost it all) cash out. */
  private backgroundPlayers(engine: Engine, rng: Rng): void {
    const perDay = this.options.depositsPerDay ?? 25;
    for (let i = engine.perBlock(perDay, rng); i > 0; i--) {
      if (this.world.holders.length === 0) return;
      const who = rng.pick(this.world.holders);
      const value = Math.min(Math.floor(engine.balance(who) * 0.7), usdToSats(rng.lognormal(40, 1), engine.now));
      if (value < 30_000) continue;
      if (!this.deposit(who, value, { entityId: who.entityId })) continue;
      // House edge ~3 %: 45 % bust, the rest leave with a lognormal multiple of their stake.
      if (rng.bool(0.45)) continue;
      const payout = Math.floor(value * rng.lognormal(1.55, 0.5));
      const to = rng.bool(0.7) ? who.address('receive') : who.freshAddress('receive');
      engine.after(Math.round(rng.exponential(5 * 3600)), () => this.withdraw(to, payout, { entityId: this.entityId }));
    }
  }

  private payQueue(engine: Engine, rng: Rng): void {
    const left: Withdrawal[] = [];
    for (const w of this.queue) {
      const sent = left.length ? null : engine.pay(this.hot, [{ to: w.to, value: w.value }], w.truth, { rng, changeKey: this.hotAddress.key });
      if (sent) w.onSent?.(sent);
      else left.push(w);
    }
    this.queue = left;
  }

  private sweep(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.deposits);
    if (coins.length === 0) return;
    engine.pay(this.deposits, [{ to: this.hotAddress, value: 0 }], { intent: 'consolidation', entityId: this.entityId, attrs: { site: this.options.id } }, { rng, coins: coins.slice(0, 150), sweep: true });
  }

  /** Tops the bankroll up when payouts run it down; sends the house's profit to the exchange. */
  private bankroll(engine: Engine, rng: Rng): void {
    if (!this.link) return;
    const balance = engine.balance(this.hot);
    const owed = this.queue.reduce((s, w) => s + w.value, 0);
    if (balance - owed < COIN) buyFromExchange(this.link, this.hotAddress, 2 * COIN + owed, this.entityId);
    else if (balance > 8 * COIN && owed === 0) {
      engine.pay(this.hot, [{ to: this.link.account.deposit, value: balance - 4 * COIN }], { intent: 'exchange_deposit', entityId: this.entityId }, { rng, changeKey: this.hotAddress.key });
    }
  }
}
