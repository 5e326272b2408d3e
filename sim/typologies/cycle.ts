// Cycle (round-tripping): the actor's coins pass through a chain of wallets that look like other
// people's and come back to the actor's own wallet, to dress up the funds as income or to break
// a naive forward trace.
import { defineTypology } from './typology.ts';
import type { CommonParams, Range } from './params.ts';
import { forward, sideWallet } from './scatter-gather.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { SimWallet } from '../sim-wallet.ts';

export interface CycleParams extends CommonParams {
  intermediaries: Range;
  kinds: 'same' | 'mixed';
  delayMinutes: Range;
}

export const cycle = defineTypology<CycleParams>({
  name: 'cycle',
  summary: "the actor's coins pass whole through a chain of intermediary wallets and return to the actor's own wallet",
  params: {
    intermediaries: 'whole number | [min, max], 1–20 (default [2, 5]) — wallets the coins pass through before returning',
    kinds: "'same' | 'mixed' (default 'mixed') — intermediaries use the actor's address type, or each its own",
    delayMinutes: 'number | [min, max] (default [60, 4320]) — wait between moves',
  },
  amount: { unit: 'usd', range: [3_000, 30_000] },
  read: (r, common) => ({
    ...common,
    intermediaries: r.range('intermediaries', 1, 20, [2, 5], true),
    kinds: r.oneOf('kinds', ['same', 'mixed'] as const, 'mixed'),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [60, 4_320]),
  }),
  start(run, p, amount) {
    const home = run.actor.wallet;
    const k = run.rng.int(p.intermediaries[0], p.intermediaries[1]);
    run.source(amount, 'coins', (src) => {
      const hops = Array.from({ length: k }, (_, i) => sideWallet(run, `via${i}`, p.kinds));
      const step = (i: number, wallet: SimWallet, coin: WalletUtxo): void => {
        run.later(run.delay(p.delayMinutes), () => {
          if (i < k) {
            if (!forward(run, wallet, coin, hops[i], i, 'cycle', (c) => step(i + 1, hops[i], c))) run.fail('stalled', `move ${i} could not be paid`);
            return;
          }
          // Home again: a fresh address of the wallet the money left from.
          const back = home.freshAddress('receive');
          run.extras.returnAddress = home.addressOf(back.script);
          const sent = run.pay(wallet, [{ to: back, value: 0 }], {
            stage: k,
            intent: 'cycle',
            coins: [coin],
            sweep: true,
            then: (s) => {
              run.amounts.returned = s.tx.outputs[0].value;
              // No end entity: the money is back with the actor (summary.returnAddress says where).
              run.finish();
            },
          });
          if (!sent) run.fail('stalled', 'the return could not be paid');
        });
      };
      const first = hops[0].freshAddress('receive');
      const sent = run.pay(src.wallet, [{ to: first, value: src.coins ? 0 : src.value }], {
        stage: 0,
        intent: 'cycle',
        coins: src.coins,
        sweep: src.coins !== undefined,
        hold: [0],
        then: (_s, [c]) => {
          run.amounts.left = c.value;
          step(1, hops[0], c);
        },
      });
      if (!sent) run.fail('stalled', 'the first move could not be paid');
    });
  },
});
