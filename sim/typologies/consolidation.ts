// Consolidation: many small coins of the actor (a vendor's order payments, a scammer's takings)
// spent together in one transaction into a single output, at a low fee rate as consolidating
// wallets do — the common-input-ownership heuristic's textbook case.
import type { WalletUtxo } from '../../chain/wallet.ts';
import { txidHex } from '../../chain/tx.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { endExchange, ownDeposit } from './destinations.ts';
import { splitSats } from './amounts.ts';

export interface ConsolidationParams extends CommonParams {
  inputs: Range;
  to: EndSpec;
  lowFee: boolean;
}

export const consolidation = defineTypology<ConsolidationParams>({
  name: 'consolidation',
  summary: "many of the actor's coins spent together into one output (its own fresh address or its exchange account)",
  params: {
    inputs: "whole number | [min, max], 2–600 (default [20, 60]) — coins spent together; a 'new:' actor receives this many separate payments first",
    to: "'none' | 'exchange' | 'exchange:<id>' (default 'none': a fresh address of the actor's own wallet) — where the single output goes",
    lowFee: 'true | false (default true) — pay half the going fee rate, as consolidations are not urgent',
  },
  amount: { unit: 'usd', range: [2_000, 20_000] },
  read: (r, common) => ({ ...common, inputs: r.range('inputs', 2, 600, [20, 60], true), to: r.end('to', { kind: 'none' }), lowFee: r.bool('lowFee', true) }),
  check(world, p, path) {
    if (p.to.kind === 'exchange' && p.to.exchange) exchangeNamed(world, p.to.exchange, `${path}.to`);
  },
  funding(run, p, amount) {
    return splitSats(amount, run.rng.int(p.inputs[0], p.inputs[1]), run.rng, 30_000);
  },
  start(run, p, amount) {
    const w = run.actor.wallet;
    const e = run.engine;
    const spend = (coins: WalletUtxo[]) => {
      const to = p.to;
      const exchange = to.kind === 'exchange' ? endExchange(run.world, to, run.rng) : null;
      const receiver = exchange ? ownDeposit(run.world, exchange, run.actor.entityId, run.rng) : w.freshAddress('receive');
      const feeRate = p.lowFee ? Math.max(1, Math.round(e.feeRate(w, run.rng) * 5) / 10) : undefined;
      const sent = run.pay(w, [{ to: receiver, value: 0 }], {
        stage: 0,
        intent: 'consolidation',
        coins,
        sweep: true,
        feeRate,
        attrs: { inputs: coins.length },
        then: (s) => {
          run.amounts.inputs = coins.length;
          run.amounts.consolidated = s.tx.outputs[0].value;
          // Consolidated to itself, the money stays with the actor: no end entity.
          run.endEntityId = exchange ? exchange.entityId : null;
          run.finish(txidHex(s.enc.txid));
        },
      });
      if (!sent) run.fail('stalled', 'the consolidation could not be paid');
    };
    if (run.actor.fresh) return run.source(amount, 'coins', (src) => spend(src.coins!));
    // A named actor consolidates the small coins it has collected, smallest first; it stops its
    // routine withdrawals meanwhile, and after half its waiting time settles for what it has.
    const want = run.rng.int(p.inputs[0], p.inputs[1]);
    const resume = run.pauseActor();
    const settleFor = e.now + (p.maxWaitDays * 86_400) / 2;
    const smallest = () => e.spendable(w).sort((a, b) => a.value - b.value).slice(0, want);
    run.waitUntil(
      () => e.spendable(w).length >= want || (e.now >= settleFor && e.spendable(w).length >= 2),
      e.now + p.maxWaitDays * 86_400,
      () => {
        resume();
        spend(smallest());
      },
      () => {
        resume();
        run.fail('unfunded', `${run.actor.ref} held fewer than 2 coins to consolidate`);
      },
    );
  },
});
