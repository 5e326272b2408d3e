import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { generateWorld } from '../../sim/world.ts';
import { WorldOptionsError, type TrailOptions } from '../../sim/options.ts';
import { TYPOLOGIES, validateTrails, TrailParamError } from '../../sim/typologies/index.ts';
import { SMALL_WORLD, tmpWorld } from './typologies.fixture.ts';

const trail = (typology: string, params: Record<string, unknown>, extra: Partial<TrailOptions> = {}): TrailOptions => ({ id: 't', typology, actor: 'new:user', day: 1, params, ...extra });

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('typology parameters', () => {
  it('every typology accepts no parameters (all have defaults) and documents each parameter', () => {
    for (const t of TYPOLOGIES.values()) {
      const p = t.validate({}) as unknown as Record<string, unknown>;
      expect(p.maxWaitDays, t.name).toBe(5);
      expect(Object.keys(t.params).length, t.name).toBeGreaterThan(3);
      for (const doc of Object.values(t.params)) expect(doc.length).toBeGreaterThan(10);
    }
  });

  it('reads numbers as ranges and keeps the given values', () => {
    const p = TYPOLOGIES.get('peel_chain')!.validate({ hops: 7, peelShare: [0.05, 0.1], amountBtc: 1.5, peelTo: 'holder', end: 'exchange:bitvale' }) as any;
    expect(p.hops).toEqual([7, 7]);
    expect(p.peelShare).toEqual([0.05, 0.1]);
    expect(p.amount).toEqual({ unit: 'btc', range: [1.5, 1.5] });
    expect(p.explicitAmount).toBe(true);
    expect(p.peelTo).toEqual(['holder']);
    expect(p.end).toEqual({ kind: 'exchange', exchange: 'exchange:bitvale' });
  });

  it('rejects bad parameters with the field path and what was expected', () => {
    const cases: [TrailOptions, RegExp][] = [
      [trail('peel_chain', { hops: 0 }), /^trails\[0\]\.params\.hops: expected a whole number from 1 to 500, got 0$/],
      [trail('peel_chain', { hops: 2.5 }), /^trails\[0\]\.params\.hops: expected a whole number/],
      [trail('peel_chain', { peelShare: [0.2, 0.1] }), /^trails\[0\]\.params\.peelShare\[1\]: max 0\.1 is below min 0\.2$/],
      [trail('peel_chain', { peelShare: 0.5 }), /^trails\[0\]\.params\.peelShare: expected a number from 0\.001 to 0\.33, got 0\.5$/],
      [trail('peel_chain', { peelShare: [0.1, 'x'] }), /^trails\[0\]\.params\.peelShare\[1\]: expected a number/],
      [trail('peel_chain', { peelTo: ['exchange', 'bank'] }), /^trails\[0\]\.params\.peelTo\[1\]: expected one of 'exchange', 'holder', 'merchant', got "bank"$/],
      [trail('peel_chain', { end: 'bank' }), /^trails\[0\]\.params\.end: expected 'exchange' \(any KYC exchange\), 'exchange:<id>' or 'none'/],
      [trail('peel_chain', { hopz: 3 }), /^trails\[0\]\.params\.hopz: unknown parameter; expected one of hops, /],
      [trail('peel_chain', { amountBtc: 1, amountUsd: 5 }), /^trails\[0\]\.params\.amountUsd: give amountBtc or amountUsd, not both$/],
      [trail('peel_chain', { amountUsd: -5 }), /^trails\[0\]\.params\.amountUsd: expected a number from 1 to/],
      [trail('fan_in', { from: 'aliens' }), /^trails\[0\]\.params\.from: expected one of 'mules', 'holders', got "aliens"$/],
      [trail('fan_out', { outputs: [5, 2000] }), /^trails\[0\]\.params\.outputs\[1\]: expected a whole number from 2 to 1000, got 2000$/],
      [trail('consolidation', { lowFee: 'yes' }), /^trails\[0\]\.params\.lowFee: expected true or false, got "yes"$/],
      [trail('exchange_cashout', { exchange: 'none' }), /^trails\[0\]\.params\.exchange: expected 'exchange' \(any KYC exchange\) or 'exchange:<id>'/],
      [trail('mixer_pass', { mixer: 'exchanger:swapnest' }), /^trails\[0\]\.params\.mixer: expected a name such as 'mixer:<id>'/],
      [trail('coinjoin', { style: 'joinmarket' }), /^trails\[0\]\.params\.style: expected one of 'whirlpool', 'wasabi'/],
      [trail('gambling_layering', { lossShare: 0.95 }), /^trails\[0\]\.params\.lossShare: expected a number from 0 to 0\.9/],
      [trail('address_swap_theft', { then: 'burn' }), /^trails\[0\]\.params\.then: expected one of 'peel', 'exchange', 'mixer'/],
      [trail('peel_chain', [] as never), /^trails\[0\]\.params: expected an object of parameters/],
      [trail('peel_chian', {}), /^trails\[0\]\.typology: unknown typology "peel_chian"; expected one of peel_chain, /],
    ];
    for (const [t, message] of cases) {
      const err = errorOf(() => validateTrails([t]));
      expect(err, JSON.stringify(t.params)).toBeInstanceOf(WorldOptionsError);
      expect(err).toBeInstanceOf(TrailParamError);
      expect(err.message).toMatch(message);
    }
    expect(errorOf(() => validateTrails([trail('cycle', {}), trail('cycle', {})])).message).toMatch(/^trails\[1\]\.id: trail id "t" is used twice$/);
  });

  it('any params object either validates or fails with a ParamError at a path under params', () => {
    const names = [...TYPOLOGIES.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.dictionary(fc.constantFrom('hops', 'sources', 'outputs', 'end', 'amountUsd', 'delayMinutes', 'peelShare', 'from', 'to', 'x'), fc.anything()), (name, params) => {
        try {
          TYPOLOGIES.get(name)!.validate(params, 'p');
        } catch (err) {
          expect(err).toBeInstanceOf(TrailParamError);
          expect((err as Error).message).toMatch(/^p(\.[A-Za-z]+(\[\d\])?)?: /);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('valid ranges always come back ordered and inside the allowed bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.001, max: 0.33, noNaN: true }), (a, b, share) => {
        const p = TYPOLOGIES.get('peel_chain')!.validate({ hops: [Math.min(a, b), Math.max(a, b)], peelShare: share }) as any;
        expect(p.hops[0]).toBeLessThanOrEqual(p.hops[1]);
        expect(p.peelShare).toEqual([share, share]);
      }),
    );
  });
});

describe('trails that name what the world does not have', () => {
  const world = (trails: TrailOptions[]) => () => generateWorld({ ...SMALL_WORLD, days: 1, background: { users: 20 }, trails }, tmpWorld());
  const cases: [TrailOptions, RegExp][] = [
    [trail('cycle', {}, { actor: 'new:dragon' }), /^trails\[0\]\.actor: 'new:<kind>' takes one of user, vendor, /],
    [trail('cycle', {}, { actor: 'market:nowhere' }), /^trails\[0\]\.actor: no actor named "market:nowhere"; known: exchange:bitvale, /],
    [trail('mixer_pass', { mixer: 'mixer:nope' }), /^trails\[0\]\.params\.mixer: no service named "mixer:nope"; known: mixer:fogbank$/],
    [trail('peel_chain', { end: 'exchange:mtgox' }), /^trails\[0\]\.params\.end: no exchange named "exchange:mtgox"; known: exchange:bitvale, exchange:coinsteppe, exchange:kryptomarkt$/],
    [trail('fan_in', {}, { actor: 'exchange:bitvale', params: { fundingExchange: 'exchange:nope' } }), /^trails\[0\]\.params\.fundingExchange: no exchange named/],
  ];
  for (const [t, message] of cases) {
    it(`${t.typology} on ${t.actor} ${JSON.stringify(t.params)}`, () => {
      const err = errorOf(world([t]));
      expect(err).toBeInstanceOf(WorldOptionsError);
      expect(err.message).toMatch(message);
    });
  }

  it('a world without mixers refuses a mixer pass', () => {
    const err = errorOf(() => generateWorld({ ...SMALL_WORLD, days: 1, background: { users: 20 }, mixers: [], trails: [trail('mixer_pass', {})] }, tmpWorld()));
    expect(err.message).toMatch(/^trails\[0\]\.params\.mixer: the world has no mixer service$/);
  });
});
