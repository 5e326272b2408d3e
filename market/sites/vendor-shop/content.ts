// What a vendor shop says about itself, in the market's language, and the scam shops' wall of
// feedback: five stars, a handful of templates, posted in bursts minutes apart by accounts a day or
// two old. Generated from the world seed so a page reads the same every time. About shipping,
// payment and conduct only — never about use, dose, making or sourcing of any product.
import { Rng } from '../../../chain/rng.ts';
import { Names } from '../../../sim/names.ts';
import type { Lang } from '../kit/i18n.ts';
import type { VendorShopPlan } from './plans.ts';

const ABOUT: Record<Lang, { genuine: string[][]; scam: string[][] }> = {
  en: {
    genuine: [
      ['Welcome to our own shop.', 'Hi, this is our personal storefront.', 'Our shop outside the market, for returning customers.'],
      ['Every order still goes through {market} escrow: the buttons here take you to our listings there.', 'We take orders on {market} only, with escrow. This page is our catalogue and contact point.'],
      ['Same handle, same PGP key as on our {market} profile — check the fingerprint before you message us.', 'Verify our key against the one on {market} before trusting anything on this page.'],
      ['We never ask for payment outside the market.', 'Anyone offering “direct deals” in our name is a scammer.'],
    ],
    scam: [
      ['OFFICIAL direct shop of {real} — skip the market fees!', 'Direct store of {real}. Same product, no middleman.'],
      ['Prices 40–60% below {market} because we pay no commission.', 'Why pay market commission? Order direct and save half.'],
      ['Payment: 100% finalize early (FE) only. No escrow, no exceptions.', 'FE only. We ship within 12 hours after payment.'],
      ['Our PGP key ID ends in …{short} — the same as on {market}.', 'Check the key ID: …{short}, as always.'],
    ],
  },
  ru: {
    genuine: [
      ['Добро пожаловать в наш магазин.', 'Это наша личная витрина.', 'Наш сайт вне площадки — для постоянных клиентов.'],
      ['Все заказы — только через площадку «{market}» с гарантом: кнопки ведут на наши позиции там.', 'Принимаем заказы только на площадке «{market}». Здесь — каталог и связь.'],
      ['Тот же ник и тот же PGP-ключ, что в профиле на площадке «{market}». Сверьте отпечаток, прежде чем писать.', 'Сверьте наш ключ с ключом в профиле на площадке «{market}», прежде чем доверять этой странице.'],
      ['Мы никогда не просим оплату мимо площадки.', 'Все, кто предлагает «напрямую» от нашего имени, — мошенники.'],
    ],
    scam: [
      ['ОФИЦИАЛЬНЫЙ магазин {real} — без комиссии площадки!', 'Прямые продажи от {real}. Тот же товар, без посредников.'],
      ['Цены на 40–60% ниже, чем на «{market}»: мы не платим комиссию.', 'Зачем переплачивать площадке? Берите напрямую вдвое дешевле.'],
      ['Оплата только 100% предоплатой (FE). Без гаранта, без исключений.', 'Только FE. Отправка в течение 12 часов после оплаты.'],
      ['ID нашего ключа заканчивается на …{short} — как и на «{market}».', 'Проверьте ID ключа: …{short}, как всегда.'],
    ],
  },
};

function fill(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The shop's front-page text. */
export function shopAbout(seed: string, plan: VendorShopPlan, shortId: string): string[] {
  const rng = Rng.fromSeed(seed).fork('darkweb/vendor-shop/about').fork(plan.ref);
  const lines = ABOUT[plan.language][plan.kind === 'scam' ? 'scam' : 'genuine'];
  const params = { market: plan.market.name, real: plan.vendor.handle, short: shortId };
  return lines.map((choices) => fill(rng.pick(choices), params));
}

const SCAM_REVIEWS: Record<Lang, string[]> = {
  en: ['Legit!!! fast shipping 10/10', 'best vendor, fast shipping, will order again', 'Legit, arrived fast 10/10', 'Super fast, best prices, legit vendor', 'A++ legit, cheaper than market'],
  ru: ['Всё пришло, быстро 10/10', 'Лучший продавец, всё чётко', 'Ровно, быстро, дешевле чем на площадке', 'Всё отлично, рекомендую!!!', 'Надёжный, всё пришло 10/10'],
};

export interface ShopReview {
  /** The reviewer as the shop shows them. */
  handle: string;
  /** How old the reviewer's account was when they posted, in days. */
  accountAgeDays: number;
  stars: number;
  text: string;
  at: number;
}

/**
 * A scam shop's feedback wall, newest first: bursts of templated five-star reviews since the shop
 * opened, from accounts made a day or two before they post.
 */
export function scamReviews(seed: string, plan: VendorShopPlan, now: number): ShopReview[] {
  const rng = Rng.fromSeed(seed).fork('darkweb/vendor-shop/reviews').fork(plan.ref);
  const names = new Names();
  const out: ShopReview[] = [];
  const span = Math.max(3_600, now - plan.opened);
  const bursts = rng.int(4, 7);
  for (let b = 0; b < bursts; b++) {
    let at = plan.opened + Math.floor(rng.float() * span);
    for (let i = rng.int(4, 9); i > 0 && at <= now; i--) {
      out.push({
        handle: names.handle(rng, plan.language),
        accountAgeDays: rng.int(0, 2),
        stars: 5,
        text: rng.pick(SCAM_REVIEWS[plan.language]),
        at,
      });
      at += rng.int(60, 900);
    }
  }
  return out.sort((a, b) => b.at - a.at);
}
