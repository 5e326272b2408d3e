// One placed trail while it runs: pays its hops through the engine with the trail's id and hop
// number on every transaction, keeps the coins the next hop will spend out of reach of the rest of
// the world, waits (on the simulated clock) for funds and confirmations, and keeps its gt_trails
// row up to date so that a world cut short still says how far each trail got.
import type { World } from '../world.ts';
import type { Engine, Output, Sent } from '../engine.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { TxIntent } from '../truth/types.ts';
import type { TrailOptions } from '../options.ts';
import type { Rng } from '../../chain/rng.ts';
import { equalBytes } from '../../chain/bytes.ts';
import { txidHex } from '../../chain/tx.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import type { TrailActor } from './actor.ts';
import type { Amount, Range } from './params.ts';

export type TrailStatus = 'scheduled' | 'running' | 'complete' | 'unfunded' | 'stalled';

export interface TrailTx {
  hop: number;
  txid: string;
  intent: TxIntent;
  height: number;
}

export interface PayStep {
  /** Position in the typology (0 = its first transaction); the stored hop adds `base`. */
  stage: number;
  intent: TxIntent;
  coins?: WalletUtxo[];
  sweep?: boolean;
  feeRate?: number;
  /** Coins the trail keeps for a later hop: an output's index in `outputs`, or 'change'. */
  hold?: (number | 'change')[];
  attrs?: Record<string, unknown>;
  /** Runs once the block holding the transaction is sealed, with the held coins in `hold` order. */
  then?: (sent: Sent, held: WalletUtxo[]) => void;
}

/** Coins a trail starts from: exactly `coins` (spent whole) or, when absent, the wallet's own choice. */
export interface Source {
  wallet: SimWallet;
  coins?: WalletUtxo[];
  value: number;
}

const FEE_RESERVE = 100_000;
/** Least a named actor's trail moves when it takes what the actor has (about USD 100 in 2020). */
const MIN_FLEXIBLE = 1_000_000;

export class TrailRun {
  readonly engine: Engine;
  /** Added to every stage: 1 when a stake transaction opened the trail. */
  base = 0;
  status: TrailStatus = 'scheduled';
  endEntityId: number | null = null;
  readonly txs: TrailTx[] = [];
  readonly amounts: Record<string, number | number[]> = {};
  readonly extras: Record<string, unknown> = {};
  private endTxid: string | null = null;
  private fundingPieces = 0;

  constructor(
    readonly world: World,
    readonly trail: TrailOptions,
    readonly actor: TrailActor,
    /** The checked parameters, stored in gt_trails. */
    readonly params: unknown,
    readonly rng: Rng,
    /** When the typology starts (unix seconds). */
    readonly startTime: number,
  ) {
    this.engine = world.engine;
  }

  get id(): string {
    return this.trail.id;
  }

  // ---- ground truth ----------------------------------------------------------------------------

  record(): void {
    this.engine.truth.trail(this.trail.id, this.trail.typology, this.actor.entityId, this.endEntityId, { actor: this.trail.actor, day: this.trail.day, ...(this.params as object) }, this.summary());
  }

  summary(): Record<string, unknown> {
    const hops = new Set(this.txs.map((t) => t.hop)).size;
    return {
      status: this.status,
      startTxid: this.txs[0]?.txid ?? null,
      endTxid: this.endTxid ?? (this.status === 'complete' ? (this.txs[this.txs.length - 1]?.txid ?? null) : null),
      hops,
      txs: this.txs.length,
      startHeight: this.txs[0]?.height ?? null,
      endHeight: this.txs[this.txs.length - 1]?.height ?? null,
      amounts: this.amounts,
      ...this.extras,
    };
  }

  /** The trail reached its end; `endTxid` is where the money arrives (default: the last transaction). */
  finish(endTxid?: string): void {
    this.status = 'complete';
    if (endTxid) this.endTxid = endTxid;
    this.record();
  }

  fail(status: 'unfunded' | 'stalled', reason: string): void {
    this.status = status;
    this.extras.reason = reason;
    this.record();
  }

  // ---- time ------------------------------------------------------------------------------------

