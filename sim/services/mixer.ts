// A custodial mixer (Bitcoin Fog / Helix style): every customer gets a fresh deposit address;
// after a random delay of hours the mixer pays the customer's destination addresses from a pool
// of OTHER customers' coins, in unrelated amounts split over 1-5 payouts, keeping a 1-3 % fee.
// Deposits are consolidated into the pool every few hours, and the pool's small coins now and then.
//
// API (registered as `mixer:<id>`):
//   mix(from: SimWallet, value: number, destinations: Receiver[], truth: TxTruth, rng: Rng,
//       opts?: { onPaidOut?: (payouts: Sent[]) => void }): MixOrder | null
//     Pays `value` from `from` to a fresh deposit address now (intent 'mixer_in', entityId
//     from.entityId, trailId/hop from truth, attrs {...truth.attrs, mix, mixer, actor (= truth.entityId
//     if it differs)}),
//     and schedules the payouts: total floor(value × (1 − fee)), fee drawn in options.fee, split
//     across max(destinations.length, 1-5) payouts to the destinations in turn, each after its own
//     delay in options.delayHours. Payout txs: intent 'mixer_out', entityId the mixer, trailId
//     truth.trailId, hop (truth.hop ?? 0) + 1, attrs {mix, part, parts}. A payout never spends a
//     pool coin that the customer's own deposit flowed into. Returns null when `from` cannot pay.
//   entityId, deposits and pool (wallets).
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { MixerOptions } from '../options.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import { COIN } from '../../chain/types.ts';
import { mixerOutputCount } from '../calibration/distributions.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { coinKey, estimateVsize, openExchangeLink, buyFromExchange, splitAmount, outputBytes } from './common.ts';

export interface MixOrder {
  /** Ground-truth id linking the mixer_in tx to its mixer_out txs (attrs.mix). */
  id: string;
  deposit: Receiver;
  depositTx: Sent;
  fee: number;
  /** The scheduled payouts, in order. */
  payouts: { to: Receiver; value: number; at: number }[];
}

interface Payout {
  mix: number;
  part: number;
  parts: number;
  to: Receiver;
  value: number;
  truth: TxTruth;
  done: (s: Sent) => void;
}

export class Mixer implements Actor {
  readonly name: string;
  readonly entityId: number;
  readonly deposits: SimWallet;
  readonly pool: SimWallet;
  private nextMix = 1;
  /** Which mixes' deposits flowed into each pool coin (so that a customer never gets their own coins back). */
  private readonly taint = new Map<string, Set<number>>();
  /** Deposit address key index → mix number, until the deposit is swept. */
  private readonly depositMix = new Map<number, number>();

  constructor(
    private readonly world: World,
    readonly options: MixerOptions,
  ) {
    const e = world.engine;
    const rng = world.rng.fork(`mixer/${options.id}/setup`);
    this.name = `mixer:${options.id}`;
    this.entityId = e.entity('mixer', options.name, null, { id: options.id, fee: options.fee, delayHours: options.delayHours });
    this.deposits = e.wallet(this.entityId, 'deposit', 'p2pkh', { feeFactor: 0.8 });
    this.pool = e.wallet(this.entityId, 'pool', 'p2pkh', { shuffleOutputs: true, feeFactor: 1 });
    // Operating float: the pool must hold other people's coins before the first customer arrives.
    const link = openExchangeLink(world, this.entityId, rng);
    if (link) for (let i = 0; i < 4; i++) buyFromExchange(link, this.pool.freshAddress('mixer_pool'), rng.int(30, 60) * COIN / 10, this.entityId);
  }

