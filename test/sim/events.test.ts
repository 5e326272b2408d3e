import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateWorld } from '../../sim/world.ts';
import { DEFAULT_WORLD, WorldOptionsError, type EventOptions, type WorldOptionsInput } from '../../sim/options.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { EVENTS, validateEvents } from '../../sim/events/index.ts';
import { SMALL_WORLD, WorldReader, tmpWorld } from './typologies.fixture.ts';

const MARKETS = DEFAULT_WORLD.markets.map((m) => ({ ...m, vendors: 12, buyers: 80, ordersPerDay: 40 }));
const WORLD: WorldOptionsInput = { ...SMALL_WORLD, days: 8, markets: MARKETS };

const EVENT_LIST: EventOptions[] = [
  { kind: 'market_hack', target: 'market:silkway', day: 1, params: { share: [0.6, 0.8], freezeDays: 1, launder: { typology: 'peel_chain', params: { hops: 3, delayMinutes: [10, 60] }, afterDays: [0.3, 0.6] } } },
  { kind: 'vendor_exit', target: 'market:polarnaya/vendor:top', day: 1, params: { takeDays: 2, lateDays: [1, 2] } },
  { kind: 'exit_scam', target: 'market:polarnaya', day: 4, params: { freezeDays: 1 } },
  { kind: 'migration', target: 'market:polarnaya', day: 5.5, params: { to: 'market:silkway', share: 0.5, delayDays: [0.1, 0.5] } },
  { kind: 'seizure', target: 'market:silkway', day: 6.5, params: { vendors: 1, agency: 'Northern Cyber Unit', country: 'NL' } },
];

interface EventRow {
  id: number;
  kind: string;
  time: number;
  height: number;
  entity_id: number | null;
  attrs: Record<string, any>;
}

