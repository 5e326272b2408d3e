// A regulated (KYC) exchange: per-customer deposit addresses, sweeps of deposits into the hot
// wallet, batched withdrawals, and moves between hot and cold storage. It keeps customer records
// (gt_exchange_accounts) so that a trainee's records request can be answered.
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { ExchangeOptions } from '../options.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import { COIN } from '../../chain/types.ts';

export interface Account {
  id: string;
  customerId: number;
  /** The customer's own deposit address at this exchange (reused, as most exchanges do). */
  deposit: Receiver;
}

interface Withdrawal {
  to: Receiver;
  value: number;
  truth: TxTruth;
  onSent?: (s: Sent) => void;
}

export class Exchange implements Actor {
  readonly name: string;
  readonly entityId: number;
  readonly hot: SimWallet;
  readonly cold: SimWallet;
  readonly deposits: SimWallet;
  private readonly accounts = new Map<number, Account>();
  private queue: Withdrawal[] = [];
  private nextAccount = 1;

  constructor(
    private readonly world: World,
    readonly options: ExchangeOptions,
  ) {
    const e = world.engine;
    this.name = `exchange:${options.id}`;
    this.entityId = e.entity('exchange', options.name, null, { id: options.id, kyc: options.kyc, country: options.country });
    this.hot = e.wallet(this.entityId, 'hot', options.addressKind, { shuffleOutputs: true, feeFactor: 1.1 });
    this.cold = e.wallet(this.entityId, 'cold', 'p2wpkh', { reuseAddress: true, shuffleOutputs: false, feeFactor: 0.6 });
    this.deposits = e.wallet(this.entityId, 'deposit', options.addressKind, { feeFactor: 0.5 });
  }

  /** Opens (or returns) a customer's account, with a fictional KYC record. */
  openAccount(customerId: number, rng: Rng, fullName?: string): Account {
    const existing = this.accounts.get(customerId);
    if (existing) return existing;
    const id = `${this.options.id.slice(0, 3).toUpperCase()}-${String(100000 + this.nextAccount++ * 7919 % 900000)}`;
    const account: Account = { id, customerId, deposit: this.deposits.freshAddress('deposit') };
    this.accounts.set(customerId, account);
    const names = this.world.names;
    this.world.engine.truth.account(this.entityId, id, customerId, fullName ?? names.person(rng, this.options.country), {
      born: names.birthDate(rng),
      city: names.city(rng, this.options.country),
      phone: names.phone(rng, this.options.country),
      document: `${this.options.country}${rng.int(10_000_000, 99_999_999)}`,
      opened: this.world.engine.now,
    });
    return account;
  }

  account(customerId: number): Account | undefined {
    return this.accounts.get(customerId);
  }

  /** Queues a withdrawal; it is paid in the exchange's next batch. */
  withdraw(to: Receiver, value: number, truth: TxTruth, onSent?: (s: Sent) => void): void {
    this.queue.push({ to, value, truth, onSent });
  }

  /** Coins the hot wallet can pay out now. */
  liquidity(engine: Engine): number {
    return engine.balance(this.hot);
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`${this.name}/${engine.height}`);
    if (engine.height % this.options.sweepEveryBlocks === 0) this.sweepDeposits(engine, rng);
    if (engine.height % this.options.batchEveryBlocks === 0 && this.queue.length) this.payBatch(engine, rng);
    if (engine.height % 72 === 0) this.balanceColdStorage(engine, rng);
  }

  private sweepDeposits(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.deposits);
    if (coins.length === 0) return;
    // Big sweeps are split so a transaction stays standard-sized.
    for (let i = 0; i < coins.length; i += 200) {
      const chunk = coins.slice(i, i + 200);
      engine.pay(this.deposits, [{ to: this.hot.address('hot'), value: 0 }], { intent: 'exchange_sweep', entityId: this.entityId }, { rng, coins: chunk, sweep: true });
    }
  }

  private payBatch(engine: Engine, rng: Rng): void {
    const available = this.liquidity(engine);
    const batch: Withdrawal[] = [];
    let total = 0;
    for (const w of this.queue) {
      if (batch.length >= 150 || total + w.value > available * 0.95) break;
      batch.push(w);
      total += w.value;
    }
    if (batch.length === 0) return;
    const sent = engine.pay(
      this.hot,
      batch.map((w) => ({ to: w.to, value: w.value })),
      // One batch serves many customers; per-output intents live in the withdrawal records.
      { intent: 'exchange_withdrawal', entityId: this.entityId, attrs: { withdrawals: batch.length, purposes: [...new Set(batch.map((w) => w.truth.intent))] } },
      { rng },
    );
    if (!sent) return;
    this.queue = this.queue.slice(batch.length);
    for (const w of batch) w.onSent?.(sent);
  }

  private balanceColdStorage(engine: Engine, rng: Rng): void {
    const hot = this.liquidity(engine);
    const target = 40 * COIN;
    if (hot > target * 2) {
      engine.pay(this.hot, [{ to: this.cold.address('cold'), value: Math.floor(hot - target) }], { intent: 'cold_storage', entityId: this.entityId }, { rng });
    } else if (hot < target / 2 && engine.balance(this.cold) > target) {
      engine.pay(this.cold, [{ to: this.hot.address('hot'), value: target }], { intent: 'cold_storage', entityId: this.entityId }, { rng });
    }
  }
}
