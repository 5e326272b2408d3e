// Exit scam: the market's operators announce "maintenance" and freeze withdrawals while orders keep
// coming in; days later they stop the market and sweep the deposit and escrow/hot wallets into
// their own wallet (intent 'exit_scam'), then sweep the stragglers that confirm afterwards. The
// maintenance notice is flagged on the market entity for the web pages of a later issue.
import type { MarketBase } from '../markets/market-core.ts';
import { defineEvent, readLaunder, LAUNDER_DOC, type LaunderSpec } from './event.ts';
import { closeMarket, marketNamed } from './targets.ts';
import { drawHabits, drawWalletKind } from '../typologies/actor.ts';
import type { Range } from '../typologies/params.ts';

export interface ExitScamParams {
  freezeDays: Range;
  launder?: LaunderSpec;
}

export const exitScam = defineEvent<ExitScamParams, MarketBase>({
  kind: 'exit_scam',
  summary: 'the market freezes withdrawals behind a maintenance notice, then its operators sweep deposits and escrow into their own wallet',
  target: "'market:<id>'",
  params: {
    freezeDays: 'number | [min, max], 0–30 (default [2, 6]) — days of "maintenance" (withdrawals frozen, orders still taken) before the sweep',
    launder: LAUNDER_DOC,
  },
  read: (r) => ({ freezeDays: r.range('freezeDays', 0, 30, [2, 6]), launder: readLaunder(r) }),
  resolve: (world, ref, path) => marketNamed(world, ref, path),
  start(run, market, p) {
    const world = run.world;
    const e = world.engine;
    market.freezeWithdrawals();
    run.setStatus(market.entityId, { status: 'maintenance', notice: 'maintenance', noticeSince: e.now });
    run.record('freeze', market.entityId, { notice: 'maintenance', escrowOwed: market.escrowHeld() });
    run.later(run.days(p.freezeDays), () => {
      const kind = drawWalletKind(world, run.rng);
      const operators = e.entity('user', world.names.person(run.rng), market.entityId, { role: 'market_operator', market: market.ref, event: run.id });
      const wallet = e.wallet(operators, 'exit', kind, drawHabits(run.rng, kind));
      const to = wallet.freshAddress('receive');
      const owed = market.escrowHeld();
      closeMarket(market);
      run.setStatus(market.entityId, { status: 'exit_scam', notice: 'maintenance', noticeSince: run.time, exitAt: e.now });
      const sweep = (round: number) => {
        const sents = market.sweepAll(e, to, { intent: 'exit_scam', entityId: operators, attrs: { event: run.id, market: market.ref } }, run.rng.fork(`sweep/${round}`));
        if (sents.length === 0) return;
        run.whenSealed(sents, (txids, heights) =>
          run.record('sweep', operators, { round, txids, heights, taken: sents.reduce((s, x) => s + x.tx.outputs[0].value, 0), escrowOwed: round === 0 ? owed : undefined, address: wallet.addressOf(to.script) }),
        );
      };
      sweep(0);
      // Deposits still confirming when the market went dark are swept as they arrive.
      run.later(6 * 3_600, () => sweep(1));
      run.later(30 * 3_600, () => sweep(2));
      if (p.launder) run.launder(p.launder, 'operators', { entityId: operators, wallet, name: 'operators' });
    });
  },
});
