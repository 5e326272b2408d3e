// Customers' reviews of an obmennik, mostly in its own language, generated from the world seed:
// mostly satisfied, some about delays or being asked for a selfie with the card (the "verification"
// such services spring on customers). Dated between two months before the world began and now.
import { Rng } from '../../../chain/rng.ts';
import { Names } from '../../../sim/names.ts';
import type { Lang } from '../kit/i18n.ts';

export interface ExchangerReview {
  handle: string;
  stars: number;
  text: string;
  at: number;
  lang: Lang;
}

const GOOD: Record<Lang, string[]> = {
  en: ['Fast swap, coins arrived in {min} minutes.', 'Third time here, always on time.', 'Good rate, no questions asked.', 'Support answered quickly, all fine.', 'Smooth, {min} min from payment to coins.'],
  ru: ['Быстро, монеты пришли за {min} минут.', 'Уже третий раз, всё чётко.', 'Хороший курс, без лишних вопросов.', 'Оператор ответил быстро, всё ок.', 'Всё ровно, {min} мин от оплаты до зачисления.'],
};
const BAD: Record<Lang, string[]> = {
  en: ['Took {min} minutes, operator was slow to answer.', 'They asked for a selfie with my card before paying out. Not cool.', 'Rate changed while I was paying, lost a bit.'],
  ru: ['Ждал {min} минут, оператор долго отвечал.', 'Попросили селфи с картой перед выплатой. Не понравилось.', 'Курс поменялся, пока я платил, немного потерял.'],
};

/** All reviews of an exchanger, newest first. */
export function exchangerReviews(seed: string, exchanger: string, lang: Lang, from: number, to: number): ExchangerReview[] {
  const rng = Rng.fromSeed(seed).fork('darkweb/exchanger-reviews').fork(exchanger);
  const names = new Names();
  const n = rng.int(36, 64);
  const out: ExchangerReview[] = [];
  for (let i = 0; i < n; i++) {
    const l: Lang = rng.bool(0.8) ? lang : lang === 'ru' ? 'en' : 'ru';
    const good = rng.bool(0.82);
    const text = rng.pick(good ? GOOD[l] : BAD[l]).replace('{min}', String(good ? rng.int(5, 30) : rng.int(45, 180)));
    out.push({ handle: names.handle(rng, l), stars: good ? rng.int(4, 5) : rng.int(1, 3), text, at: from + Math.floor(rng.float() * Math.max(1, to - from)), lang: l });
  }
  return out.sort((a, b) => b.at - a.at || a.handle.localeCompare(b.handle));
}
