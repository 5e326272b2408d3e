// The analysis tests' main world: a planted 6-hop peel chain that cashes out at an exchange
// deposit address among background payments, a second trail broken by a Whirlpool-style 5×5
// CoinJoin, an exchange sweep (consolidation), address reuse and self-change.
import { TestWorld } from './analysis-world.ts';
import type { Wallet } from '../../chain/wallet.ts';
import type { DerivedKey } from '../../chain/keys.ts';
import { COIN } from '../../chain/types.ts';

export const DENOMINATION = 5_000_000; // Whirlpool's 0.05 BTC pool
export const PREMIX = DENOMINATION + 1_500; // each input pays 1,500 sat of the mix fee

export interface MainWorld {
  w: TestWorld;
  entities: { exchange: number; peeler: number; actor2: number };
  wallets: Record<'deposit' | 'hot' | 'peeler' | 'actor2' | 'U1' | 'U2' | 'U3' | 'U4' | 'U5' | 'U6', Wallet>;
  participants: Wallet[];
  keys: { S6: DerivedKey; Dp: DerivedKey; Da: DerivedKey };
  /** Trail 1 txs by hop. */
  peel: number[];
  /** Trail 2 txs by hop: two peels, the CoinJoin, the post-mix spend. */
  mix: number[];
}

