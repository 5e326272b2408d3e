// Exchange cash-out: the actor deposits its coins at its own account at a KYC exchange, in one go
// or in several deposits over days — optionally each kept under a reporting threshold
// (structuring). The exchange's customer record is the trainee's way to a name.
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { Exchange } from '../actors/exchange.ts';
import { satsToUsd } from '../calibration/btc-usd.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { endExchange, ownDeposit } from './destinations.ts';
import { splitSats, spreadOffsets } from './amounts.ts';

export interface ExchangeCashoutParams extends CommonParams {
  exchange: Extract<EndSpec, { kind: 'exchange' }>;
  deposits: Range;
  spreadHours: Range;
  belowUsd?: number;
}

export const exchangeCashout = defineTypology<ExchangeCashoutParams>({
  name: 'exchange_cashout',
  summary: "the actor deposits its coins at its own KYC exchange account, in one or several deposits (optionally structured under a threshold)",
  params: {
    exchange: "'exchange' | 'exchange:<id>' (default 'exchange': a KYC exchange) — where the actor's account is",
    deposits: 'whole number | [min, max], 1–100 (default [1, 4]) — deposits the amount is split into',
    spreadHours: 'number | [min, max], 0–720 (default [1, 96]) — the deposits are spread over this many hours',
    belowUsd: 'number 50–1000000 (optional) — structuring: every deposit stays under this USD value (more deposits if needed)',
  },
  amount: { unit: 'usd', range: [2_000, 20_000] },
  read: (r, common) => {
    return {
      ...common,
      exchange: r.exchange('exchange'),
      deposits: r.range('deposits', 1, 100, [1, 4], true),
      spreadHours: r.range('spreadHours', 0, 720, [1, 96]),
      belowUsd: r.has('belowUsd') ? r.number('belowUsd', 50, 1_000_000, 0) : undefined,
    };
  },
  check(world, p, path) {
    if (p.exchange.exchange) exchangeNamed(world, p.exchange.exchange, `${path}.exchange`);
  },
  start(run, p, amount) {
    const rng = run.rng;
    const exchange: Exchange = endExchange(run.world, p.exchange, rng);
    const deposit = ownDeposit(run.world, exchange, run.actor.entityId, rng);
    run.endEntityId = exchange.entityId;
    run.source(amount, 'coins', (src) => {
      let n = rng.int(p.deposits[0], p.deposits[1]);
      const usd = satsToUsd(src.value, run.engine.now);
      if (p.belowUsd) n = Math.max(n, Math.ceil(usd / (p.belowUsd * 0.9)));
      const parts = splitSats(src.value, n, rng, 20_000, p.belowUsd !== undefined);
      const spread = p.spreadHours[0] + (p.spreadHours[1] - p.spreadHours[0]) * rng.float();
      const offsets = spreadOffsets(parts.length, parts.length > 1 ? spread : 0, rng);
      const t0 = run.engine.now;
      const deposited: number[] = [];
      run.amounts.deposits = deposited;
      const step = (i: number, coins: WalletUtxo[] | undefined): void => {
        const last = i === parts.length - 1;
        // A fresh actor's coins are chained through its change; its last deposit sweeps the rest.
        const sent = run.pay(src.wallet, [{ to: deposit, value: last && coins ? 0 : parts[i] }], {
          stage: i,
          intent: 'exchange_deposit',
          coins,
          sweep: last && coins !== undefined,
          hold: coins && !last ? ['change'] : [],
          then: (s, held) => {
            deposited.push(s.tx.outputs.reduce((sum, o, vout) => (vout === s.changeVout ? sum : sum + o.value), 0));
            if (last) return run.finish();
            run.at(Math.max(run.engine.now + 600, t0 + offsets[i + 1]), () => step(i + 1, coins ? held : undefined));
          },
        });
        if (!sent) run.fail('stalled', `deposit ${i} could not be paid`);
      };
      run.at(t0 + offsets[0], () => step(0, src.coins));
    });
  },
});
