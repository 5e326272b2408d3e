// Gambling layering: the actor deposits dirty coins at a bitcoin dice site, bets a little, and
// withdraws the rest to fresh addresses — paid from the site's hot wallet, so the coins that come
// out are not the coins that went in — then deposits them at its exchange as "winnings".
import type { Sent } from '../engine.ts';
import { txidHex } from '../../chain/tx.ts';
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { cashOut, serviceNamed, type GamblingApi } from './services.ts';
import { sideWallet } from './scatter-gather.ts';
import { splitSats } from './amounts.ts';

export interface GamblingLayeringParams extends CommonParams {
  site?: string;
  playHours: Range;
  lossShare: Range;
  withdrawals: Range;
  end: EndSpec;
  delayMinutes: Range;
}

const FEE_MARGIN = 30_000;

export const gamblingLayering = defineTypology<GamblingLayeringParams>({
  name: 'gambling_layering',
  summary: 'the actor deposits at a gambling site, loses a little, withdraws the rest from the site hot wallet and deposits it at its exchange',
  params: {
    site: "'gambling:<id>' (default: the world's first gambling site)",
    playHours: 'number | [min, max], 0–720 (default [1, 24]) — time between the deposit and the first withdrawal request',
    lossShare: 'number | [min, max], 0–0.9 (default [0.01, 0.08]) — share of the deposit lost at play',
    withdrawals: 'whole number | [min, max], 1–10 (default [1, 2]) — withdrawals the rest is taken out in',
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — where the withdrawn coins are deposited (together)",
    delayMinutes: 'number | [min, max] (default [60, 2880]) — wait after the last withdrawal before the deposit',
  },
  amount: { unit: 'usd', range: [2_000, 20_000] },
  read: (r, common) => ({
    ...common,
    site: r.ref('site', 'gambling', undefined),
    playHours: r.range('playHours', 0, 720, [1, 24]),
    lossShare: r.range('lossShare', 0, 0.9, [0.01, 0.08]),
    withdrawals: r.range('withdrawals', 1, 10, [1, 2], true),
    end: r.end('end', { kind: 'exchange' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [60, 2_880]),
  }),
  check(world, p, path) {
    serviceNamed<GamblingApi>(world, 'gambling', p.site, 'deposit', `${path}.site`);
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  funding: (_run, _p, amount) => [amount + FEE_MARGIN],
  start(run, p, amount) {
    const site = serviceNamed<GamblingApi>(run.world, 'gambling', p.site, 'deposit', 'params.site');
    const rng = run.rng;
    run.source(amount, 'wallet', (src) => {
      const value = run.actor.fresh ? src.value - FEE_MARGIN : src.value;
      const hop = run.base;
      const deposit = site.deposit(src.wallet, value, { entityId: run.actor.entityId, trailId: run.id, hop });
      if (!deposit) return run.fail('stalled', 'the deposit at the gambling site could not be paid');
      run.amounts.deposited = value;
      run.noteSealed(deposit, hop, 'gambling_deposit', () => {
        const loss = p.lossShare[0] + (p.lossShare[1] - p.lossShare[0]) * rng.float();
        const back = Math.floor(value * (1 - loss));
        const parts = splitSats(back, rng.int(p.withdrawals[0], p.withdrawals[1]), rng, 50_000);
        const wallet = sideWallet(run, 'winnings', 'mixed');
        run.amounts.lost = value - back;
        run.amounts.withdrawn = parts;
        let left = parts.length;
        const playSeconds = Math.round((p.playHours[0] + (p.playHours[1] - p.playHours[0]) * rng.float()) * 3_600);
        parts.forEach((v, i) => {
          run.later(playSeconds + i * rng.int(600, 6 * 3_600), () =>
            site.withdraw(wallet.freshAddress('receive'), v, { intent: 'gambling_payout', trailId: run.id, hop: hop + 1, attrs: { recordsLink: txidHex(deposit.enc.txid) } }, (s: Sent) =>
              run.noteSealed(s, hop + 1, 'gambling_payout', () => {
                if (--left > 0) return;
                const coins = run.engine.spendable(wallet);
                wallet.take(coins);
                cashOut(run, wallet, coins, p.end, hop + 2, p.delayMinutes, true);
              }),
            ),
          );
        });
      });
    });
  },
});
