// The world engine: a simulated clock that runs scheduled actions block by block, collects the
// transactions they make, appends each block to the ledger, credits the receiving wallets and
// records why every transaction happened.
import type { Ledger, BlockTx, AppendedBlock } from '../chain/ledger.ts';
import type { KeyDeriver } from '../chain/keys.ts';
import { InsufficientFunds, type PayOptions, type Payment, type WalletUtxo } from '../chain/wallet.ts';
import type { EncodedTx } from '../chain/tx.ts';
import type { AddressKind, Network, Tx } from '../chain/types.ts';
import { SEQUENCE_FINAL } from '../chain/types.ts';
import { nextBlockTime } from '../chain/consensus.ts';
import type { Rng } from '../chain/rng.ts';
import { Scheduler } from './scheduler.ts';
import { SimWallet, DEFAULT_HABITS, type Receiver, type WalletHabits } from './sim-wallet.ts';
import type { TruthWriter, TxTruth } from './truth/writer.ts';
import type { EntityKind, AddressRole } from './truth/types.ts';

export interface Actor {
  readonly name: string;
  /** Runs for every block after the due scheduled actions, before the block is sealed. */
  onBlock?(engine: Engine): void;
}

export interface Coinbase {
  receiver: Receiver;
  tag: string;
}

export interface Output {
  to: Receiver;
  value: number;
}

export interface Sent {
  tx: Tx;
  enc: EncodedTx;
  fee: number;
  changeVout: number;
  /** Resolved once the block is sealed. */
  txId?: number;
  height?: number;
}

export interface EngineOptions {
  ledger: Ledger;
  deriver: KeyDeriver;
  truth: TruthWriter;
  rng: Rng;
  network: Network;
  /** Chooses who mines each block. */
  coinbase: (engine: Engine) => Coinbase;
  /** Going fee rate (sat/vB) at a time, before a wallet's own habit. */
  feeRate: (engine: Engine, rng: Rng) => number;
}

interface PendingTx {
  sent: Sent;
  receivers: (Receiver | null)[];
  truth: TxTruth;
  onConfirmed?: (sent: Sent) => void;
}

