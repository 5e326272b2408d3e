// Market hack: an attacker drains (part of) the market's hot wallet to its own address (intent
// 'hack'); the market freezes withdrawals "for maintenance" for a few days, then resumes.
import type { MarketBase } from '../markets/market-core.ts';
import type { Sent } from '../engine.ts';
import { defineEvent, readLaunder, LAUNDER_DOC, type LaunderSpec } from './event.ts';
import { marketNamed } from './targets.ts';
import { drawHabits, drawWalletKind } from '../typologies/actor.ts';
import type { Range } from '../typologies/params.ts';

export interface MarketHackParams {
  share: Range;
  freezeDays: Range;
  launder?: LaunderSpec;
}

export const marketHack = defineEvent<MarketHackParams, MarketBase>({
  kind: 'market_hack',
  summary: "an attacker drains the market's hot wallet; the market freezes withdrawals for a few days",
  target: "'market:<id>'",
  params: {
    share: 'number | [min, max], 0.01–1 (default [0.5, 0.95]) — share of the hot wallet taken (1: all of it)',
    freezeDays: 'number | [min, max], 0–30 (default [1, 4]) — days withdrawals stay frozen after the hack',
    launder: LAUNDER_DOC,
  },
  read: (r) => ({ share: r.range('share', 0.01, 1, [0.5, 0.95]), freezeDays: r.range('freezeDays', 0, 30, [1, 4]), launder: readLaunder(r) }),
  resolve: (world, ref, path) => marketNamed(world, ref, path),
  start(run, market, p) {
    const world = run.world;
    const e = world.engine;
    const rng = run.rng;
    const kind = drawWalletKind(world, rng);
    const attacker = e.entity('user', world.names.handle(rng), null, { role: 'attacker', target: market.ref, event: run.id });
    const wallet = e.wallet(attacker, 'loot', kind, drawHabits(rng, kind));
    const to = wallet.freshAddress('receive');
    const coins = e.spendable(market.hotWallet).sort((a, b) => b.value - a.value);
    const hot = coins.reduce((s, c) => s + c.value, 0);
    const share = p.share[0] + (p.share[1] - p.share[0]) * rng.float();
    const truth = { intent: 'hack' as const, entityId: attacker, attrs: { event: run.id, market: market.ref } };
    const sents: Sent[] = [];
    if (share >= 0.99) {
      for (let i = 0; i < coins.length; i += 200) {
        const s = e.pay(market.hotWallet, [{ to, value: 0 }], truth, { rng, coins: coins.slice(i, i + 200), sweep: true });
        if (s) sents.push(s);
      }
    } else if (hot > 200_000) {
      const s = e.pay(market.hotWallet, [{ to, value: Math.floor(hot * share) }], truth, { rng });
      if (s) sents.push(s);
    }
    if (sents.length === 0) return run.record('hack_failed', attacker, { reason: 'the hot wallet held nothing to take', hot });
    market.freezeWithdrawals();
    run.setStatus(market.entityId, { status: 'maintenance', notice: 'maintenance', noticeSince: e.now, hackedAt: e.now });
    run.whenSealed(sents, (txids, heights) =>
      run.record('hack', attacker, {
        txids,
        heights,
        hotBefore: hot,
        stolen: sents.reduce((s, x) => s + x.tx.outputs.reduce((t, o, vout) => (vout === x.changeVout ? t : t + o.value), 0), 0),
        address: wallet.addressOf(to.script),
      }),
    );
    run.later(run.days(p.freezeDays), () => {
      // A market that was seized or exit-scammed meanwhile stays closed.
      if (run.status(market.entityId) !== 'maintenance') return;
      market.resumeWithdrawals();
      run.setStatus(market.entityId, { status: 'open', notice: null });
      run.record('resume', market.entityId, {});
    });
    if (p.launder) run.launder(p.launder, 'attacker', { entityId: attacker, wallet, name: 'attacker' });
  },
});