export function buildMainWorld(): MainWorld {
  const w = new TestWorld('main-world', { matureCoinbases: 8 });
  const exchange = w.entity('exchange', 'Meridian Exchange');
  const deposit = w.wallet(exchange, 'deposit', 'p2wpkh');
  const hot = w.wallet(exchange, 'hot', 'p2wpkh');
  const peelerE = w.entity('vendor', 'GreenLeaf');
  const peeler = w.wallet(peelerE, 'personal', 'p2wpkh');
  const actor2E = w.entity('vendor', 'NightOwl');
  const actor2 = w.wallet(actor2E, 'personal', 'p2wpkh');
  const coordinator = w.entity('coinjoin', 'Whirl coordinator');
  const userKinds = ['p2pkh', 'p2wpkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2tr', 'p2wpkh'] as const;
  const [U1, U2, U3, U4, U5, U6] = userKinds.map((k, i) => w.wallet(w.entity('user', `U${i + 1}`), 'personal', k));
  const participants = [1, 2, 3, 4].map((i) => w.wallet(w.entity('user', `P${i}`), 'personal', 'p2wpkh'));
  const trail1 = (hop: number) => ({ intent: 'peel_hop' as const, entity: peelerE, trail: 'peel-1', hop });
  const deposit_ = (entity?: number) => ({ intent: 'exchange_deposit' as const, entity });

  // Funding. actor2's coin is sized so that two peels leave exactly one premixed 0.05 BTC input.
  const f0 = w.walletFee(actor2, 1, [{ wallet: U6 }]);
  const f1 = w.walletFee(actor2, 1, [{ wallet: U4 }]);
  w.pay('fund peeler', w.miner, [{ wallet: peeler, value: 10 * COIN }], { intent: 'pool_payout' });
  w.pay('fund actor2', w.miner, [{ wallet: actor2, value: 3_000_000 + f0 + f1 + PREMIX }], { intent: 'pool_payout' });
  w.pay('fund users', w.miner, [U1, U2, U3, U4, U5, U6].map((u) => ({ wallet: u, value: 2 * COIN })), { intent: 'pool_payout' });
  w.pay('fund participants', w.miner, participants.map((p) => ({ wallet: p, value: PREMIX })), { intent: 'pool_payout' });
  w.mine();

  const S6 = w.fresh(U6); // U6's static address, paid twice below
  const Dp = w.fresh(deposit, 'deposit');
  const Da = w.fresh(deposit, 'deposit');
  const dep = () => ({ wallet: deposit, role: 'deposit' as const });

  // Block 1
  w.pay('peel 0', peeler, [{ wallet: U1, value: 50_000_000 }], trail1(0));
  w.pay('U2→U3', U2, [{ wallet: U3, value: 10_000_000 }], { intent: 'background' }, { sequence: 0xfffffffd, locktime: w.height() - 1 });
  w.pay('U4 deposit', U4, [{ ...dep(), value: 30_000_000 }], deposit_());
  w.mine();
  // Block 2
  w.pay('peel 1', peeler, [{ wallet: U2, value: 80_000_000 }], trail1(1));
  w.pay('U3→U5', U3, [{ wallet: U5, value: 5_000_000 }], { intent: 'background' });
  w.pay('U5 deposit', U5, [{ ...dep(), value: 20_000_000 }], deposit_());
  w.pay('mix 0', actor2, [{ wallet: U6, value: 1_000_000 }], { intent: 'peel_hop', entity: actor2E, trail: 'mix-1', hop: 0 });
  w.mine();
  // Block 3
  w.pay('peel 2', peeler, [{ wallet: U3, value: 30_000_000 }], trail1(2));
  w.pay('U1 deposit', U1, [{ ...dep(), value: 25_000_000 }], deposit_());
  w.pay('U1→S6', U1, [{ wallet: U6, key: S6, value: 7_000_000 }], { intent: 'background' });
  w.pay('mix 1', actor2, [{ wallet: U4, value: 2_000_000 }], { intent: 'peel_hop', entity: actor2E, trail: 'mix-1', hop: 1 });
  w.mine();
  // Block 4: the CoinJoin, actor2's coin third of five.
  w.pay('peel 3', peeler, [{ wallet: U4, value: 120_000_000 }], trail1(3));
  w.pay('U6 deposit', U6, [{ ...dep(), value: 40_000_000 }], deposit_());
  const mixers = [participants[0], participants[1], actor2, participants[2], participants[3]];
  w.spend(
    'coinjoin',
    mixers.map((m) => ({ wallet: m, utxo: m.utxos.find((u) => u.value === PREMIX)! })),
    mixers.map((m) => ({ wallet: m, value: DENOMINATION, role: 'coinjoin_output' as const })),
    { intent: 'coinjoin', entity: coordinator, trail: 'mix-1', hop: 2 },
  );
  w.mine();
  // Block 5
  w.pay('peel 4', peeler, [{ wallet: U5, value: 60_000_000 }], trail1(4));
  w.pay('U2 deposit', U2, [{ ...dep(), value: 30_000_000 }], deposit_());
  w.pay('U3 deposit', U3, [{ ...dep(), value: 10_000_000 }], deposit_());
  w.pay('U4→S6', U4, [{ wallet: U6, key: S6, value: 9_000_000 }], { intent: 'background' });
  w.mine();
  // Block 6: both trails cash out at the exchange; the other mixers spend their outputs too.
  w.pay('peel 5', peeler, [{ wallet: deposit, key: Dp, role: 'deposit', value: 2 * COIN }], trail1(5));
  w.pay('mix 3', actor2, [{ wallet: deposit, key: Da, role: 'deposit', value: 1_000_000 }], { intent: 'exchange_deposit', entity: actor2E, trail: 'mix-1', hop: 3 });
  participants.forEach((p, i) => w.pay(`P${i + 1} spends`, p, [{ wallet: [U1, U2, U3, U5][i], value: 1_000_000 }], { intent: 'background' }));
  w.pay('U1→U2', U1, [{ wallet: U2, value: 15_000_000 }], { intent: 'background' });
  w.mine();
  // Block 7: the exchange sweeps every deposit into its hot wallet, the peel's deposit first.
  const coins = [...deposit.utxos].sort((a, b) => (a.key === Dp ? -1 : b.key === Dp ? 1 : 0));
  const swept = coins.reduce((s, u) => s + u.value, 0);
  w.spend('sweep', coins.map((utxo) => ({ wallet: deposit, utxo })), [{ wallet: hot, value: swept - 5_000, role: 'hot' }], {
    intent: 'exchange_sweep',
    entity: exchange,
  });
  w.pay('U5 self-change', U5, [{ wallet: U6, value: 3_000_000 }], { intent: 'background' }, { selfChange: true });
  w.mine();
  // Block 8
  w.pay('withdrawals', hot, [{ wallet: U1, value: 50_000_000 }, { wallet: U3, value: 70_000_000 }], { intent: 'exchange_withdrawal', entity: exchange });
  w.pay('U6 two inputs', U6, [{ wallet: U2, value: 165_000_000 }], { intent: 'background' });
  // A fan-in: three payers send to one collector address, which then sweeps them.
  const collectorE = w.entity('vendor', 'Collector');
  const collector = w.wallet(collectorE, 'personal', 'p2wpkh');
  const C = w.fresh(collector);
  const fan = (hop: number) => ({ intent: hop === 0 ? ('fan_in' as const) : ('consolidation' as const), entity: collectorE, trail: 'fan-1', hop });
  [U1, U3, U5].forEach((u, i) => w.pay(`fan ${i}`, u, [{ wallet: collector, key: C, value: 10_000_000 + i * 1_000_000 }], fan(0)));
  w.mine();
  const fanned = [...collector.utxos];
  w.spend('fan sweep', fanned.map((utxo) => ({ wallet: collector, utxo })), [{ wallet: collector, value: fanned.reduce((s, u) => s + u.value, 0) - 3_000 }], fan(1));
  w.mine();

  w.trail('peel-1', 'peel_chain', peelerE, exchange);
  w.trail('mix-1', 'mixer_pass', actor2E, exchange);
  w.trail('fan-1', 'fan_in', collectorE, null);
  w.finish();
  const tx = (label: string) => w.tx.get(label)!;
  return {
    w,
    entities: { exchange, peeler: peelerE, actor2: actor2E },
    wallets: { deposit, hot, peeler, actor2, U1, U2, U3, U4, U5, U6 },
    participants,
    keys: { S6, Dp, Da },
    peel: [0, 1, 2, 3, 4, 5].map((h) => tx(`peel ${h}`)),
    mix: [tx('mix 0'), tx('mix 1'), tx('coinjoin'), tx('mix 3')],
  };
}