describe('world events', () => {
  let r: WorldReader;
  const market = (ref: string) => r.one<{ entity_id: number; hot_wallet: number; deposit_wallet: number }>('SELECT entity_id, hot_wallet, deposit_wallet FROM gt_markets WHERE ref = ?', ref);
  const events = (kind: string, phase?: string): EventRow[] =>
    r
      .all<Omit<EventRow, 'attrs'> & { attrs: string }>('SELECT * FROM gt_events WHERE kind = ? ORDER BY id', kind)
      .map((e) => ({ ...e, attrs: JSON.parse(e.attrs) }))
      .filter((e) => phase === undefined || e.attrs.phase === phase);
  const txByTxid = (txid: string) => r.one<{ id: number }>("SELECT id FROM txs WHERE hex(txid) = upper(?)", Buffer.from(txid, 'hex').reverse().toString('hex')).id;

  beforeAll(() => {
    const file = tmpWorld();
    generateWorld({ ...WORLD, events: EVENT_LIST }, file);
    r = new WorldReader(file);
  });
  afterAll(() => r?.close());

  it('leaves a valid chain', () => {
    expect(verifyLedger(r.ledger).problems).toEqual([]);
    expect([...EVENTS.keys()].sort()).toEqual(['exit_scam', 'market_hack', 'migration', 'seizure', 'vendor_exit']);
  });

  it('market hack: the attacker drains part of the hot wallet, the market pauses, and the loot is laundered', () => {
    const silkway = market('market:silkway');
    const [hack] = events('market_hack', 'hack');
    expect(hack.attrs.stolen).toBeGreaterThan(0.5 * hack.attrs.hotBefore);
    expect(hack.attrs.stolen).toBeLessThan(0.85 * hack.attrs.hotBefore);
    const attacker = r.entity(hack.entity_id!);
    expect(attacker.attrs.role).toBe('attacker');
    const tx = r.tx(txByTxid(hack.attrs.txids[0]));
    expect(tx.intent).toBe('hack');
    expect(tx.inputs.every((i) => i.walletId === silkway.hot_wallet)).toBe(true);
    expect(tx.outputs.some((o) => o.entityId === attacker.id && o.address === hack.attrs.address)).toBe(true);
    expect(events('market_hack', 'resume')).toHaveLength(1);
    const [launder] = events('market_hack', 'launder');
    const trail = r.trail(launder.attrs.trail);
    expect(trail.summary.status).toBe('complete');
    expect(trail.actorId).toBe(attacker.id);
    const first = r.trailTxs(launder.attrs.trail)[0];
    expect(first.inputs.some((i) => i.prevTx === tx.id)).toBe(true);
  });

  it('vendor exit: the vendor takes orders, leaves, and withdraws what it was paid', () => {
    const [scam] = events('vendor_exit', 'selective_scam');
    const [exit] = events('vendor_exit', 'exit');
    const vendor = r.entity(scam.entity_id!);
    expect(vendor.kind).toBe('vendor');
    expect(vendor.attrs.status).toBe('exited');
    expect(exit.time - scam.time).toBeGreaterThan(1.9 * 86400);
    const orders = (from: number, to: number) => r.one<{ n: number }>('SELECT COUNT(*) AS n FROM gt_market_orders WHERE vendor_entity_id = ? AND created_at BETWEEN ? AND ?', vendor.id, from, to).n;
    expect(orders(scam.time, exit.time)).toBeGreaterThan(0);
    expect(orders(exit.time + 1, Number.MAX_SAFE_INTEGER)).toBe(0);
    const cashouts = events('vendor_exit', 'cashout');
    expect(cashouts.length).toBeGreaterThanOrEqual(1);
    for (const txid of cashouts.flatMap((c) => c.attrs.txids as string[])) expect(r.tx(txByTxid(txid)).entityId).toBe(vendor.id);
  });

  it('exit scam: withdrawals freeze behind a maintenance notice, then deposits and escrow go to the operators', () => {
    const polar = market('market:polarnaya');
    const [freeze] = events('exit_scam', 'freeze');
    const sweeps = events('exit_scam', 'sweep');
    expect(freeze.attrs.notice).toBe('maintenance');
    expect(sweeps.length).toBeGreaterThanOrEqual(1);
    expect(sweeps[0].time - freeze.time).toBeGreaterThan(0.9 * 86400);
    const status = r.entity(polar.entity_id).attrs;
    expect(status).toMatchObject({ status: 'exit_scam', notice: 'maintenance' });
    const operators = r.entity(sweeps[0].entity_id!);
    expect([operators.parentId, operators.attrs.role]).toEqual([polar.entity_id, 'market_operator']);
    for (const txid of sweeps.flatMap((s) => s.attrs.txids as string[])) {
      const tx = r.tx(txByTxid(txid));
      expect(tx.intent).toBe('exit_scam');
      expect(tx.inputs.every((i) => i.walletId === polar.hot_wallet || i.walletId === polar.deposit_wallet)).toBe(true);
      expect(tx.outputs.map((o) => o.entityId)).toEqual([operators.id]);
    }
    const payouts = (cond: string) => r.one<{ n: number }>(`SELECT COUNT(*) AS n FROM gt_market_payouts WHERE market_entity_id = ? AND kind = 'vendor_payout' AND time ${cond}`, polar.entity_id, freeze.time).n;
    expect(payouts('< ?')).toBeGreaterThan(0);
    expect(payouts('> ?')).toBe(0);
  });

  it('migration: vendors of the closed market re-appear on the other one, linked to their old selves and paying its bond', () => {
    const polar = market('market:polarnaya');
    const silk = market('market:silkway');
    const moves = events('migration', 'migration');
    expect(moves.length).toBeGreaterThanOrEqual(3);
    let bonds = 0;
    for (const m of moves) {
      const fresh = r.entity(m.entity_id!);
      const old = r.entity(m.attrs.fromVendor);
      expect([fresh.kind, fresh.parentId, fresh.attrs.migratedFrom]).toEqual(['vendor', silk.entity_id, old.id]);
      expect(old.parentId).toBe(polar.entity_id);
      if (m.attrs.sameHandle) expect(fresh.name).toBe(old.name);
      if (!m.attrs.bond) continue;
      bonds++;
      const bond = r.tx(txByTxid(m.attrs.bond.txid));
      expect(bond.intent).toBe('vendor_bond');
      expect(bond.inputs.every((i) => i.entityId === old.id)).toBe(true);
      expect(bond.outputs.some((o) => o.walletId === silk.deposit_wallet && o.value === m.attrs.bond.sats)).toBe(true);
    }
    expect(bonds).toBeGreaterThan(0);
  });

  it('seizure: the market stops, its wallets and an arrested vendor\'s go to the agency\'s seizure address', () => {
    const silk = market('market:silkway');
    const [seized, ...later] = events('seizure', 'seizure');
    const agency = r.entity(seized.entity_id!);
    expect([agency.kind, agency.name, agency.attrs.country]).toEqual(['law_enforcement', 'Northern Cyber Unit', 'NL']);
    expect(r.entity(silk.entity_id).attrs).toMatchObject({ status: 'seized', banner: { agency: 'Northern Cyber Unit' } });
    expect(seized.attrs.vendorsArrested).toHaveLength(1);
    const froms = new Set<number | null>();
    for (const txid of [seized, ...later].flatMap((s) => s.attrs.txids as string[])) {
      const tx = r.tx(txByTxid(txid));
      expect(tx.intent).toBe('seizure');
      expect(tx.outputs).toHaveLength(1);
      expect(tx.outputs[0].address).toBe(seized.attrs.address);
      for (const i of tx.inputs) froms.add(i.entityId);
    }
    expect(froms.has(silk.entity_id)).toBe(true);
    expect(froms.has(seized.attrs.vendorsArrested[0])).toBe(true);
    expect(r.one<{ n: number }>('SELECT COUNT(*) AS n FROM gt_market_orders WHERE market_entity_id = ? AND created_at > ?', silk.entity_id, seized.time).n).toBe(0);
  });
});

