// Ledger throughput: build, hash and store transactions end to end in bulk mode.
// Usage: node bin/run-ts.js bench/ledger.ts [--txs N]   (prints one JSON line)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, type BlockTx } from '../chain/ledger.ts';
import { KeyDeriver, type DerivedKey } from '../chain/keys.ts';
import { Wallet, InsufficientFunds } from '../chain/wallet.ts';
import { Rng } from '../chain/rng.ts';
import { blockSubsidy } from '../chain/consensus.ts';
import type { AddressKind } from '../chain/types.ts';
import { peakRssMb } from './memory.ts';

const argTxs = process.argv.indexOf('--txs');
const target = argTxs > 0 ? Number(process.argv[argTxs + 1]) : 1_000_000;
const TXS_PER_BLOCK = 2_500;
const WALLETS = Math.min(20_000, Math.max(200, Math.floor(target / 50)));
const KINDS: AddressKind[] = ['p2wpkh', 'p2wpkh', 'p2wpkh', 'p2sh-p2wpkh', 'p2pkh', 'p2tr'];

const dir = mkdtempSync(join(tmpdir(), 'onion-bench-'));
const file = join(dir, 'bench.sqlite');
const started = performance.now();
const ledger = Ledger.create(file, { network: 'mainnet', startHeight: 617_000, startTime: 1_580_515_200, seed: 'bench' });
const deriver = new KeyDeriver('bench');
const rng = Rng.fromSeed('bench').fork('payments');
const bank = new Wallet(deriver, 0, 'p2wpkh');
const wallets = Array.from({ length: WALLETS }, (_, i) => new Wallet(deriver, i + 1, KINDS[i % KINDS.length]));
ledger.beginBulk();

interface Credit { wallet: Wallet; key: DerivedKey; vout: number; value: number }
let txCount = 0;
/** Wallets that paid in the block being built: only their change is pending confirmation. */
const payers = new Set<Wallet>();
function mine(txs: BlockTx[], credits: Credit[][]): void {
  const r = bank.receive();
  const b = ledger.appendBlock(txs, { payTo: r.script, tag: '/bench/' });
  for (const w of payers) w.confirmPending(b.height);
  payers.clear();
  bank.confirmPending(b.height);
  credits.forEach((cs, i) => {
    for (const c of cs) c.wallet.credit({ txid: b.txids[i + 1], vout: c.vout, value: c.value, key: c.key, kind: c.wallet.kind, height: b.height, coinbase: false });
  });
  bank.credit({ txid: b.txids[0], vout: 0, value: blockSubsidy(b.height) + 0, key: r.key, kind: 'p2wpkh', height: b.height, coinbase: true });
  txCount += txs.length + 1;
}

// Enough mature coinbases to fund every wallet, then fan out: one coinbase pays 100 wallets.
const FANOUT = 100;
for (let i = 0; i < Math.ceil(WALLETS / FANOUT) + 100; i++) mine([], []);
{
  const txs: BlockTx[] = [];
  const credits: Credit[][] = [];
  const height = ledger.tip()!.height + 1;
  const each = Math.floor((blockSubsidy(height) - 100_000) / FANOUT);
  for (let start = 0; start < WALLETS; start += FANOUT) {
    const outs = wallets.slice(start, start + FANOUT).map((w) => ({ w, r: w.receive() }));
    const p = bank.pay(outs.map((o) => ({ value: each, script: o.r.script })), rng, { feeRate: 2, spendHeight: height });
    txs.push({ tx: p.tx, enc: p.enc });
    credits.push(outs.map((o, j) => ({ wallet: o.w, key: o.r.key, vout: p.changeVout >= 0 && j >= p.changeVout ? j + 1 : j, value: each })));
  }
  mine(txs, credits);
}

// Payments between wallets until the target count.
while (txCount < target) {
  const txs: BlockTx[] = [];
  const credits: Credit[][] = [];
  const height = ledger.tip()!.height + 1;
  const n = Math.min(TXS_PER_BLOCK, target - txCount - 1);
  let attempts = 0;
  while (txs.length < n && attempts < n * 4) {
    attempts++;
    const from = wallets[rng.int(0, WALLETS - 1)];
    const bal = from.balance(height);
    if (bal < 200_000) continue;
    const to = wallets[rng.int(0, WALLETS - 1)];
    const r = to.receive();
    const value = Math.floor(bal * (0.2 + 0.6 * rng.float()));
    let p;
    try {
      p = from.pay([{ value, script: r.script }], rng, { feeRate: rng.int(1, 30), spendHeight: height, shuffleOutputs: true });
    } catch (err) {
      if (err instanceof InsufficientFunds) continue;
      throw err;
    }
    payers.add(from);
    txs.push({ tx: p.tx, enc: p.enc });
    credits.push([{ wallet: to, key: r.key, vout: p.changeVout >= 0 && p.changeVout <= 0 ? 1 : 0, value }]);
  }
  mine(txs, credits);
}
const built = performance.now();
ledger.endBulk();
const done = performance.now();
const tip = ledger.tip()!;
ledger.close();
const bytes = statSync(file).size;
rmSync(dir, { recursive: true, force: true });
const seconds = (done - started) / 1000;
console.log(
  JSON.stringify({
    bench: 'ledger',
    txs: txCount,
    blocks: tip.height - 617_000 + 1,
    seconds: Number(seconds.toFixed(2)),
    indexSeconds: Number(((done - built) / 1000).toFixed(2)),
    txPerSecond: Math.round(txCount / seconds),
    peakRssMb: peakRssMb(),
    fileMb: Math.round(bytes / 1e6),
  }),
);
