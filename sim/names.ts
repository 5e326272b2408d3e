// Fictional names for a world's people, handles and services, from Faker's en and ru locales,
// seeded from the world's Rng so that the same world gets the same names.
import { Faker, en, ru, de, base } from '@faker-js/faker';
import type { Rng } from '../chain/rng.ts';

type Lang = 'en' | 'ru' | 'de';

/** Countries the default worlds use, and the language names there are drawn from. */
const COUNTRY_LANG: Record<string, Lang> = { KZ: 'ru', KG: 'ru', UZ: 'ru', TJ: 'ru', RU: 'ru', EE: 'en', DE: 'de', US: 'en', GB: 'en', NL: 'en' };

export class Names {
  private readonly fakers: Record<Lang, Faker> = {
    en: new Faker({ locale: [en, base] }),
    ru: new Faker({ locale: [ru, en, base] }),
    de: new Faker({ locale: [de, en, base] }),
  };

  private faker(rng: Rng, lang: Lang): Faker {
    const f = this.fakers[lang];
    f.seed(rng.u32());
    return f;
  }

  person(rng: Rng, country = 'US'): string {
    return this.faker(rng, COUNTRY_LANG[country] ?? 'en').person.fullName();
  }

  city(rng: Rng, country = 'US'): string {
    return this.faker(rng, COUNTRY_LANG[country] ?? 'en').location.city();
  }

  phone(rng: Rng, country = 'US'): string {
    return this.faker(rng, COUNTRY_LANG[country] ?? 'en').phone.number();
  }

  birthDate(rng: Rng): string {
    return `${rng.int(1962, 2001)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  }

  /** A darkweb-style handle: word + word or word + digits, lower or mixed case, never a real one. */
  handle(rng: Rng, lang: 'en' | 'ru' = 'en'): string {
    const f = this.faker(rng, 'en');
    const a = lang === 'ru' ? rng.pick(RU_HANDLE_WORDS) : f.word.adjective();
    const b = lang === 'ru' ? rng.pick(RU_HANDLE_NOUNS) : f.word.noun();
    const style = rng.int(0, 3);
    const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    if (style === 0) return `${cap(a)}${cap(b)}`;
    if (style === 1) return `${a}_${b}${rng.int(1, 99)}`;
    if (style === 2) return `${b}${rng.int(100, 999)}`;
    return `${cap(a)}${cap(b)}${rng.int(1, 9)}`;
  }
}

// Transliterated Russian-style handle parts, as such shops' vendors use.
const RU_HANDLE_WORDS = ['bely', 'tiho', 'sever', 'volk', 'zima', 'kedr', 'bars', 'lis', 'grom', 'tuman', 'step', 'veter', 'yug', 'klever', 'sokol'];
const RU_HANDLE_NOUNS = ['shop', 'klad', 'master', 'team', 'store', 'dvor', 'point', 'lavka', 'express', 'brat', 'gorod', 'magaz'];
