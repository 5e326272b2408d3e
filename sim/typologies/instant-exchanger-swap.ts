// Instant-exchanger swap: the actor sends its coins to a no-KYC instant exchanger's deposit
// address. Either it is paid in fiat or another coin (the chain ends at the exchanger), or it
// swaps back to BTC and the exchanger pays the actor's fresh address from its own hot wallet —
// coins with no on-chain link to the deposit — which the actor then deposits at its exchange.
import type { Sent } from '../engine.ts';
import { txidHex } from '../../chain/tx.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { cashOut, serviceNamed, type ExchangerApi } from './services.ts';
import { sideWallet } from './scatter-gather.ts';

export interface InstantSwapParams extends CommonParams {
  exchanger?: string;
  payout: 'fiat' | 'btc';
  end: EndSpec;
  delayMinutes: Range;
}

const FEE_MARGIN = 30_000;

export const instantExchangerSwap = defineTypology<InstantSwapParams>({
  name: 'instant_exchanger_swap',
  summary: "the actor sells its coins to a no-KYC instant exchanger (paid in fiat), or swaps through it back into unlinked BTC that it deposits at its exchange",
  params: {
    exchanger: "'exchanger:<id>' (default: the world's first instant exchanger)",
    payout: "'fiat' | 'btc' (default 'fiat') — fiat: the trail ends at the exchanger; btc: the exchanger pays the actor fresh BTC from its hot wallet, less its fee",
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — with payout 'btc': where the swapped coins are deposited",
    delayMinutes: 'number | [min, max] (default [30, 1440]) — wait after the payout before the deposit',
  },
  amount: { unit: 'usd', range: [1_000, 10_000] },
  read: (r, common) => ({
    ...common,
    exchanger: r.ref('exchanger', 'exchanger', undefined),
    payout: r.oneOf('payout', ['fiat', 'btc'] as const, 'fiat'),
    end: r.end('end', { kind: 'exchange' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [30, 1_440]),
  }),
  check(world, p, path) {
    serviceNamed<ExchangerApi>(world, 'exchanger', p.exchanger, 'swapToBtc', `${path}.exchanger`);
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  funding: (_run, _p, amount) => [amount + FEE_MARGIN],
  start(run, p, amount) {
    const xr = serviceNamed<ExchangerApi>(run.world, 'exchanger', p.exchanger, 'swapToBtc', 'params.exchanger');
    run.source(amount, 'wallet', (src) => {
      const value = run.actor.fresh ? src.value - FEE_MARGIN : src.value;
      const sent = run.pay(src.wallet, [{ to: xr.depositAddress(run.rng), value }], {
        stage: 0,
        intent: 'instant_swap',
        attrs: { direction: 'sell', payout: p.payout },
        then: (sold) => {
          run.amounts.swapped = value;
          if (p.payout === 'fiat') {
            run.endEntityId = xr.entityId;
            return run.finish();
          }
          const out = Math.floor(value * (1 - xr.options.fee));
          const wallet = sideWallet(run, 'swapped', 'mixed');
          const hop = run.base + 1;
          xr.swapToBtc(wallet.freshAddress('receive'), out, { intent: 'instant_swap', entityId: xr.entityId, trailId: run.id, hop, attrs: { direction: 'buy', recordsLink: txidHex(sold.enc.txid) } }, (s: Sent) =>
            run.noteSealed(s, hop, 'instant_swap', () => {
              run.amounts.received = out;
              const coins = run.engine.spendable(wallet);
              wallet.take(coins);
              cashOut(run, wallet, coins, p.end, hop + 1, p.delayMinutes, true);
            }),
          );
        },
      });
      if (!sent) run.fail('stalled', 'the payment to the exchanger could not be made');
    });
  },
});