describe('event parameters', () => {
  function errorOf(fn: () => unknown): Error {
    try {
      fn();
    } catch (err) {
      return err as Error;
    }
    throw new Error('expected an error');
  }
  const ev = (kind: string, params: Record<string, unknown>, target = 'market:silkway'): EventOptions => ({ kind: kind as EventOptions['kind'], target, day: 1, params });

  it('every event documents its parameters and accepts none', () => {
    for (const m of EVENTS.values()) {
      expect(() => m.validate({})).not.toThrow();
      expect(Object.keys(m.params).length, m.kind).toBeGreaterThan(0);
    }
  });

  it('rejects bad parameters with the field path and what was expected', () => {
    const cases: [EventOptions, RegExp][] = [
      [ev('meteor', {}), /^events\[0\]\.kind: unknown event kind "meteor"; expected one of exit_scam, /],
      [ev('exit_scam', { freezeDays: -1 }), /^events\[0\]\.params\.freezeDays: expected a number from 0 to 30, got -1$/],
      [ev('exit_scam', { freezDays: 2 }), /^events\[0\]\.params\.freezDays: unknown parameter; expected one of freezeDays, launder$/],
      [ev('market_hack', { share: [0.9, 0.2] }), /^events\[0\]\.params\.share\[1\]: max 0\.2 is below min 0\.9$/],
      [ev('market_hack', { launder: { typology: 'laundromat' } }), /^events\[0\]\.params\.launder\.typology: expected one of peel_chain, /],
      [ev('market_hack', { launder: { typology: 'peel_chain', params: { hops: 0 } } }), /^events\[0\]\.params\.launder\.params\.hops: expected a whole number from 1 to 500, got 0$/],
      [ev('vendor_exit', { route: 'bank' }), /^events\[0\]\.params\.route: expected one of 'kyc_exchange', /],
      [ev('seizure', { agency: '' }), /^events\[0\]\.params\.agency: expected a non-empty string/],
      [ev('migration', { keepHandle: 2 }), /^events\[0\]\.params\.keepHandle: expected a number from 0 to 1, got 2$/],
    ];
    for (const [e, message] of cases) {
      const err = errorOf(() => validateEvents([e]));
      expect(err).toBeInstanceOf(WorldOptionsError);
      expect(err.message).toMatch(message);
    }
  });

  it('rejects targets the world does not have', () => {
    const world = (e: EventOptions) => () => generateWorld({ ...WORLD, days: 1, events: [e] }, tmpWorld());
    const cases: [EventOptions, RegExp][] = [
      [ev('vendor_exit', {}, 'market:atlantis/vendor:top'), /^events\[0\]\.target: expected a market such as 'market:<id>', got "market:atlantis"/],
      [ev('exit_scam', {}, 'market:atlantis'), /^events\[0\]\.target: expected a market such as 'market:<id>', got "market:atlantis"; known: market:silkway, market:polarnaya$/],
      [ev('seizure', {}, 'exchange:bitvale'), /^events\[0\]\.target: expected a market/],
      [ev('vendor_exit', {}, 'market:silkway/vendor:999'), /^events\[0\]\.target: expected a vendor such as 'market:<id>\/vendor:<n>' or 'market:<id>\/vendor:top', got "market:silkway\/vendor:999"$/],
      [ev('market_hack', { launder: { typology: 'mixer_pass', params: { mixer: 'mixer:nope' } } }), /^events\[0\]\.params\.launder\.params\.mixer: no service named "mixer:nope"; known: mixer:fogbank$/],
      [ev('migration', { to: 'market:atlantis' }), /^events\[0\]\.params\.to: expected a market such as 'market:<id>', got "market:atlantis"/],
    ];
    for (const [e, message] of cases) {
      const err = errorOf(world(e));
      expect(err).toBeInstanceOf(WorldOptionsError);
      expect(err.message).toMatch(message);
    }
  });
});