  /** A delay in seconds, log-uniform between minutes[0] and minutes[1] (people wait minutes to days). */
  delay(minutes: Range): number {
    const [a, b] = minutes;
    if (b <= a) return Math.round(a * 60);
    const lo = Math.log(Math.max(a, 0.5));
    const m = Math.exp(lo + (Math.log(b) - lo) * this.rng.float());
    return Math.round(Math.max(a, m) * 60);
  }

  later(seconds: number, fn: () => void): void {
    this.engine.after(Math.max(0, seconds), () => fn());
  }

  at(time: number, fn: () => void): void {
    this.engine.at(time, () => fn());
  }

  /** Checks `ready` now and every hour or so until it holds (then `ok`) or `deadline` passes (then `fail`). */
  waitUntil(ready: () => boolean, deadline: number, ok: () => void, fail: () => void): void {
    const tick = () => {
      if (ready()) ok();
      else if (this.engine.now >= deadline) fail();
      else this.engine.after(this.rng.int(1_800, 5_400), tick);
    };
    tick();
  }

  // ---- money -----------------------------------------------------------------------------------

  /** Sats for an amount drawn log-uniformly in its range, at today's price for USD. */
  drawAmount(amount: Amount, time = this.startTime): number {
    const [a, b] = amount.range;
    const x = b > a ? Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * this.rng.float()) : a;
    return amount.unit === 'btc' ? Math.round(x * 1e8) : usdToSats(x, time);
  }

  /** Pays one hop of the trail. Returns null when the wallet cannot afford it. */
  pay(from: SimWallet, outputs: Output[], step: PayStep): Sent | null {
    const hop = this.base + step.stage;
    let heldChange: WalletUtxo | undefined;
    const sent = this.engine.pay(
      from,
      outputs,
      { intent: step.intent, entityId: from.entityId, trailId: this.trail.id, hop, attrs: step.attrs },
      {
        rng: this.rng,
        coins: step.coins,
        sweep: step.sweep,
        feeRate: step.feeRate,
        onConfirmed: (s) => {
          if (heldChange) heldChange.height = s.height!;
          const held = (step.hold ?? []).map((h) => {
            if (h === 'change') {
              if (!heldChange) throw new Error(`trail ${this.trail.id}: hop ${hop} has no change to keep`);
              return heldChange;
            }
            return takeCoin(outputs[h].to.wallet, s, voutOf(h, s.changeVout));
          });
          this.confirmed(s, hop, step.intent);
          step.then?.(s, held);
        },
      },
    );
    if (!sent) return null;
    if (step.hold?.includes('change') && sent.changeVout >= 0) {
      // Taken now so that nothing else in the world spends it before the next hop does.
      heldChange = from.utxos.find((u) => u.vout === sent.changeVout && equalBytes(u.txid, sent.enc.txid));
      if (heldChange) from.take([heldChange]);
    }
    return sent;
  }

  /** Records a transaction built by hand (e.g. through a service) as a hop of this trail. */
  confirmed(s: Sent, hop: number, intent: TxIntent): void {
    this.txs.push({ hop, txid: txidHex(s.enc.txid), intent, height: s.height! });
    if (this.status === 'scheduled') this.status = 'running';
    this.record();
  }

  /** Buys a fresh actor's coins at an exchange, one withdrawal per piece, landing before `by`. */
  fund(pieces: number[], by: number, exchange: Exchange): void {
    const e = this.engine;
    this.fundingPieces = pieces.length;
    exchange.openAccount(this.actor.entityId, this.rng);
    const span = pieces.length === 1 ? 0 : Math.min(5 * 86_400, 12 * 3_600 * pieces.length);
    pieces.forEach((value, i) => {
      const lead = this.rng.int(3 * 3_600, 30 * 3_600) + Math.round(span * (1 - (i + this.rng.float()) / pieces.length));
      e.at(Math.max(e.now, by - lead), () => {
        exchange.withdraw(this.actor.wallet.address('receive'), value, { intent: 'exchange_withdrawal', entityId: this.actor.entityId, attrs: { trail: this.trail.id } });
      });
    });
    this.amounts.funded = pieces.reduce((s, v) => s + v, 0);
  }

  /** Records a transaction a service built for this trail (hop is absolute) once its block is sealed. */
  noteSealed(sent: Sent, hop: number, intent: TxIntent, then?: () => void): void {
    const check = () => {
      if (sent.height === undefined) return this.engine.after(1, check);
      this.confirmed(sent, hop, intent);
      then?.();
    };
    check();
  }

  /**
   * A vendor (or any actor with habits of its own) stops its routine withdrawals while the trail
   * waits for its coins, so that they can accumulate. Returns the function that resumes them.
   */
  pauseActor(): () => void {
    const habits = this.actor.object as { pauseWithdrawals?: () => void; resumeWithdrawals?: () => void } | undefined;
    if (typeof habits?.pauseWithdrawals !== 'function' || typeof habits.resumeWithdrawals !== 'function') return () => {};
    habits.pauseWithdrawals();
    let resumed = false;
    return () => {
      if (!resumed) habits.resumeWithdrawals!();
      resumed = true;
    };
  }

  /**
   * Waits until the actor holds the trail's coins, then calls `start`.
   *  - 'coins': a fresh actor starts from exactly its funding coins (taken out of its wallet); a
   *    named actor lets its wallet choose coins for `amount`, change and all.
   *  - 'single': as 'coins', but a named actor first moves `amount` to a fresh address of the same
   *    wallet in a stake transaction (hop 0), so the typology starts from one exact coin.
   *  - 'wallet': the coins stay in the wallet (for services that pay from it); value is what can be spent.
   */
  source(amount: number, mode: 'coins' | 'single' | 'wallet', start: (s: Source) => void): void {
    const w = this.actor.wallet;
    const maxWaitDays = Number((this.params as { maxWaitDays?: number }).maxWaitDays ?? 5);
    const deadline = this.engine.now + maxWaitDays * 86_400;
    if (this.actor.fresh) {
      this.waitUntil(
        () => this.fundingPieces > 0 && this.engine.spendable(w).length >= this.fundingPieces,
        deadline,
        () => {
          const coins = this.engine.spendable(w);
          const value = coins.reduce((s, u) => s + u.value, 0);
          if (mode === 'wallet') return start({ wallet: w, value });
          w.take(coins);
          start({ wallet: w, coins, value });
        },
        () => this.fail('unfunded', `the actor's coins from the exchange had not arrived ${maxWaitDays} days after the start`),
      );
      return;
    }
    const resume = this.pauseActor();
    const explicit = Boolean((this.params as { explicitAmount?: boolean }).explicitAmount);
    // Without an amount in the scenario, a named actor that has not gathered the drawn amount by
    // half its waiting time moves what it has then, if that is worth moving.
    const spendableNow = () => this.engine.balance(w) - FEE_RESERVE;
    const settleFor = this.engine.now + (maxWaitDays * 86_400) / 2;
    const ready = () => spendableNow() >= amount || (!explicit && this.engine.now >= settleFor && spendableNow() >= MIN_FLEXIBLE);
    const unfunded = () => {
      resume();
      this.fail('unfunded', `${this.actor.ref} never held ${amount} sat to spend`);
    };
    const attempt = () => {
      const value = Math.min(amount, spendableNow());
      if (value !== amount) this.amounts.planned = value;
      if (mode !== 'single') {
        resume();
        return start({ wallet: w, value });
      }
      const sent = this.pay(w, [{ to: w.freshAddress('receive'), value }], {
        stage: 0,
        intent: 'layering',
        hold: [0],
        attrs: { step: 'stake' },
        then: (_s, [coin]) => {
          this.base = 1;
          resume();
          this.later(this.delay([20, 360]), () => start({ wallet: w, coins: [coin], value: coin.value }));
        },
      });
      if (!sent) this.waitUntil(ready, deadline, attempt, unfunded);
    };
    this.waitUntil(ready, deadline, attempt, unfunded);
  }
}

/** The vout of the j-th requested output, once the wallet inserted its change at changeVout. */
export function voutOf(j: number, changeVout: number): number {
  return changeVout >= 0 && j >= changeVout ? j + 1 : j;
}

/** Removes a just-credited coin from its wallet and hands it to the trail. */
export function takeCoin(wallet: SimWallet, s: Sent, vout: number): WalletUtxo {
  for (let i = wallet.utxos.length - 1; i >= 0; i--) {
    const u = wallet.utxos[i];
    if (u.vout === vout && equalBytes(u.txid, s.enc.txid)) {
      wallet.take([u]);
      return u;
    }
  }
  throw new Error(`coin ${txidHex(s.enc.txid)}:${vout} is not in wallet ${wallet.label}`);
}
