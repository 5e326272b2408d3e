// Gather–scatter: many wallets pay one address of the actor (fan-in), and after a while the actor
// spends everything gathered in one transaction to many outputs (fan-out) — a collection point
// that redistributes, as money-mule networks and OTC brokers do.
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams } from './params.ts';
import { gather, readGatherPlan, GATHER_PARAM_DOCS, type GatherPlan } from './fan-in.ts';
import { readScatterPlan, scatter, SCATTER_PARAM_DOCS, type ScatterPlan } from './fan-out.ts';
import type { Range } from './params.ts';

export type GatherScatterParams = CommonParams & GatherPlan & ScatterPlan & { holdMinutes: Range };

export const gatherScatter = defineTypology<GatherScatterParams>({
  name: 'gather_scatter',
  summary: 'many wallets pay one address of the actor, which then spends it all in one transaction to many outputs',
  params: {
    ...GATHER_PARAM_DOCS,
    ...SCATTER_PARAM_DOCS,
    outputs: 'whole number | [min, max], 2–1000 (default [5, 20]) — outputs of the scatter transaction',
    to: "'mules' | 'exchange' | 'holder' (default 'exchange') — who the scatter pays (see fan_out)",
    holdMinutes: 'number | [min, max] (default [60, 2880]) — wait after the last arrival before the scatter',
  },
  amount: { unit: 'usd', range: [5_000, 40_000] },
  spends: false,
  read: (r, common) => ({ ...common, ...readGatherPlan(r), ...readScatterPlan(r, { outputs: [5, 20], to: 'exchange' }), holdMinutes: r.range('holdMinutes', 0, 43_200, [60, 2_880]) }),
  check(world, p, path) {
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  start(run, p, amount) {
    const w = run.actor.wallet;
    gather(run, p, amount, w, 0, 'fan_in', (coins) => {
      const value = coins.reduce((s, c) => s + c.value, 0);
      run.amounts.collected = value;
      run.later(run.delay(p.holdMinutes), () => scatter(run, p, w, coins, value, 1, () => run.finish()));
    });
  },
});
