// Migration: after a market is taken down (seized or exit-scammed), some of its vendors re-appear
// on another market, most under the same handle. Each pays the new market's vendor bond from a
// wallet it used before — the on-chain link an investigator can follow — and the link between the
// old and the new vendor is recorded.
import type { MarketBase } from '../markets/market-core.ts';
import type { Vendor } from '../markets/vendor.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { defineEvent } from './event.ts';
import { marketNamed } from './targets.ts';
import type { Range } from '../typologies/params.ts';

export interface MigrationParams {
  to?: string;
  share: Range;
  delayDays: Range;
  keepHandle: number;
  bondUsd: Range;
}

export const migration = defineEvent<MigrationParams, { from: MarketBase; to: MarketBase }>({
  kind: 'migration',
  summary: 'vendors of a market that was taken down re-appear on another market (same or similar handle), paying its vendor bond',
  target: "'market:<id>' (the market taken down)",
  params: {
    to: "'market:<id>' (default: the world's first other market) — where the vendors go",
    share: 'number | [min, max], 0–1 (default [0.3, 0.6]) — share of the vendors who move',
    delayDays: 'number | [min, max], 0–60 (default [1, 10]) — each vendor re-appears this many days after the event day',
    keepHandle: 'number 0–1 (default 0.7) — chance a vendor keeps its handle (else a variant of it)',
    bondUsd: 'number | [min, max], 0–10000 (default [100, 500]) — vendor bond paid to the new market (0: none)',
  },
  read: (r) => ({
    to: r.ref('to', 'market', undefined),
    share: r.range('share', 0, 1, [0.3, 0.6]),
    delayDays: r.range('delayDays', 0, 60, [1, 10]),
    keepHandle: r.number('keepHandle', 0, 1, 0.7),
    bondUsd: r.range('bondUsd', 0, 10_000, [100, 500]),
  }),
  resolve: (world, ref, path, p) => {
    const from = marketNamed(world, ref, path);
    const other = [...world.registry.keys()].find((k) => /^market:[^/]+$/.test(k) && k !== ref);
    const to = marketNamed(world, p.to ?? other ?? '(no other market)', path.replace(/target$/, 'params.to'));
    return { from, to };
  },
  start(run, { from, to }, p) {
    const world = run.world;
    const e = world.engine;
    const rng = run.rng;
    const pool = rng.shuffle(from.vendors.slice());
    const share = p.share[0] + (p.share[1] - p.share[0]) * rng.float();
    const movers = pool.slice(0, Math.round(share * pool.length));
    run.record('takedown_link', from.entityId, { from: from.ref, to: to.ref, vendors: movers.length });
    movers.forEach((v, i) => {
      run.later(run.days(p.delayDays) + i, () => reappear(v));
    });

    function reappear(v: Vendor): void {
      const same = rng.bool(p.keepHandle);
      const handle = same ? v.handle : variant(v.handle, rng.int(0, 3), rng.int(1, 99));
      const id = e.entity('vendor', handle, to.entityId, { migratedFrom: v.entityId, fromMarket: from.ref, market: to.ref, sameHandle: same, event: run.id });
      v.retire();
      const link = { fromVendor: v.entityId, fromRef: v.ref, fromMarket: from.ref, toMarket: to.ref, handle: v.handle, newHandle: handle, sameHandle: same };
      const bondUsd = p.bondUsd[0] + (p.bondUsd[1] - p.bondUsd[0]) * rng.float();
      const bond = bondUsd > 0 ? usdToSats(Math.round(bondUsd / 10) * 10, e.now) : 0;
      if (!bond) return run.record('migration', id, { ...link, bond: null });
      const payBond = (tries: number): void => {
        const wallet = [v.personal, v.wallet].find((w) => e.balance(w) >= bond + 30_000);
        const sent = wallet && e.pay(wallet, [{ to: to.depositWallet.freshAddress('deposit'), value: bond }], { intent: 'vendor_bond', entityId: v.entityId, attrs: { event: run.id, newVendor: id, market: to.ref } }, { rng });
        if (sent) return run.whenSealed([sent], ([txid]) => run.record('migration', id, { ...link, bond: { txid, sats: bond, fromWallet: wallet === v.personal ? 'personal' : 'payout' } }));
        if (tries === 0) {
          // Nothing left after the takedown: the vendor buys the bond at an exchange in its own name.
          const exchange = world.exchangeList.find((x) => x.account(v.entityId));
          if (exchange) exchange.withdraw(v.personal.address('receive'), bond + rng.int(40_000, 120_000), { intent: 'exchange_withdrawal', entityId: v.entityId });
        }
        if (tries < 24) run.later(3_600, () => payBond(tries + 1));
        else run.record('migration', id, { ...link, bond: null });
      };
      payBond(0);
    }
  },
});

/** A handle a returning vendor might take: the old one with a suffix, a prefix or new digits. */
function variant(handle: string, style: number, n: number): string {
  const base = handle.replace(/\d+$/, '');
  if (style === 0) return `${handle}_official`;
  if (style === 1) return `${base}${n}`;
  if (style === 2) return `the${base.charAt(0).toUpperCase()}${base.slice(1)}`;
  return `${handle}_${['back', 'new', 'v2'][n % 3]}`;
}
