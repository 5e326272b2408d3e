// Vendors' catalogues: only the permitted categories, about two thirds drugs on the escrow market
// (more on the shop market, NPS only there), prices in the calibrated range.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../chain/rng.ts';
import { makeListings, isDrug, orderQuantity, drugShare, LISTING_CATEGORIES, type Listing, type CatalogueContext } from '../../sim/markets/listing.ts';

const EN: CatalogueContext = { marketId: 'silkway', kind: 'escrow', language: 'en', shipsFrom: 'DE', cities: [] };
const RU: CatalogueContext = { marketId: 'polarnaya', kind: 'klad', language: 'ru', shipsFrom: 'RU', cities: ['Омск', 'Тверь'] };

function catalogue(seed: string, ctx: CatalogueContext, vendors: number): Listing[] {
  const rng = Rng.fromSeed(seed);
  let n = 0;
  const out: Listing[] = [];
  for (let v = 0; v < vendors; v++) out.push(...makeListings(rng.fork(`v${v}`), ctx, 6, () => ++n));
  return out;
}

const BANNED = /weapon|gun|pistol|rifle|firearm|ammo|explosive|poison|ricin|cyanide|child|minor|оруж|пистолет|яд\b/i;

describe('market catalogues', () => {
  it('list only permitted categories, with titles, units, positive prices and unique ids', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.boolean(), (seed, ru) => {
        const ctx = ru ? RU : EN;
        const listings = catalogue(seed, ctx, 5);
        expect(new Set(listings.map((l) => l.id)).size).toBe(listings.length);
        for (const l of listings) {
          expect(LISTING_CATEGORIES).toContain(l.category);
          expect(l.title.length).toBeGreaterThan(3);
          expect(l.title).not.toMatch(BANNED);
          expect(l.unit.length).toBeGreaterThan(0);
          expect(l.priceUsd).toBeGreaterThanOrEqual(4);
          expect(Number.isInteger(l.priceUsd)).toBe(true);
          expect(l.id.startsWith(`${ctx.marketId}-L`)).toBe(true);
          if (ru) expect(ctx.cities).toContain(l.attrs.city);
          else expect(l.category).not.toBe('nps');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('make about two thirds of escrow listings drugs, and more of the shop market’s', () => {
    const en = catalogue('share', EN, 400);
    const ru = catalogue('share', RU, 400);
    const share = (ls: Listing[]) => ls.filter((l) => isDrug(l.category)).length / ls.length;
    expect(drugShare('escrow')).toBeCloseTo(0.66, 2);
    expect(Math.abs(share(en) - drugShare('escrow'))).toBeLessThan(0.06);
    expect(Math.abs(share(ru) - drugShare('klad'))).toBeLessThan(0.06);
    expect(ru.some((l) => l.category === 'nps')).toBe(true);
    for (const c of ['stolen_data', 'malware', 'forged_documents']) expect(en.some((l) => l.category === c)).toBe(true);
  });

  it('price single units so that a typical order is USD 60-90', () => {
    const rng = Rng.fromSeed('orders');
    const listings = catalogue('prices', EN, 300);
    const orders = Array.from({ length: 4000 }, () => rng.pick(listings).priceUsd * orderQuantity(rng)).sort((a, b) => a - b);
    const median = orders[orders.length >> 1];
    expect(median).toBeGreaterThanOrEqual(60);
    expect(median).toBeLessThanOrEqual(90);
  });
});
