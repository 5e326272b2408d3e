// Seizure: law enforcement takes the market down — it stops at once, a seizure banner replaces
// it, and the market's wallets are swept to a law-enforcement seizure address (intent 'seizure'),
// with the wallets of any vendors arrested alongside.
import type { MarketBase } from '../markets/market-core.ts';
import type { Receiver } from '../sim-wallet.ts';
import { defineEvent } from './event.ts';
import { closeMarket, marketNamed } from './targets.ts';
import type { Range } from '../typologies/params.ts';

export interface SeizureParams {
  agency: string;
  country: string;
  vendors: Range;
}

export const seizure = defineEvent<SeizureParams, MarketBase>({
  kind: 'seizure',
  summary: "law enforcement seizes the market: it stops, its wallets (and arrested vendors' wallets) are swept to a seizure address",
  target: "'market:<id>'",
  params: {
    agency: "string (default 'Joint Cybercrime Task Force') — the (fictional) seizing agency named on the banner",
    country: "string (default 'DE') — the agency's country",
    vendors: "whole number | [min, max], 0–100 (default 0) — vendors arrested with the market (those holding the most); their payout and personal wallets are seized too",
  },
  read: (r) => ({ agency: r.string('agency', 'Joint Cybercrime Task Force'), country: r.string('country', 'DE', 2), vendors: r.range('vendors', 0, 100, [0, 0], true) }),
  resolve: (world, ref, path) => marketNamed(world, ref, path),
  start(run, market, p) {
    const world = run.world;
    const e = world.engine;
    const key = `law_enforcement:${p.agency.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    let le = world.registry.get(key) as { entityId: number; to: Receiver; address: string } | undefined;
    if (!le) {
      const entityId = e.entity('law_enforcement', p.agency, null, { country: p.country });
      const wallet = e.wallet(entityId, 'seizure', 'p2wpkh', { reuseAddress: true, shuffleOutputs: false });
      const to = wallet.address('seizure');
      le = { entityId, to, address: wallet.addressOf(to.script) };
      world.register(key, le);
    }
    const agency = le;
    closeMarket(market);
    run.setStatus(market.entityId, { status: 'seized', seizedAt: e.now, banner: { agency: p.agency, country: p.country } });
    const n = run.rng.int(p.vendors[0], p.vendors[1]);
    // The investigation that took the market down went after its biggest earners.
    const holdings = (v: (typeof market.vendors)[number]) => e.balance(v.wallet) + e.balance(v.personal);
    const arrested = market.vendors
      .map((v) => ({ v, held: holdings(v) }))
      .sort((a, b) => b.held - a.held || a.v.entityId - b.v.entityId)
      .slice(0, n)
      .map((x) => x.v);
    const sweep = (round: number) => {
      const rng = run.rng.fork(`sweep/${round}`);
      const truth = { intent: 'seizure' as const, entityId: agency.entityId, attrs: { event: run.id, market: market.ref } };
      const sents = market.sweepAll(e, agency.to, truth, rng);
      if (round === 0) {
        for (const v of arrested) {
          v.retire();
          for (const w of [v.wallet, v.personal]) {
            const coins = e.spendable(w);
            if (coins.length === 0) continue;
            const s = e.pay(w, [{ to: agency.to, value: 0 }], { ...truth, attrs: { ...truth.attrs, vendor: v.ref } }, { rng, coins, sweep: true });
            if (s) sents.push(s);
          }
        }
      }
      if (sents.length === 0) return;
      run.whenSealed(sents, (txids, heights) =>
        run.record('seizure', agency.entityId, {
          round,
          agency: p.agency,
          address: agency.address,
          txids,
          heights,
          seized: sents.reduce((s, x) => s + x.tx.outputs[0].value, 0),
          vendorsArrested: round === 0 ? arrested.map((v) => v.entityId) : undefined,
        }),
      );
    };
    sweep(0);
    run.later(6 * 3_600, () => sweep(1));
  },
});
