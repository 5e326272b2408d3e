// What the dead-drop shop market's shops and buyers wrote, in its own language (Russian), generated
// from the world seed: shop descriptions, product notes, reviews with the street slang of such
// markets (клад, закладка, магнит, прикоп, ненаход, перезаклад), and the fictional districts of the
// world's cities. Never about use, dose, making or sourcing, and no real place: districts are
// generic names, drop locations are placeholders, maps are drawn for a fictional city.
import { Rng } from '../../../chain/rng.ts';
import type { ListingInfo, VendorInfo } from '../kit/data.ts';

const rngFor = (seed: string, what: string, id: string) => Rng.fromSeed(seed).fork(`darkweb/shop-content/${what}`).fork(id);

export interface District {
  /** Form value and URL part. */
  slug: string;
  ru: string;
  en: string;
}

/** Generic district names found in any post-Soviet city: they point at no real place. */
const DISTRICT_POOL: readonly District[] = [
  { slug: 'severny', ru: 'Северный', en: 'Severny' },
  { slug: 'zarechny', ru: 'Заречный', en: 'Zarechny' },
  { slug: 'solnechny', ru: 'Солнечный', en: 'Solnechny' },
  { slug: 'promzona', ru: 'Промзона', en: 'Industrial zone' },
  { slug: 'stary-gorod', ru: 'Старый город', en: 'Old town' },
  { slug: 'vokzalny', ru: 'Вокзальный', en: 'Station district' },
  { slug: 'novostroyki', ru: 'Новостройки', en: 'New blocks' },
  { slug: 'sosnovy', ru: 'Сосновый', en: 'Sosnovy' },
  { slug: 'tsentr', ru: 'Центр', en: 'Centre' },
  { slug: 'yuzhny', ru: 'Южный', en: 'Yuzhny' },
  { slug: 'vostochny', ru: 'Восточный', en: 'Vostochny' },
  { slug: 'mkr-3', ru: '3-й микрорайон', en: 'Microdistrict 3' },
  { slug: 'mkr-7', ru: '7-й микрорайон', en: 'Microdistrict 7' },
  { slug: 'mkr-12', ru: '12-й микрорайон', en: 'Microdistrict 12' },
  { slug: 'dachny', ru: 'Дачный', en: 'Dachny' },
  { slug: 'aviagorodok', ru: 'Авиагородок', en: 'Aviagorodok' },
];

/** The districts a city's shops work in (5–7, the same for every shop of the world in that city). */
export function cityDistricts(seed: string, city: string): District[] {
  const r = rngFor(seed, 'districts', city);
  return r.shuffle(DISTRICT_POOL.slice()).slice(0, r.int(5, 7));
}

/** The districts one product is available in (2–4 of its city's). */
export function productDistricts(seed: string, listing: ListingInfo): District[] {
  const all = cityDistricts(seed, listing.city ?? '');
  const r = rngFor(seed, 'product-districts', listing.id);
  const picked = r.shuffle(all.slice()).slice(0, r.int(2, Math.min(4, all.length)));
  return all.filter((d) => picked.includes(d));
}

/** Drops of this product available right now ("в наличии N кладов"). */
export function dropsInStock(seed: string, listing: ListingInfo): number {
  return rngFor(seed, 'stock', listing.id).int(1, 24);
}

const SHOP_INTROS = [
  'Работаем с {year} года. Только проверенный товар, клады в удобных районах.',
  'Стабильное качество и честные веса. Оператор на связи с 10:00 до 22:00.',
  'Магазин с репутацией. Перезаклад при ненаходе — после проверки оператором.',
  'Моментальные клады по всему городу. Работаем без выходных.',
];
const SHOP_RULES = [
  'Фото и описание места выдаются сразу после оплаты.',
  'Претензии по ненаходу принимаются в течение 3 часов после покупки, с фото места.',
  'Недовес — только с видео взвешивания без монтажа.',
  'Оплата через обменник или напрямую в BTC. Курс фиксируется на 30 минут.',
  'Не пишите оператору открытым текстом — только через сообщения площадки.',
];

/** A shop's description and rules. */
export function shopTerms(seed: string, vendor: VendorInfo): string[] {
  const r = rngFor(seed, 'shop-terms', vendor.ref);
  const year = vendor.joined.slice(0, 4);
  return [r.pick(SHOP_INTROS).replace('{year}', year), ...r.shuffle(SHOP_RULES.slice()).slice(0, 3)];
}

/** A product's note from the shop. */
export function productNote(seed: string, listing: ListingInfo): string {
  const r = rngFor(seed, 'product-note', listing.id);
  return r.pick([
    'Клад надёжно упакован. Фото с координатами — сразу после оплаты.',
    'Свежие клады каждый день. Описание места подробное, с ориентирами.',
    'Вес указан без упаковки. Районы обновляются ежедневно.',
    'Только проверенные места, без лишних глаз.',
  ]);
}

const POSITIVE = [
  'Клад на месте, всё ровно. Спасибо магазину!',
  'Нашёл сразу, описание точное. Вес в норме.',
  'Магнит на месте, забрал за пять минут. Рекомендую.',
  'Прикоп аккуратный, координаты точные. Буду брать ещё.',
  'Оператор ответил быстро, всё чётко.',
  'Второй раз беру, качество стабильное.',
];
const NEGATIVE = [
  'Ненаход. Оператор молчит вторые сутки.',
  'Недовес, перезаклад так и не дали.',
  'Место палёное, рядом люди. Забрать не смог.',
  'Координаты мимо, ненаход. Минус магазину.',
];

/** The comment a buyer left. */
export function shopReviewText(seed: string, orderId: string, positive: boolean): string {
  return rngFor(seed, 'review', orderId).pick(positive ? POSITIVE : NEGATIVE);
}

/**
 * Synthetic GPS values for an image a careless shop made (the OPSEC-leak exercise): in open sea
 * near 0°N 0°E ("Null Island"), where nothing is, and labelled synthetic in the image.
 */
export function syntheticGps(seed: string, key: string): { lat: number; lon: number; device: string } {
  const r = rngFor(seed, 'gps', key);
  return {
    lat: Number((0.05 + 0.9 * r.float()).toFixed(6)),
    lon: Number((0.05 + 0.9 * r.float()).toFixed(6)),
    device: r.pick(['fictional phone RN-8', 'fictional phone Galaxis A5', 'fictional phone Mi-Note 7']),
  };
}
