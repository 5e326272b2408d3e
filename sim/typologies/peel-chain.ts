// Peel chain: one large coin is spent again and again; each hop "peels" a small payment off to
// someone (often an exchange deposit address) and sends the large remainder to a fresh change
// address of the same wallet, which the next hop spends. The last remainder is deposited at a KYC
// exchange. (Meiklejohn et al. 2013; Kappos et al. 2022, "How to Peel a Million".)
import type { SimWallet } from '../sim-wallet.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import { txidHex } from '../../chain/tx.ts';
import { roundDownSats } from '../calibration/distributions.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import { TrailParamError, type CommonParams, type EndSpec, type ParamReader, type Range } from './params.ts';
import { destination, endExchange, ownDeposit, PEEL_DESTINATIONS, type PeelDestination } from './destinations.ts';
import type { TrailRun } from './run.ts';

export interface PeelPlan {
  hops: Range;
  peelShare: Range;
  peelTo: PeelDestination[];
  end: EndSpec;
  delayMinutes: Range;
}

export type PeelChainParams = CommonParams & PeelPlan;

export const PEEL_PARAM_DOCS = {
  hops: 'whole number | [min, max], 1–500 (default [6, 14]) — peel hops before the cash-out',
  peelShare: 'number | [min, max], 0.001–0.33 (default [0.02, 0.15]) — each peel as a share of the coin it is cut from; the change stays at least twice the peel',
  peelTo: "list of 'exchange' | 'holder' | 'merchant' (default ['exchange', 'holder']) — who receives the peels: other customers' exchange deposit addresses, ordinary holders, shops",
  end: "'exchange' | 'exchange:<id>' | 'none' (default 'exchange': a KYC exchange) — where the remainder is deposited, into the actor's own (KYC) account",
  delayMinutes: 'number | [min, max], 0–43200 (default [20, 1440]) — wait between hops, drawn log-uniformly',
};

export function readPeelPlan(r: ParamReader, defaults: Partial<PeelPlan> = {}): PeelPlan {
  const peelShare = r.range('peelShare', 0.001, 0.33, defaults.peelShare ?? [0.02, 0.15]);
  if (peelShare[1] > 1 / 3) throw new TrailParamError(`${r.path}.peelShare`, 'a peel above a third of the coin would not leave the larger change');
  return {
    hops: r.range('hops', 1, 500, defaults.hops ?? [6, 14], true),
    peelShare,
    peelTo: r.listOf('peelTo', PEEL_DESTINATIONS, defaults.peelTo ?? ['exchange', 'holder']),
    end: r.end('end', defaults.end ?? { kind: 'exchange' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, defaults.delayMinutes ?? [20, 1_440]),
  };
}

/**
 * Runs a peel chain from `coin` (held by the trail, owned by `wallet`) with hops numbered from
 * `stage`. Calls run.finish when the remainder reaches the end.
 */
export function runPeelChain(run: TrailRun, wallet: SimWallet, coin: WalletUtxo, stage: number, plan: PeelPlan): void {
  const rng = run.rng.fork(`peel/${stage}`);
  const hops = rng.int(plan.hops[0], plan.hops[1]);
  const peels: number[] = [];
  run.amounts.peels = peels;
  run.amounts.chainStart = coin.value;
  let done = 0;

  const step = (c: WalletUtxo): void => {
    if (done >= hops) return cashOut(c);
    const share = plan.peelShare[0] + (plan.peelShare[1] - plan.peelShare[0]) * rng.float();
    let peel = Math.floor(c.value * share);
    // Peels are payments; some are typed as round BTC amounts.
    if (rng.bool(0.3)) {
      const round = roundDownSats(peel, peel >= 10_000_000 ? 5 : 4);
      if (round >= 10_000) peel = round;
    }
    if (peel < 10_000 || c.value - peel < 3 * peel) return cashOut(c);
    const to = destination(run.world, rng, rng.pick(plan.peelTo));
    const sent = run.pay(wallet, [{ to, value: peel }], {
      stage: stage + done,
      intent: 'peel_hop',
      coins: [c],
      hold: ['change'],
      then: (_s, [next]) => {
        done++;
        run.later(run.delay(plan.delayMinutes), () => step(next));
      },
    });
    if (!sent) return run.fail('stalled', `peel hop ${done} could not be paid`);
    peels.push(peel);
  };

  const cashOut = (c: WalletUtxo): void => {
    run.extras.peelHops = done;
    if (plan.end.kind === 'none') {
      // The remainder stays with the actor: give the coin back to the wallet.
      wallet.credit(c);
      run.amounts.remaining = c.value;
      return run.finish();
    }
    const exchange = endExchange(run.world, plan.end, rng);
    const sent = run.pay(wallet, [{ to: ownDeposit(run.world, exchange, run.actor.entityId, rng), value: 0 }], {
      stage: stage + done,
      intent: 'exchange_deposit',
      coins: [c],
      sweep: true,
      attrs: { cashOut: true },
      then: (s) => {
        run.endEntityId = exchange.entityId;
        run.amounts.cashedOut = s.tx.outputs[0].value;
        run.finish(txidHex(s.enc.txid));
      },
    });
    if (!sent) run.fail('stalled', 'the cash-out could not be paid');
  };

  step(coin);
}

export const peelChain = defineTypology<PeelChainParams>({
  name: 'peel_chain',
  summary: 'a large coin peeled hop by hop (one small payment, one large change each), the remainder cashed out at a KYC exchange',
  params: PEEL_PARAM_DOCS,
  amount: { unit: 'usd', range: [8_000, 60_000] },
  read: (r, common) => ({ ...common, ...readPeelPlan(r) }),
  check(world, p, path) {
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  start(run, p, amount) {
    run.source(amount, 'single', (src) => {
      if (src.coins!.length === 1) return runPeelChain(run, src.wallet, src.coins![0], 0, p);
      // Several funding coins: gather them into one first (hop 0), as the wallet would.
      const sent = run.pay(src.wallet, [{ to: src.wallet.freshAddress('receive'), value: 0 }], {
        stage: 0,
        intent: 'consolidation',
        coins: src.coins,
        sweep: true,
        hold: [0],
        then: (_s, [coin]) => {
          run.base += 1;
          run.later(run.delay([10, 240]), () => runPeelChain(run, src.wallet, coin, 0, p));
        },
      });
      if (!sent) run.fail('stalled', 'could not gather the funding coins');
    });
  },
});