export class Engine {
  readonly ledger: Ledger;
  readonly deriver: KeyDeriver;
  readonly truth: TruthWriter;
  readonly rng: Rng;
  readonly network: Network;
  /** Height of the block being assembled. */
  height: number;
  /** Time of the block being assembled (unix seconds). */
  now: number;
  txCount = 0;
  blockCount = 0;
  private readonly opts: EngineOptions;
  private readonly queue = new Scheduler<(engine: Engine) => void>();
  private readonly actors: Actor[] = [];
  private pending: PendingTx[] = [];
  private touched = new Set<SimWallet>();
  private recentTimes: number[] = [];
  private nextWalletId = 0;

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.ledger = opts.ledger;
    this.deriver = opts.deriver;
    this.truth = opts.truth;
    this.rng = opts.rng;
    this.network = opts.network;
    const tip = opts.ledger.tip();
    this.height = tip ? tip.height + 1 : opts.ledger.settings.startHeight;
    this.now = opts.ledger.settings.startTime;
  }

  // ---- world building ------------------------------------------------------------------------

  entity(kind: EntityKind, name: string, parentId: number | null = null, attrs: Record<string, unknown> = {}): number {
    return this.truth.entity(kind, name, parentId, attrs);
  }

  wallet(entityId: number, label: string, kind: AddressKind, habits: Partial<WalletHabits> = {}): SimWallet {
    const id = this.nextWalletId++;
    this.truth.wallet(id, entityId, label, kind);
    return new SimWallet(this.deriver, id, kind, this.network, entityId, label, { ...DEFAULT_HABITS, ...habits });
  }

  addActor(actor: Actor): void {
    this.actors.push(actor);
  }

  // ---- time ----------------------------------------------------------------------------------

  at(time: number, fn: (engine: Engine) => void): void {
    this.queue.push(Math.max(time, this.now), fn);
  }

  after(seconds: number, fn: (engine: Engine) => void): void {
    this.at(this.now + seconds, fn);
  }

  /** Expected number of events in this block for a rate per day (Poisson draw). */
  perBlock(ratePerDay: number, rng: Rng): number {
    return rng.poisson((ratePerDay * 600) / 86400);
  }

  // ---- money ---------------------------------------------------------------------------------

  feeRate(wallet: SimWallet, rng: Rng): number {
    return Math.max(1, Math.round(this.opts.feeRate(this, rng) * wallet.habits.feeFactor * 10) / 10);
  }

  /**
   * Pays `outputs` from `from` following the wallet's habits; returns null when the wallet
   * cannot afford it. The transaction goes into the block being assembled.
   */
  pay(from: SimWallet, outputs: Output[], truth: TxTruth, opts: Partial<PayOptions> & { rng?: Rng; onConfirmed?: (s: Sent) => void } = {}): Sent | null {
    const rng = opts.rng ?? this.rng;
    const h = from.habits;
    let payment: Payment;
    try {
      payment = from.pay(
        outputs.map((o) => ({ value: o.value, script: o.to.script })),
        rng,
        {
          feeRate: opts.feeRate ?? this.feeRate(from, rng),
          spendHeight: this.height,
          shuffleOutputs: opts.shuffleOutputs ?? h.shuffleOutputs,
          sequence: opts.sequence ?? (h.rbf ? 0xfffffffd : h.antiFeeSniping ? 0xfffffffe : SEQUENCE_FINAL),
          locktime: opts.locktime ?? (h.antiFeeSniping ? this.height - 1 : 0),
          changeKey: opts.changeKey,
          coins: opts.coins,
          sweep: opts.sweep,
        },
      );
    } catch (err) {
      if (err instanceof InsufficientFunds) return null;
      throw err;
    }
    const receivers: (Receiver | null)[] = [];
    let j = 0;
    for (let vout = 0; vout < payment.tx.outputs.length; vout++) {
      if (vout === payment.changeVout) receivers.push(null);
      else receivers.push(outputs[j++].to);
    }
    const sent: Sent = { tx: payment.tx, enc: payment.enc, fee: payment.fee, changeVout: payment.changeVout };
    this.pending.push({ sent, receivers, truth, onConfirmed: opts.onConfirmed });
    this.touched.add(from);
    if (payment.changeVout >= 0) this.noteChange(from, payment);
    return sent;
  }

  /** Adds a transaction built by hand (CoinJoins, multi-party spends); the coins must already be taken from their wallets. */
  submit(tx: Tx, enc: EncodedTx, receivers: (Receiver | null)[], truth: TxTruth, fee: number, onConfirmed?: (s: Sent) => void): Sent {
    const sent: Sent = { tx, enc, fee, changeVout: -1 };
    this.pending.push({ sent, receivers, truth, onConfirmed });
    return sent;
  }

  private noteChange(from: SimWallet, payment: Payment): void {
    // The wallet credited its change itself (unconfirmed); record the address's truth at seal time.
    const utxo = from.utxos[from.utxos.length - 1];
    this.changeTruth.push({ script: payment.tx.outputs[payment.changeVout].script, wallet: from, keyIndex: utxo.key.index });
  }
  private changeTruth: { script: Uint8Array; wallet: SimWallet; keyIndex: number }[] = [];

  // ---- the block loop ------------------------------------------------------------------------

  /** Runs blocks until the next block's time would pass `endTime`. */
  run(endTime: number, onBlock?: (engine: Engine, block: AppendedBlock) => void): void {
    for (;;) {
      const time = this.recentTimes.length ? nextBlockTime(this.rng.fork(`time/${this.height}`), this.recentTimes) : this.now;
      if (time > endTime) break;
      this.now = time;
      let fn: ((e: Engine) => void) | undefined;
      while ((fn = this.queue.popDue(time)) !== undefined) fn(this);
      for (const actor of this.actors) actor.onBlock?.(this);
      const block = this.seal();
      onBlock?.(this, block);
    }
  }

  private seal(): AppendedBlock {
    const cb = this.opts.coinbase(this);
    const pending = this.pending;
    this.pending = [];
    const txs: BlockTx[] = pending.map((p) => ({ tx: p.sent.tx, enc: p.sent.enc }));
    const block = this.ledger.appendBlock(txs, { time: this.now, payTo: cb.receiver.script, tag: cb.tag });
    const height = block.height;

    // Coinbase: credit the pool, record truth.
    cb.receiver.wallet.credit({ txid: block.txids[0], vout: 0, value: block.coinbaseValue, key: cb.receiver.key, kind: cb.receiver.wallet.kind, height, coinbase: true });
    this.recordAddress(cb.receiver.script, cb.receiver.wallet, cb.receiver.key.index, 'coinbase');
    this.truth.tx(block.txIds[0], { intent: 'coinbase', entityId: cb.receiver.wallet.entityId }, -1);

    for (const w of this.touched) w.confirmPending(height);
    this.touched.clear();
    for (const c of this.changeTruth) this.recordAddress(c.script, c.wallet, c.keyIndex, 'change');
    this.changeTruth = [];

    pending.forEach((p, i) => {
      const txId = block.txIds[i + 1];
      const txid = block.txids[i + 1];
      p.sent.txId = txId;
      p.sent.height = height;
      p.receivers.forEach((r, vout) => {
        if (!r) return;
        r.wallet.credit({ txid, vout, value: p.sent.tx.outputs[vout].value, key: r.key, kind: r.wallet.kind, height, coinbase: false });
        this.recordAddress(r.script, r.wallet, r.key.index, r.role);
      });
      this.truth.tx(txId, p.truth, p.sent.changeVout);
      p.onConfirmed?.(p.sent);
    });
    this.truth.flush();
    this.txCount += pending.length + 1;
    this.blockCount++;
    this.recentTimes.push(this.now);
    if (this.recentTimes.length > 11) this.recentTimes.shift();
    this.height = height + 1;
    return block;
  }

  private recordAddress(script: Uint8Array, wallet: SimWallet, keyIndex: number, role: AddressRole): void {
    const id = this.ledger.addressIdOf(script);
    if (id !== undefined) this.truth.address(id, wallet.id, keyIndex, role);
  }

  /** Coins spendable in the block being assembled. */
  spendable(wallet: SimWallet): WalletUtxo[] {
    return wallet.spendable(this.height);
  }

  balance(wallet: SimWallet): number {
    return wallet.balance(this.height);
  }
}
