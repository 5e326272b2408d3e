// Fan-in: many distinct wallets pay the same address of the actor over hours or days (money mules
// who bought coins at exchanges in their own names, or victims and customers drawn from ordinary
// holders). Optionally the collector then sweeps everything into its own exchange account.
import type { SimWallet } from '../sim-wallet.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { TxIntent } from '../truth/types.ts';
import type { Rng } from '../../chain/rng.ts';
import { txidHex } from '../../chain/tx.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, ParamReader, Range } from './params.ts';
import { endExchange, mule, ownDeposit } from './destinations.ts';
import { splitSats, spreadOffsets } from './amounts.ts';
import type { TrailRun } from './run.ts';

export interface GatherPlan {
  sources: Range;
  from: 'mules' | 'holders';
  spreadHours: Range;
}

export const GATHER_PARAM_DOCS = {
  sources: 'whole number | [min, max], 2–500 (default [8, 25]) — distinct wallets that pay the collector',
  from: "'mules' | 'holders' (default 'mules') — mules: new people (kind user, parent = the actor) who buy the coins at an exchange in their own name; holders: ordinary people of the world who already hold coins",
  spreadHours: 'number | [min, max], 0–720 (default [2, 72]) — the payments arrive spread over this many hours',
};

export function readGatherPlan(r: ParamReader): GatherPlan {
  return {
    sources: r.range('sources', 2, 500, [8, 25], true),
    from: r.oneOf('from', ['mules', 'holders'] as const, 'mules'),
    spreadHours: r.range('spreadHours', 0, 720, [2, 72]),
  };
}

/**
 * Has `plan.sources` distinct wallets pay `total` (split unevenly) into one fresh address of
 * `collector`, as trail stage `stage`. `done` receives the arrived coins, held by the trail.
 */
export function gather(run: TrailRun, plan: GatherPlan, total: number, collector: SimWallet, stage: number, intent: TxIntent, done: (coins: WalletUtxo[]) => void): void {
  const rng = run.rng.fork(`gather/${stage}`);
  const e = run.engine;
  const address = collector.freshAddress('receive');
  run.extras.collector = collector.addressOf(address.script);
  const parts = splitSats(total, rng.int(plan.sources[0], plan.sources[1]), rng, 50_000);
  const spread = plan.spreadHours[0] + (plan.spreadHours[1] - plan.spreadHours[0]) * rng.float();
  const offsets = spreadOffsets(parts.length, spread, rng);
  const maxWait = Number((run.params as CommonParams).maxWaitDays) * 86_400;
  const deadline = e.now + spread * 3_600 + maxWait;
  const coins: WalletUtxo[] = [];
  const payers = new Set<number>();
  let settled = 0;
  const settle = () => {
    if (++settled < parts.length) return;
    run.extras.sources = payers.size;
    if (coins.length === 0) return run.fail('stalled', 'no source paid the collector');
    done(coins);
  };
  const arrived = (_s: unknown, held: WalletUtxo[]) => {
    coins.push(...held);
    settle();
  };

  parts.forEach((value, i) => {
    const at = e.now + offsets[i];
    if (plan.from === 'mules') {
      const m = mule(run.world, run.actor.entityId, rng, run.id);
      const exchange = rng.pick(run.world.exchangeList);
      exchange.openAccount(m.entityId, rng);
      run.at(Math.max(e.now, at - rng.int(2 * 3_600, 20 * 3_600)), () =>
        exchange.withdraw(m.wallet.address('receive'), value, { intent: 'exchange_withdrawal', entityId: m.entityId, attrs: { trail: run.id } }),
      );
      run.at(at, () =>
        run.waitUntil(
          () => e.spendable(m.wallet).length > 0,
          deadline,
          () => {
            const sent = run.pay(m.wallet, [{ to: address, value: 0 }], { stage, intent, coins: e.spendable(m.wallet), sweep: true, hold: [0], then: arrived });
            if (sent) payers.add(m.entityId);
            else settle();
          },
          settle,
        ),
      );
    } else {
      run.at(at, () => {
        const payer = richHolder(run, value, rng, payers);
        if (!payer) return settle();
        const v = Math.min(value, Math.floor(e.balance(payer) * 0.8));
        const sent = run.pay(payer, [{ to: address, value: v }], { stage, intent, hold: [0], then: arrived });
        if (sent) payers.add(payer.entityId);
        else settle();
      });
    }
  });
}

/** A holder (not yet among `used` entities) who can pay about `value`: a few tries, else the richest seen. */
function richHolder(run: TrailRun, value: number, rng: Rng, used: Set<number>): SimWallet | undefined {
  const holders = run.world.holders;
  let best: SimWallet | undefined;
  let bestBalance = 0;
  for (let t = 0; t < 24 && holders.length; t++) {
    const h = rng.pick(holders);
    if (h === run.actor.wallet || used.has(h.entityId)) continue;
    const b = run.engine.balance(h);
    if (b >= value + 30_000) return h;
    if (b > bestBalance) [best, bestBalance] = [h, b];
  }
  return bestBalance >= 100_000 ? best : undefined;
}

export type FanInParams = CommonParams & GatherPlan & { end: EndSpec; delayMinutes: Range };

export const fanIn = defineTypology<FanInParams>({
  name: 'fan_in',
  summary: 'many distinct wallets pay one address of the actor; optionally the collector then deposits the lot at its exchange account',
  params: {
    ...GATHER_PARAM_DOCS,
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'none') — after the last payment, sweep the collected coins into the actor's account there",
    delayMinutes: 'number | [min, max] (default [60, 2880]) — wait after the last payment before the sweep',
  },
  amount: { unit: 'usd', range: [5_000, 40_000] },
  spends: false,
  read: (r, common) => ({ ...common, ...readGatherPlan(r), end: r.end('end', { kind: 'none' }), delayMinutes: r.range('delayMinutes', 0, 43_200, [60, 2_880]) }),
  check(world, p, path) {
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  start(run, p, amount) {
    const w = run.actor.wallet;
    gather(run, p, amount, w, 0, 'fan_in', (coins) => {
      run.amounts.collected = coins.reduce((s, c) => s + c.value, 0);
      const end = p.end;
      if (end.kind === 'none') {
        // The collected coins stay with the actor.
        for (const c of coins) w.credit(c);
        return run.finish();
      }
      run.later(run.delay(p.delayMinutes), () => {
        const exchange = endExchange(run.world, end, run.rng);
        const sent = run.pay(w, [{ to: ownDeposit(run.world, exchange, run.actor.entityId, run.rng), value: 0 }], {
          stage: 1,
          intent: 'exchange_deposit',
          coins,
          sweep: true,
          then: (s) => {
            run.endEntityId = exchange.entityId;
            run.amounts.cashedOut = s.tx.outputs[0].value;
            run.finish(txidHex(s.enc.txid));
          },
        });
        if (!sent) run.fail('stalled', 'the sweep to the exchange could not be paid');
      });
    });
  },
});
