// The lab's treasury: coins the lab hands out to trainees when the world is served live. Made at
// generation like any other holder: a 'lab' entity with a wallet that buys its coins at a KYC
// exchange (an account with a customer record, withdrawals paid in the exchange's ordinary
// batches) in the last warm-up blocks, so the treasury's coins have an ordinary on-chain origin
// and every trainee's allowance traces back to a regulated exchange.
import type { Actor, Engine } from '../engine.ts';
import type { World } from '../world.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import { COIN } from '../../chain/types.ts';

/** What the treasury buys: tranches × trancheSats, one exchange withdrawal (one UTXO) each. */
export const LAB_TREASURY = {
  tranches: 8,
  trancheSats: 12.5 * COIN,
  /** Starts buying this many blocks before the world's activity begins (exchanges hold coins by then). */
  startBlocksBeforeActivity: 12,
  /** Buys at an exchange only while its hot wallet holds this many times the tranche (plus what the lab already queued there). */
  liquidityCover: 3,
} as const;

export const LAB_TREASURY_REF = 'lab:treasury';
export const LAB_TREASURY_LABEL = 'treasury';

export class LabTreasury implements Actor {
  readonly name = LAB_TREASURY_REF;
  readonly entityId: number;
  readonly wallet: SimWallet;
  private readonly exchanges: Exchange[];
  private readonly startTime: number;
  private queued = 0;
  private next = 0;
  /** Sats queued at each exchange and not yet paid. */
  private readonly pending = new Map<Exchange, number>();

  constructor(private readonly world: World) {
    const e = world.engine;
    this.entityId = e.entity('lab', 'Onion Range lab treasury', null, { role: 'treasury' });
    this.wallet = e.wallet(this.entityId, LAB_TREASURY_LABEL, 'p2wpkh', { shuffleOutputs: true });
    const kyc = world.exchangeList.filter((x) => x.options.kyc);
    this.exchanges = kyc.length ? kyc : world.exchangeList;
    this.startTime = world.dayTime(0) - LAB_TREASURY.startBlocksBeforeActivity * 600;
  }

  onBlock(engine: Engine): void {
    if (this.queued >= LAB_TREASURY.tranches || engine.now < this.startTime) return;
    // At most one tranche per exchange per block, round-robin, and only where the exchange can pay it at once.
    for (let tried = 0; tried < this.exchanges.length && this.queued < LAB_TREASURY.tranches; tried++) {
      const exchange = this.exchanges[this.next++ % this.exchanges.length];
      const owed = this.pending.get(exchange) ?? 0;
      if (exchange.liquidity(engine) < LAB_TREASURY.liquidityCover * LAB_TREASURY.trancheSats + owed) continue;
      exchange.openAccount(this.entityId, this.world.rng.fork(`lab/treasury/account/${exchange.options.id}`), 'Onion Range Training Unit');
      this.pending.set(exchange, owed + LAB_TREASURY.trancheSats);
      exchange.withdraw(
        this.wallet.freshAddress('receive'),
        LAB_TREASURY.trancheSats,
        { intent: 'exchange_withdrawal', entityId: this.entityId, attrs: { lab: 'treasury' } },
        () => this.pending.set(exchange, (this.pending.get(exchange) ?? 0) - LAB_TREASURY.trancheSats),
      );
      this.queued++;
    }
  }
}

/** Creates the treasury and registers it as 'lab:treasury' (sim/world.ts adds it as an actor). */
export function createLabTreasury(world: World): LabTreasury {
  const treasury = new LabTreasury(world);
  world.register(LAB_TREASURY_REF, treasury);
  return treasury;
}
