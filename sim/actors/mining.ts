// Mining pools: who finds each block, and the pool payouts that bring new coins into the
// economy (miners sell at exchanges, or keep them).
import type { Engine, Coinbase, Actor } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { MiningPoolOptions } from '../options.ts';
import type { World } from '../world.ts';
import { COIN } from '../../chain/types.ts';

interface Pool {
  options: MiningPoolOptions;
  entityId: number;
  wallet: SimWallet;
  tag: string;
}

export class MiningPools implements Actor {
  readonly name = 'mining-pools';
  private readonly pools: Pool[];
  /** Miners paid by the pools: exchange deposit addresses of miner accounts, or miners' own wallets. */
  private readonly miners: Array<() => Receiver> = [];

  constructor(private readonly world: World) {
    const e = world.engine;
    this.pools = world.options.miningPools.map((p) => {
      const entityId = e.entity('mining_pool', p.name, null, { share: p.share });
      return { options: p, entityId, wallet: e.wallet(entityId, 'pool', p.addressKind, { reuseAddress: true, shuffleOutputs: false }), tag: `/${p.name}/` };
    });
  }

  /** Called once the exchanges exist: each pool gets miners who sell at exchanges and miners who hold. */
  addMiners(): void {
    const w = this.world;
    const rng = w.rng.fork('miners');
    for (let i = 0; i < 60; i++) {
      const exchange = rng.pick(w.exchangeList);
      const miner = w.engine.entity('user', w.names.person(rng, exchange.options.country), null, { miner: true });
      const account = exchange.openAccount(miner, rng);
      if (rng.bool(0.75)) this.miners.push(() => account.deposit);
      else {
        const wallet = w.engine.wallet(miner, 'personal', rng.pick(['p2wpkh', 'p2pkh', 'p2sh-p2wpkh'] as const), { reuseAddress: rng.bool(0.5) });
        w.holders.push(wallet);
        this.miners.push(() => wallet.address('receive'));
      }
    }
  }

  coinbase(engine: Engine): Coinbase {
    const rng = this.world.rng.fork(`coinbase/${engine.height}`);
    const pool = rng.weighted(this.pools, this.pools.map((p) => p.options.share));
    return { receiver: pool.wallet.address('coinbase'), tag: pool.tag };
  }

  /** Live-block pools for the lab after generation: the same pools and addresses. */
  livePools(): { tag: string; payTo: Uint8Array; weight: number }[] {
    return this.pools.map((p) => ({ tag: p.tag, payTo: p.wallet.address('coinbase').script, weight: p.options.share }));
  }

  onBlock(engine: Engine): void {
    for (const pool of this.pools) {
      const rng = this.world.rng.fork(`pool-payout/${pool.entityId}/${engine.height}`);
      // Pools pay out a few times a day in one batch (PPLNS-style), once coinbases mature.
      if (!rng.bool(1 / 24)) continue;
      const balance = engine.balance(pool.wallet);
      if (balance < 2 * COIN) continue;
      const n = Math.min(this.miners.length, rng.int(15, 50));
      const budget = balance * 0.95;
      const weights = Array.from({ length: n }, () => rng.lognormal(1, 1));
      const total = weights.reduce((a, b) => a + b, 0);
      const outputs = weights.map((wt, i) => ({ to: this.miners[(i * 7 + engine.height) % this.miners.length](), value: Math.floor((budget * wt) / total) }));
      engine.pay(pool.wallet, outputs.filter((o) => o.value > 10_000), { intent: 'pool_payout', entityId: pool.entityId }, { rng });
    }
  }
}
