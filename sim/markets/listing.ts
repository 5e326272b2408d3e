// A vendor's catalogue: listings with a category, a fictional product name, a unit and a USD price.
// Category shares come from the calibration (about two thirds drugs on the escrow market, more on
// the shop market). Weapons, poisons and abuse material are never listed: they exist only as
// banned-category rules text on the market pages (a later issue).
import type { Rng } from '../../chain/rng.ts';
import { CALIBRATION, type DrugCategory, type ListingCategory as CalibratedCategory, type MarketKind } from '../calibration/defaults.ts';
import { pickDrugCategory, pickListingCategory, orderUsd } from '../calibration/distributions.ts';

export type DrugListingCategory = 'cannabis' | 'stimulants' | 'ecstasy' | 'opioids' | 'psychedelics' | 'prescription' | 'nps';
export type OtherListingCategory = 'stolen_data' | 'malware' | 'forged_documents';
export type ListingCategory = DrugListingCategory | OtherListingCategory;

export const DRUG_CATEGORIES: readonly DrugListingCategory[] = ['cannabis', 'stimulants', 'ecstasy', 'opioids', 'psychedelics', 'prescription', 'nps'];
export const LISTING_CATEGORIES: readonly ListingCategory[] = [...DRUG_CATEGORIES, 'stolen_data', 'malware', 'forged_documents'];

export interface Listing {
  /** 'silkway-L00042' */
  id: string;
  category: ListingCategory;
  title: string;
  /** What one unit is: '1 g', '10 pcs', '1 file'. */
  unit: string;
  priceUsd: number;
  /** Ships from/to (escrow market) or the city of the dead drop (shop market). */
  attrs: Record<string, unknown>;
}

/** Calibrated drug classes onto the market's categories. NPS is a shop-market category; escrow markets sell research chemicals as psychedelics. */
function drugCategory(d: DrugCategory, kind: MarketKind): DrugListingCategory {
  switch (d) {
    case 'cannabis':
      return 'cannabis';
    case 'mdma':
      return 'ecstasy';
    case 'cocaine':
    case 'amphetamines':
      return 'stimulants';
    case 'opioids':
      return 'opioids';
    case 'psychedelics':
      return 'psychedelics';
    case 'nps':
      return kind === 'klad' ? 'nps' : 'psychedelics';
    case 'benzodiazepines':
    case 'prescription_other':
      return 'prescription';
  }
}

/** Fraud and services listings are stolen data (cards, accounts, fullz); digital goods are malware kits; counterfeits are forged documents. */
function otherCategory(c: Exclude<CalibratedCategory, 'drugs'>): OtherListingCategory {
  return c === 'digital' ? 'malware' : c === 'counterfeit' ? 'forged_documents' : 'stolen_data';
}

export function pickCategory(rng: Rng, kind: MarketKind): ListingCategory {
  const c = pickListingCategory(rng, kind);
  return c === 'drugs' ? drugCategory(pickDrugCategory(rng, kind), kind) : otherCategory(c);
}

/** Share of drug listings the calibration implies for a market kind (for tests and pages). */
export function drugShare(kind: MarketKind): number {
  const s = CALIBRATION.markets[kind].categoryShares;
  return s.drugs / Object.values(s).reduce((a, b) => a + b, 0);
}

// ---- fictional product names -------------------------------------------------------------------

const EN_WORDS = ['Northern', 'Velvet', 'Glacier', 'Harbor', 'Amber', 'Silver', 'Midnight', 'Cobalt', 'Orchard', 'Lantern', 'Meadow', 'Copper', 'Ivory', 'Echo', 'Solstice', 'Nimbus'];
const EN_NOUNS = ['Haze', 'Fox', 'Comet', 'Drift', 'Crown', 'Bloom', 'Falcon', 'Tide', 'Ember', 'Pine', 'Orbit', 'Rook', 'Vale', 'Quartz'];
const RU_WORDS = ['Северный', 'Бархатный', 'Ледяной', 'Янтарный', 'Серебряный', 'Полночный', 'Медный', 'Лесной', 'Степной', 'Кедровый'];
const RU_NOUNS = ['туман', 'лис', 'ветер', 'кристалл', 'сокол', 'берег', 'рассвет', 'полюс', 'дым', 'снег'];

interface Template {
  en: (name: string, rng: Rng) => string;
  ru: (name: string, rng: Rng) => string;
  units: readonly string[];
  /** Price of one unit relative to a median order (USD 75). */
  priceFactor: number;
}

