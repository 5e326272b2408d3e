// Fan-out: one transaction splits the actor's coins across many outputs — money mules' fresh
// wallets (who may each cash out at an exchange in their own name: smurfing), other people's
// exchange deposit addresses, or ordinary holders.
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, ParamReader, Range } from './params.ts';
import { destination, endExchange, mule, ownDeposit } from './destinations.ts';
import { splitSats } from './amounts.ts';
import type { TrailActor } from './actor.ts';
import type { TrailRun } from './run.ts';

export interface ScatterPlan {
  outputs: Range;
  to: 'mules' | 'exchange' | 'holder';
  split: 'random' | 'even';
  end: EndSpec;
  delayMinutes: Range;
}

export const SCATTER_PARAM_DOCS = {
  outputs: 'whole number | [min, max], 2–1000 (default [10, 40]) — outputs of the fan-out transaction',
  to: "'mules' | 'exchange' | 'holder' (default 'mules') — mules: one new person per output (kind user, parent = the actor); exchange: other customers' deposit addresses; holder: ordinary people",
  split: "'random' | 'even' (default 'random') — uneven amounts, or near-equal ones (structuring)",
  end: "'none' | 'exchange' | 'exchange:<id>' (default 'none') — with to = 'mules': each mule then deposits its share at its own (KYC) account there",
  delayMinutes: 'number | [min, max] (default [60, 4320]) — each mule waits this long before its deposit',
};

export function readScatterPlan(r: ParamReader, defaults: { outputs: Range; to: ScatterPlan['to'] }): ScatterPlan {
  return {
    outputs: r.range('outputs', 2, 1_000, defaults.outputs, true),
    to: r.oneOf('to', ['mules', 'exchange', 'holder'] as const, defaults.to),
    split: r.oneOf('split', ['random', 'even'] as const, 'random'),
    end: r.end('end', { kind: 'none' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [60, 4_320]),
  };
}

/**
 * Pays `value` from `from` to many outputs in one transaction (stage `stage`): exactly `coins`
 * (swept) when given, else the wallet's own choice with change. Then mules cash out if asked.
 */
export function scatter(run: TrailRun, plan: ScatterPlan, from: SimWallet, coins: WalletUtxo[] | undefined, value: number, stage: number, done: () => void): void {
  const rng = run.rng.fork(`scatter/${stage}`);
  const n = rng.int(plan.outputs[0], plan.outputs[1]);
  // With exact coins the last output takes what the fee leaves (a sweep).
  const parts = splitSats(coins ? Math.floor(value * 0.985) : value, n, rng, 30_000, plan.split === 'even');
  const mules: TrailActor[] = [];
  const receivers: Receiver[] = parts.map(() => {
    if (plan.to !== 'mules') return destination(run.world, rng, plan.to);
    const m = mule(run.world, run.actor.entityId, rng, run.id);
    mules.push(m);
    return m.wallet.freshAddress('receive');
  });
  const cashOut = plan.to === 'mules' && plan.end.kind === 'exchange';
  const sent = run.pay(from, parts.map((v, i) => ({ to: receivers[i], value: v })), {
    stage,
    intent: 'fan_out',
    coins,
    sweep: coins !== undefined,
    hold: cashOut ? parts.map((_, i) => i) : [],
    attrs: { outputs: parts.length },
    then: (_s, held) => {
      run.amounts.scattered = parts.length;
      if (!cashOut) return done();
      const exchange = endExchange(run.world, plan.end as Extract<EndSpec, { kind: 'exchange' }>, rng);
      smurf(run, mules, held, exchange, stage + 1, plan.delayMinutes, done);
    },
  });
  if (!sent) run.fail('stalled', 'the fan-out could not be paid');
}

/** Each mule deposits its coin at its own account at `exchange` after its own delay. */
function smurf(run: TrailRun, mules: TrailActor[], coins: WalletUtxo[], exchange: Exchange, stage: number, delayMinutes: Range, done: () => void): void {
  let left = mules.length;
  run.endEntityId = exchange.entityId;
  const deposited: number[] = [];
  run.amounts.deposited = deposited;
  mules.forEach((m, i) => {
    run.later(run.delay(delayMinutes), () => {
      const sent = run.pay(m.wallet, [{ to: ownDeposit(run.world, exchange, m.entityId, run.rng), value: 0 }], {
        stage,
        intent: 'exchange_deposit',
        coins: [coins[i]],
        sweep: true,
        then: (s) => {
          deposited.push(s.tx.outputs[0].value);
          if (--left === 0) done();
        },
      });
      if (!sent && --left === 0) done();
    });
  });
}

export type FanOutParams = CommonParams & ScatterPlan;

export const fanOut = defineTypology<FanOutParams>({
  name: 'fan_out',
  summary: "one transaction splits the actor's coins across many outputs (mules, others' exchange deposits or holders); mules may each cash out",
  params: SCATTER_PARAM_DOCS,
  amount: { unit: 'usd', range: [5_000, 40_000] },
  read: (r, common) => ({ ...common, ...readScatterPlan(r, { outputs: [10, 40], to: 'mules' }) }),
  check(world, p, path) {
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  start(run, p, amount) {
    run.source(amount, 'coins', (src) => scatter(run, p, src.wallet, src.coins, src.value, 0, () => run.finish()));
  },
});
