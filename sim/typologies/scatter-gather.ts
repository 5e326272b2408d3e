// Scatter–gather: the actor splits its coins across several wallets of its own (fan-out), each
// branch moves on through a few wallets on its own schedule, and all branches come back together
// at one address (fan-in), from which the lot is deposited at a KYC exchange. The branches look
// like unrelated people; only their timing and the shared gather address tie them together.
import type { SimWallet } from '../sim-wallet.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import { txidHex } from '../../chain/tx.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { endExchange, ownDeposit } from './destinations.ts';
import { splitSats } from './amounts.ts';
import { drawHabits, drawWalletKind } from './actor.ts';
import type { TrailRun } from './run.ts';

export interface ScatterGatherParams extends CommonParams {
  branches: Range;
  layers: Range;
  kinds: 'same' | 'mixed';
  delayMinutes: Range;
  end: EndSpec;
}

/** A wallet of the actor's for one leg of the trail: same address type as its main wallet, or any. */
export function sideWallet(run: TrailRun, label: string, kinds: 'same' | 'mixed'): SimWallet {
  const kind = kinds === 'same' ? run.actor.wallet.kind : drawWalletKind(run.world, run.rng);
  return run.engine.wallet(run.actor.entityId, `trail:${run.id}/${label}`, kind, kinds === 'same' ? run.actor.wallet.habits : drawHabits(run.rng, kind));
}

/** Sends `coin` whole to a fresh address of `to` (one input, one output) and hands on the new coin. */
export function forward(run: TrailRun, from: SimWallet, coin: WalletUtxo, to: SimWallet, stage: number, intent: 'layering' | 'cycle' | 'fan_in', next: (c: WalletUtxo) => void): boolean {
  const sent = run.pay(from, [{ to: to.freshAddress('receive'), value: 0 }], { stage, intent, coins: [coin], sweep: true, hold: [0], then: (_s, [c]) => next(c) });
  return sent !== null;
}

export const scatterGather = defineTypology<ScatterGatherParams>({
  name: 'scatter_gather',
  summary: "the actor's coins split across several of its own wallets, moved on separately, then gathered at one address and deposited at a KYC exchange",
  params: {
    branches: 'whole number | [min, max], 2–100 (default [4, 10]) — wallets the coins are split across',
    layers: 'whole number | [min, max], 0–10 (default [0, 2]) — further wallets each branch passes through before the gather',
    kinds: "'same' | 'mixed' (default 'mixed') — branch wallets use the actor's address type, or each its own",
    delayMinutes: 'number | [min, max] (default [30, 2880]) — wait between the moves of a branch',
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — where the gathered coins are deposited (the actor's own account)",
  },
  amount: { unit: 'usd', range: [10_000, 80_000] },
  read: (r, common) => ({
    ...common,
    branches: r.range('branches', 2, 100, [4, 10], true),
    layers: r.range('layers', 0, 10, [0, 2], true),
    kinds: r.oneOf('kinds', ['same', 'mixed'] as const, 'mixed'),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [30, 2_880]),
    end: r.end('end', { kind: 'exchange' }),
  }),
  check(world, p, path) {
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  start(run, p, amount) {
    const rng = run.rng;
    run.source(amount, 'coins', (src) => {
      const n = rng.int(p.branches[0], p.branches[1]);
      const layers = rng.int(p.layers[0], p.layers[1]);
      const parts = splitSats(src.coins ? Math.floor(src.value * 0.985) : src.value, n, rng, 50_000);
      const branches = parts.map((_, i) => sideWallet(run, `branch${i}`, p.kinds));
      const gatherWallet = sideWallet(run, 'gather', p.kinds);
      const gatherAddress = gatherWallet.freshAddress('receive');
      run.extras.gatherAddress = gatherWallet.addressOf(gatherAddress.script);
      run.extras.branches = parts.length;
      run.extras.layers = layers;
      const gathered: WalletUtxo[] = [];
      let left = parts.length;
      const arrive = (c: WalletUtxo | null) => {
        if (c) gathered.push(c);
        if (--left === 0) finish();
      };
      const finish = () => {
        if (gathered.length === 0) return run.fail('stalled', 'no branch reached the gather address');
        run.amounts.gathered = gathered.reduce((s, c) => s + c.value, 0);
        const end = p.end;
        if (end.kind === 'none') {
          for (const c of gathered) gatherWallet.credit(c);
          return run.finish();
        }
        run.later(run.delay(p.delayMinutes), () => {
          const exchange = endExchange(run.world, end, rng);
          const sent = run.pay(gatherWallet, [{ to: ownDeposit(run.world, exchange, run.actor.entityId, rng), value: 0 }], {
            stage: layers + 2,
            intent: 'exchange_deposit',
            coins: gathered,
            sweep: true,
            then: (s) => {
              run.endEntityId = exchange.entityId;
              run.amounts.cashedOut = s.tx.outputs[0].value;
              run.finish(txidHex(s.enc.txid));
            },
          });
          if (!sent) run.fail('stalled', 'the deposit of the gathered coins could not be paid');
        });
      };
      // Each branch: `layers` moves through fresh wallets, then one payment to the gather address.
      const branch = (i: number, wallet: SimWallet, coin: WalletUtxo, layer: number): void => {
        run.later(run.delay(p.delayMinutes), () => {
          if (layer < layers) {
            const next = sideWallet(run, `branch${i}/layer${layer + 1}`, p.kinds);
            if (!forward(run, wallet, coin, next, 1 + layer, 'layering', (c) => branch(i, next, c, layer + 1))) arrive(null);
            return;
          }
          const sent = run.pay(wallet, [{ to: gatherAddress, value: 0 }], { stage: 1 + layers, intent: 'fan_in', coins: [coin], sweep: true, hold: [0], then: (_s, [c]) => arrive(c) });
          if (!sent) arrive(null);
        });
      };
      const sent = run.pay(src.wallet, parts.map((v, i) => ({ to: branches[i].freshAddress('receive'), value: v })), {
        stage: 0,
        intent: 'fan_out',
        coins: src.coins,
        sweep: src.coins !== undefined,
        hold: parts.map((_, i) => i),
        then: (_s, held) => held.forEach((c, i) => branch(i, branches[i], c, 0)),
      });
      if (!sent) run.fail('stalled', 'the scatter could not be paid');
    });
  },
});