const TEMPLATES: Record<ListingCategory, Template> = {
  cannabis: {
    en: (n, r) => `${n} ${r.pick(['Kush', 'Haze', 'Skunk', 'Hash'])} — top shelf`,
    ru: (n, r) => `${r.pick(['Шишки', 'Гашиш', 'Бошки'])} «${n}»`,
    units: ['3.5 g', '7 g', '14 g', '1 g', '2 g'],
    priceFactor: 0.7,
  },
  stimulants: {
    en: (n, r) => `${n} ${r.pick(['Flake', 'Speed paste', 'Crystal'])} — lab tested`,
    ru: (n, r) => `${r.pick(['Кристаллы', 'Порошок', 'Фен'])} «${n}»`,
    units: ['1 g', '0.5 g', '2 g', '3.5 g'],
    priceFactor: 1.1,
  },
  ecstasy: {
    en: (n, r) => `${n} ${r.pick(['pills', 'crystal', 'presses'])} — strong batch`,
    ru: (n, r) => `${r.pick(['Таблетки', 'Кристалл'])} «${n}»`,
    units: ['10 pcs', '5 pcs', '1 g', '25 pcs'],
    priceFactor: 0.8,
  },
  opioids: {
    en: (n, r) => `${n} ${r.pick(['pressed tabs', 'patches', 'powder'])}`,
    ru: (n, r) => `${r.pick(['Порошок', 'Таблетки'])} «${n}»`,
    units: ['5 pcs', '0.5 g', '1 g', '10 pcs'],
    priceFactor: 1.2,
  },
  psychedelics: {
    en: (n, r) => `${n} ${r.pick(['blotters', 'caps', 'chocolate'])}`,
    ru: (n, r) => `${r.pick(['Марки', 'Грибы'])} «${n}»`,
    units: ['5 pcs', '10 pcs', '1 g', '3.5 g'],
    priceFactor: 0.7,
  },
  prescription: {
    en: (n, r) => `${n} ${r.pick(['2 mg', '10 mg', '30 mg'])} tabs (generic)`,
    ru: (n, r) => `Таблетки «${n}» ${r.pick(['2 мг', '10 мг'])}`,
    units: ['10 pcs', '30 pcs', '50 pcs', '100 pcs'],
    priceFactor: 0.9,
  },
  nps: {
    en: (n, r) => `${n} ${r.pick(['salts', 'crystals', 'research chemical'])}`,
    ru: (n, r) => `${r.pick(['Соль', 'Кристаллы', 'Мука'])} «${n}»`,
    units: ['0.5 g', '1 g', '0.3 g', '2 g'],
    priceFactor: 0.6,
  },
  stolen_data: {
    en: (n, r) => `${r.pick(['EU fullz', 'Card dumps', 'Streaming logins', 'Bank logs', 'Email:pass combo'])} — ${n} batch`,
    ru: (n, r) => `${r.pick(['Базы', 'Дампы карт', 'Аккаунты'])} «${n}»`,
    units: ['10 pcs', '50 pcs', '1 file', '100 pcs'],
    priceFactor: 0.5,
  },
  malware: {
    en: (n, r) => `${n} ${r.pick(['RAT builder', 'crypter', 'stealer panel', 'loader'])} (lifetime)`,
    ru: (n, r) => `${r.pick(['Криптор', 'Стилер', 'Лоадер'])} «${n}»`,
    units: ['1 licence', '1 month', '1 file'],
    priceFactor: 1.5,
  },
  forged_documents: {
    en: (n, r) => `${r.pick(['ID card template', 'Utility bill', 'Driving licence scan', 'Bank statement'])} — ${n} series`,
    ru: (n, r) => `${r.pick(['Сканы документов', 'Шаблон справки'])} «${n}»`,
    units: ['1 file', '1 pcs', '5 files'],
    priceFactor: 1.0,
  },
};

export interface CatalogueContext {
  marketId: string;
  kind: MarketKind;
  language: 'en' | 'ru';
  /** Where an escrow vendor ships from. */
  shipsFrom: string;
  /** Cities a shop vendor keeps dead drops in. */
  cities: readonly string[];
}

/** Builds `count` listings for one vendor. `nextId` numbers listings across the market. */
export function makeListings(rng: Rng, ctx: CatalogueContext, count: number, nextId: () => number): Listing[] {
  // A vendor specialises: most of their listings share one or two categories.
  const main = pickCategory(rng, ctx.kind);
  const second = pickCategory(rng, ctx.kind);
  const shipsTo = ctx.shipsFrom === 'US' ? rng.pick(['US only', 'Worldwide']) : rng.pick(['EU', 'Worldwide', `${ctx.shipsFrom} only`]);
  const listings: Listing[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.float();
    const category = r < 0.7 ? main : r < 0.9 ? second : pickCategory(rng, ctx.kind);
    const t = TEMPLATES[category];
    const name = ctx.language === 'ru' ? `${rng.pick(RU_WORDS)} ${rng.pick(RU_NOUNS)}` : `${rng.pick(EN_WORDS)} ${rng.pick(EN_NOUNS)}`;
    const title = ctx.language === 'ru' ? t.ru(name, rng) : t.en(name, rng);
    // Unit prices: the calibrated order size, scaled by category; quantities multiply it per order.
    const price = Math.max(4, Math.round(orderUsd(rng) * t.priceFactor * 0.95));
    const attrs: Record<string, unknown> = ctx.kind === 'klad' ? { city: rng.pick(ctx.cities), drop: rng.pick(['magnet', 'buried', 'hidden']) } : isDigital(category) ? { delivery: 'digital' } : { shipsFrom: ctx.shipsFrom, shipsTo };
    const n = nextId();
    const unit = rng.pick(t.units);
    listings.push({ id: `${ctx.marketId}-L${String(n).padStart(5, '0')}`, category, title, unit: ctx.language === 'ru' ? ruUnit(unit) : unit, priceUsd: price, attrs });
  }
  return listings;
}

const RU_UNITS: Record<string, string> = { g: 'г', pcs: 'шт.', file: 'файл', files: 'файлов', licence: 'лицензия', month: 'мес.' };

/** '3.5 g' → '3,5 г', '10 pcs' → '10 шт.' */
function ruUnit(unit: string): string {
  const [n, u] = unit.split(' ');
  return `${n.replace('.', ',')} ${RU_UNITS[u] ?? u}`;
}

export function isDrug(c: ListingCategory): c is DrugListingCategory {
  return (DRUG_CATEGORIES as readonly string[]).includes(c);
}

function isDigital(c: ListingCategory): boolean {
  return c === 'stolen_data' || c === 'malware' || c === 'forged_documents';
}

/** How many units a buyer orders: mostly one. */
export function orderQuantity(rng: Rng): number {
  return rng.weighted([1, 2, 3, 5], [0.72, 0.18, 0.07, 0.03]);
}
