// Vendor exit: a vendor with a good name takes a last round of (often prepaid) orders without
// shipping them, then disappears: it leaves the market and withdraws everything it was paid —
// through its own cash-out route, or through a laundering typology if the scenario names one.
import type { Vendor, CashOutRoute } from '../markets/vendor.ts';
import { defineEvent, readLaunder, LAUNDER_DOC, type LaunderSpec } from './event.ts';
import { marketNamed, vendorNamed } from './targets.ts';
import type { Range } from '../typologies/params.ts';

export interface VendorExitParams {
  takeDays: Range;
  route?: CashOutRoute;
  lateDays: Range;
  launder?: LaunderSpec;
}

const ROUTES = ['kyc_exchange', 'instant_exchanger', 'p2p', 'mixer', 'hold'] as const;

export const vendorExit = defineEvent<VendorExitParams, Vendor>({
  kind: 'vendor_exit',
  summary: 'a vendor takes orders it never ships for some days, leaves the market and cashes out everything',
  target: "'market:<id>/vendor:<n>' or 'market:<id>/vendor:top' (its most popular vendor)",
  params: {
    takeDays: 'number | [min, max], 0–30 (default [3, 10]) — days from the event day during which the vendor keeps taking orders it means to keep the money for (listed in the exit row; the market is not told)',
    route: "'kyc_exchange' | 'instant_exchanger' | 'p2p' | 'mixer' | 'hold' (default: the vendor's habit) — how the vendor cashes out",
    lateDays: 'number | [min, max], 0–30 (default [2, 5]) — after the exit, payouts that still arrive are withdrawn once more this many days later',
    launder: LAUNDER_DOC,
  },
  read: (r) => ({
    takeDays: r.range('takeDays', 0, 30, [3, 10]),
    route: r.has('route') ? r.oneOf('route', ROUTES, 'hold') : undefined,
    lateDays: r.range('lateDays', 0, 30, [2, 5]),
    launder: readLaunder(r),
  }),
  resolve: (world, ref, path) => {
    marketNamed(world, ref.split('/')[0], path);
    return vendorNamed(world, ref, path);
  },
  start(run, vendor, p) {
    const world = run.world;
    const e = world.engine;
    const market = marketNamed(world, run.event.target.split('/')[0], 'target');
    const from = e.now;
    const until = e.now + run.days(p.takeDays);
    run.setStatus(vendor.entityId, { status: 'selective_scam', scamFrom: from, scamUntil: until });
    run.record('selective_scam', vendor.entityId, { handle: vendor.handle, from, until });
    run.later(until - e.now, () => {
      vendor.retire();
      const orders = market.orders.filter((o) => o.vendor === vendor && o.createdAt >= from);
      const taken = orders.filter((o) => o.paidAt !== null);
      run.setStatus(vendor.entityId, { status: 'exited', exitedAt: e.now });
      run.record('exit', vendor.entityId, {
        handle: vendor.handle,
        ordersTaken: taken.length,
        takenUsd: Math.round(taken.reduce((s, o) => s + o.usd, 0) * 100) / 100,
        orderIds: taken.slice(0, 500).map((o) => o.id),
      });
      if (p.launder) {
        run.launder(p.launder, 'vendor', { entityId: vendor.entityId, wallet: vendor.wallet, name: vendor.handle });
        return;
      }
      const withdraw = (round: number) => {
        const c = vendor.cashOut(e, { route: p.route }, run.rng.fork(`cashout/${round}`));
        // The cash-out's hops are built over the next hours; record them a day later.
        if (c) run.later(86_400, () => run.record('cashout', vendor.entityId, { round, id: c.id, route: c.route, destination: c.destination, txids: c.txids, delivered: c.delivered }));
      };
      withdraw(0);
      run.later(run.days(p.lateDays), () => withdraw(1));
    });
  },
});