  mix(from: SimWallet, value: number, destinations: Receiver[], truth: TxTruth, rng: Rng, opts: { onPaidOut?: (payouts: Sent[]) => void } = {}): MixOrder | null {
    if (destinations.length === 0) throw new RangeError('a mix needs at least one destination address');
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`mix value must be a positive whole number of sats, got ${value}`);
    const e = this.world.engine;
    const n = this.nextMix;
    const id = `${this.options.id}-${n}`;
    const deposit = this.deposits.freshAddress('deposit');
    const depositTx = e.pay(
      from,
      [{ to: deposit, value }],
      // The spender is the wallet's owner (it gets the change); a different actor named in truth goes in attrs.
      {
        ...truth,
        intent: 'mixer_in',
        entityId: from.entityId,
        attrs: { ...truth.attrs, ...(truth.entityId !== undefined && truth.entityId !== from.entityId ? { actor: truth.entityId } : {}), mix: id, mixer: this.options.id },
      },
      { rng },
    );
    if (!depositTx) return null;
    this.nextMix++;
    this.depositMix.set(deposit.key.index, n);
    const [fMin, fMax] = this.options.fee;
    const fee = fMin + (fMax - fMin) * rng.float();
    const total = Math.floor(value * (1 - fee));
    const parts = Math.max(destinations.length, mixerOutputCount(rng));
    const amounts = splitAmount(total, parts, rng, 20_000);
    const [hMin, hMax] = this.options.delayHours;
    const payouts = amounts.map((v, i) => ({ to: destinations[i % destinations.length], value: v, at: e.now + Math.round((hMin + (hMax - hMin) * rng.float()) * 3600) }));
    const sents: Sent[] = [];
    const payoutTruth: TxTruth = { intent: 'mixer_out', entityId: this.entityId, trailId: truth.trailId, hop: truth.trailId !== undefined ? (truth.hop ?? 0) + 1 : undefined };
    payouts.forEach((p, part) => {
      const job: Payout = {
        mix: n,
        part,
        parts: payouts.length,
        to: p.to,
        value: p.value,
        truth: { ...payoutTruth, attrs: { mix: id, part, parts: payouts.length } },
        done: (s) => {
          sents.push(s);
          if (sents.length === payouts.length) opts.onPaidOut?.(sents);
        },
      };
      e.at(p.at, (engine) => this.payOut(engine, job));
    });
    return { id, deposit, depositTx, fee: value - total, payouts };
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`${this.name}/${engine.height}`);
    this.background(engine, rng);
    if (engine.height % 36 === 7) this.sweepDeposits(engine, rng);
    if (engine.height % 144 === 50) this.consolidatePool(engine, rng);
  }

  /** Ordinary holders who mix part of their coins back to themselves or to an exchange account. */
  private background(engine: Engine, rng: Rng): void {
    const perDay = this.options.mixesPerDay ?? 6;
    for (let i = engine.perBlock(perDay, rng); i > 0; i--) {
      if (this.world.holders.length === 0) return;
      const who = rng.pick(this.world.holders);
      const balance = engine.balance(who);
      const value = Math.min(Math.floor(balance * (0.5 + 0.5 * rng.float())), usdToSats(rng.lognormal(600, 0.8), engine.now));
      if (value < 200_000) continue;
      const dests = Array.from({ length: rng.int(1, 3) }, () => who.freshAddress('receive'));
      this.mix(who, value, dests, { intent: 'mixer_in', entityId: who.entityId }, rng);
    }
  }

  private payOut(engine: Engine, job: Payout): void {
    const rng = this.world.rng.fork(`${this.name}/out/${job.mix}/${job.part}`);
    const coins = this.chooseCoins(engine, job.value, job.mix, rng);
    const sent = coins && engine.pay(this.pool, [{ to: job.to, value: job.value }], job.truth, { rng, coins });
    if (!sent) {
      // Pool short (or all of it touched by this customer's coins): try again in an hour.
      engine.after(3600, (e) => this.payOut(e, job));
      return;
    }
    const inherited = new Set<number>();
    for (const c of coins) {
      const k = coinKey(c.txid, c.vout);
      for (const m of this.taint.get(k) ?? []) inherited.add(m);
      this.taint.delete(k);
    }
    if (sent.changeVout >= 0 && inherited.size) this.taint.set(coinKey(sent.enc.txid, sent.changeVout), inherited);
    job.done(sent);
  }

  /** Pool coins untouched by mix `mix`, enough for value plus the network fee; null if there are none. */
  private chooseCoins(engine: Engine, value: number, mix: number, rng: Rng): WalletUtxo[] | null {
    const clean = engine.spendable(this.pool).filter((u) => !this.taint.get(coinKey(u.txid, u.vout))?.has(mix));
    rng.shuffle(clean);
    const rate = engine.feeRate(this.pool, rng);
    const chosen: WalletUtxo[] = [];
    let sum = 0;
    const outs = [outputBytes('p2pkh'), outputBytes(this.pool.kind)];
    for (const u of clean) {
      chosen.push(u);
      sum += u.value;
      if (sum >= value + 1_000 && sum >= value + Math.ceil(estimateVsize(chosen.map((c) => c.kind), outs) * rate) + 1_000) return chosen;
    }
    return null;
  }

  /** Moves confirmed deposits into the pool (one fresh pool address per sweep). */
  private sweepDeposits(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.deposits).slice(0, 120);
    if (coins.length === 0) return;
    const mixes = new Set<number>();
    for (const c of coins) {
      const m = this.depositMix.get(c.key.index);
      if (m !== undefined) mixes.add(m);
    }
    const to = this.pool.freshAddress('mixer_pool');
    const sent = engine.pay(this.deposits, [{ to, value: 0 }], { intent: 'consolidation', entityId: this.entityId, attrs: { mixer: this.options.id, deposits: coins.length } }, { rng, coins, sweep: true });
    if (!sent) return;
    for (const c of coins) this.depositMix.delete(c.key.index);
    if (mixes.size) this.taint.set(coinKey(sent.enc.txid, 0), mixes);
  }

  /** Merges the pool's many small coins into a few, as a wallet that pays out all day must. */
  private consolidatePool(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.pool);
    if (coins.length < 25) return;
    const small = coins.slice().sort((a, b) => a.value - b.value).slice(0, 20);
    const merged = new Set<number>();
    for (const c of small) for (const m of this.taint.get(coinKey(c.txid, c.vout)) ?? []) merged.add(m);
    const sent = engine.pay(this.pool, [{ to: this.pool.freshAddress('mixer_pool'), value: 0 }], { intent: 'consolidation', entityId: this.entityId, attrs: { mixer: this.options.id } }, { rng, coins: small, sweep: true });
    if (!sent) return;
    for (const c of small) this.taint.delete(coinKey(c.txid, c.vout));
    if (merged.size) this.taint.set(coinKey(sent.enc.txid, 0), merged);
  }
}
