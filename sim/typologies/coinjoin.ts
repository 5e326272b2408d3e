// CoinJoin: the actor mixes its coins in a collaborative transaction (Whirlpool: a TX0 splits them
// into pool-sized premixes, then 5-in/5-out rounds of equal outputs; Wasabi: a round of many
// participants with equal ~0.1 BTC outputs). The mixed coins are later spent one by one into the
// actor's exchange account — the kind of postmix mistake that lets an investigator through.
import { defineTypology, exchangeNamed } from './typology.ts';
import type { CommonParams, EndSpec, Range } from './params.ts';
import { cashOut, serviceNamed, type CoinJoinApi, type JoinTicketView } from './services.ts';

export interface CoinJoinParams extends CommonParams {
  style: 'whirlpool' | 'wasabi';
  end: EndSpec;
  delayMinutes: Range;
}

const FEE_MARGIN = 60_000;

export const coinjoin = defineTypology<CoinJoinParams>({
  name: 'coinjoin',
  summary: "the actor's coins enter CoinJoin rounds (Whirlpool or Wasabi) and the equal-valued outputs are later deposited at its exchange account",
  params: {
    style: "'whirlpool' | 'wasabi' (default 'whirlpool')",
    end: "'none' | 'exchange' | 'exchange:<id>' (default 'exchange') — where the mixed coins are deposited, each on its own",
    delayMinutes: 'number | [min, max] (default [120, 4320]) — wait after mixing before each deposit',
  },
  amount: { unit: 'usd', range: [2_000, 15_000] },
  read: (r, common) => ({
    ...common,
    style: r.oneOf('style', ['whirlpool', 'wasabi'] as const, 'whirlpool'),
    end: r.end('end', { kind: 'exchange' }),
    delayMinutes: r.range('delayMinutes', 0, 43_200, [120, 4_320]),
  }),
  check(world, p, path) {
    serviceNamed<CoinJoinApi>(world, 'coinjoin', 'coinjoin', 'join', `${path}.style`);
    if (p.end.kind === 'exchange' && p.end.exchange) exchangeNamed(world, p.end.exchange, `${path}.end`);
  },
  funding: (_run, _p, amount) => [amount + FEE_MARGIN],
  start(run, p, amount) {
    const service = serviceNamed<CoinJoinApi>(run.world, 'coinjoin', 'coinjoin', 'join', 'params.style');
    run.source(amount, 'wallet', (src) => {
      const value = run.actor.fresh ? src.value - FEE_MARGIN : src.value;
      const hop = run.base;
      // Whirlpool's TX0 is hop `hop` and its rounds hop + 1; Wasabi has no TX0, so its rounds come first.
      const roundHop = p.style === 'wasabi' ? hop : hop + 1;
      // A pool that runs dry leaves premixes waiting; after maxWaitDays the actor spends what was mixed.
      let done = false;
      const finish = (t: JoinTicketView): void => {
        if (done) return;
        done = true;
        run.extras.rounds = t.rounds.length;
        const mixed = () =>
          run.later(run.delay([30, 240]), () => {
            const coins = run.engine.spendable(t.postmix);
            if (coins.length === 0) return run.fail('stalled', 'no coin of the actor was mixed');
            t.postmix.take(coins);
            run.amounts.postmix = coins.map((c) => c.value);
            cashOut(run, t.postmix, coins, p.end, roundHop + 1, p.delayMinutes, false);
          });
        let left = t.rounds.length;
        if (left === 0) return mixed();
        for (const s of t.rounds) run.noteSealed(s, roundHop, 'coinjoin', () => --left === 0 && mixed());
      };
      const ticket = service.join(src.wallet, value, run.rng, {
        style: p.style,
        truth: { entityId: run.actor.entityId, trailId: run.id, hop: roundHop - 1 },
        onMixed: (t) => finish(t),
      });
      if (ticket) run.later(p.maxWaitDays * 86_400, () => finish(ticket));
      if (!ticket) return run.fail('stalled', `the ${p.style} CoinJoin did not accept ${value} sat`);
      run.extras.ticket = ticket.id;
      run.amounts.joined = value;
      if (ticket.tx0) run.noteSealed(ticket.tx0, hop, 'coinjoin_premix');
    });
  },
});
