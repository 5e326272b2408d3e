// A small, plausible demo ledger from a fixed seed: mining pools, an exchange and ordinary users
// paying each other. The lab serves it until the world simulator builds full worlds.
import { Ledger } from './ledger.ts';
import { KeyDeriver, type DerivedKey } from './keys.ts';
import { Wallet, InsufficientFunds } from './wallet.ts';
import { Rng } from './rng.ts';
import { savePools } from './pools.ts';
import type { AddressKind, TxOut } from './types.ts';
import { COIN } from './types.ts';

export interface DemoOptions {
  seed?: string;
  blocks?: number;
  /** Unix seconds of the first block; defaults to 2020-02-01 00:00 UTC. */
  startTime?: number;
  startHeight?: number;
}

const POOLS = [
  { tag: '/Harborlight Pool/', weight: 0.35, kind: 'p2wpkh' as AddressKind },
  { tag: '/Northwind Mining/', weight: 0.3, kind: 'p2pkh' as AddressKind },
  { tag: '/Cinderblock/', weight: 0.2, kind: 'p2sh-p2wpkh' as AddressKind },
  { tag: '/Quarry.pool/', weight: 0.15, kind: 'p2wpkh' as AddressKind },
];

const USER_KINDS: AddressKind[] = ['p2wpkh', 'p2wpkh', 'p2wpkh', 'p2sh-p2wpkh', 'p2sh-p2wpkh', 'p2pkh', 'p2pkh', 'p2tr'];

interface Pending {
  wallet: Wallet;
  key: DerivedKey;
  vout: number;
  value: number;
}

export function buildDemoChain(file: string, opts: DemoOptions = {}): Ledger {
  const seed = opts.seed ?? 'demo';
  const blocks = opts.blocks ?? 300;
  const ledger = Ledger.create(file, {
    network: 'mainnet',
    startHeight: opts.startHeight ?? 617_000,
    startTime: opts.startTime ?? 1_580_515_200,
    seed,
  });
  const root = Rng.fromSeed(seed).fork('demo');
  const deriver = new KeyDeriver(seed);
  let nextWallet = 0;
  const pools = POOLS.map((p) => ({ ...p, wallet: new Wallet(deriver, nextWallet++, p.kind) }));
  const exchange = new Wallet(deriver, nextWallet++, 'p2sh-p2wpkh');
  const users = Array.from({ length: 80 }, (_, i) => new Wallet(deriver, nextWallet++, USER_KINDS[i % USER_KINDS.length]));
  const everyone = [...pools.map((p) => p.wallet), exchange, ...users];
  savePools(ledger, pools.map((p) => ({ tag: p.tag, payTo: p.wallet.receive().script, weight: p.weight })));

  ledger.beginBulk();
  for (let i = 0; i < blocks; i++) {
    const height = ledger.settings.startHeight + i;
    const rng = root.fork(`block/${height}`);
    const txs: Parameters<Ledger['appendBlock']>[0] = [];
    const credits: Pending[][] = [];
    const pay = (from: Wallet, to: { wallet: Wallet; value: number }[], feeRate: number) => {
      const outs: TxOut[] = [];
      const pend: Pending[] = [];
      for (const t of to) {
        const r = t.wallet.receive();
        pend.push({ wallet: t.wallet, key: r.key, vout: -1, value: t.value });
        outs.push({ value: t.value, script: r.script });
      }
      try {
        const p = from.pay(outs, rng, { feeRate, spendHeight: height, shuffleOutputs: rng.bool(0.5) });
        // Map each recipient to its vout (the change may have been inserted before it).
        pend.forEach((c, j) => (c.vout = p.changeVout >= 0 && j >= p.changeVout ? j + 1 : j));
        txs.push({ tx: p.tx, enc: p.enc });
        credits.push(pend);
      } catch (err) {
        if (!(err instanceof InsufficientFunds)) throw err;
      }
    };
    const feeRate = () => Math.max(1, Math.round(rng.lognormal(12, 0.6)));

    // Pools pay miners (here: users and the exchange) in batches from matured coinbases.
    for (const pool of pools) {
      if (pool.wallet.balance(height) > 5 * COIN && rng.bool(0.6)) {
        const n = rng.int(8, 30);
        const share = Math.floor(pool.wallet.balance(height) / (n + 2));
        pay(pool.wallet, Array.from({ length: n }, () => ({ wallet: rng.bool(0.3) ? exchange : rng.pick(users), value: Math.floor(share * (0.3 + rng.float())) })), feeRate());
      }
    }
    // The exchange pays out withdrawals in one batch.
    if (exchange.balance(height) > COIN && rng.bool(0.5)) {
      const n = rng.int(3, 12);
      pay(exchange, Array.from({ length: n }, () => ({ wallet: rng.pick(users), value: roundish(rng, rng.lognormal(0.05, 1.2) * COIN) })), feeRate());
    }
    // Ordinary users pay each other and deposit to the exchange.
    const payments = rng.int(5, 25);
    for (let k = 0; k < payments; k++) {
      const from = rng.pick(users);
      const bal = from.balance(height);
      if (bal < 100_000) continue;
      const value = Math.min(Math.floor(bal * 0.9), roundish(rng, rng.lognormal(0.01, 1.3) * COIN));
      if (value < 10_000) continue;
      pay(from, [{ wallet: rng.bool(0.2) ? exchange : rng.pick(users), value }], feeRate());
    }

    const pool = rng.weighted(pools, pools.map((p) => p.weight));
    const coinbaseKey = pool.wallet.receive();
    const block = ledger.appendBlock(txs, { payTo: coinbaseKey.script, tag: pool.tag });
    for (const w of everyone) w.confirmPending(height);
    credits.forEach((pend, t) => {
      for (const c of pend) {
        c.wallet.credit({ txid: block.txids[t + 1], vout: c.vout, value: c.value, key: c.key, kind: c.wallet.kind, height, coinbase: false });
      }
    });
    pool.wallet.credit({ txid: block.txids[0], vout: 0, value: block.coinbaseValue, key: coinbaseKey.key, kind: pool.wallet.kind, height, coinbase: true });
  }
  ledger.endBulk();
  return ledger;
}

/** People pay round-ish amounts: a share of payments are rounded to 2–4 significant digits. */
function roundish(rng: Rng, sats: number): number {
  const v = Math.max(1000, Math.floor(sats));
  if (!rng.bool(0.4)) return v;
  const digits = rng.int(2, 4);
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(v)) - digits + 1);
  return Math.round(v / scale) * scale;
}
