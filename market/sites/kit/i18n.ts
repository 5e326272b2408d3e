// English and Russian for the darkweb sites: hand-written dictionaries (no machine translation),
// one key per string, `{name}` placeholders, and plural forms as `key#one` / `key#few` /
// `key#many` / `key#other` (each language has the forms its plural rules use: English one/other,
// Russian one/few/many/other). Both languages must have the same keys: `new I18n(...)` refuses
// dictionaries that do not, so a page can never fall back to the other language. A key missing at
// render time shows as ⟦key⟧, which the tests look for.
import { formatNumber } from './format.ts';

export type Lang = 'en' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'ru'];

/** key → text with {placeholders}. */
export type Strings = Readonly<Record<string, string>>;
export type Dictionaries = Readonly<Record<Lang, Strings>>;

/** What a key missing at render time looks like on the page. */
export const MISSING_OPEN = '⟦';
export const MISSING_CLOSE = '⟧';

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ru';
}

/** The plural categories a language's rules produce (en: one, other; ru: one, few, many, other). */
export function pluralForms(lang: Lang): string[] {
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
}

/**
 * Keys one language lacks: plain keys the other has, and plural forms its own rules need
 * ('listing.sold#few' for Russian) for any plural key either language has.
 */
export function missingKeys(dicts: Dictionaries): Record<Lang, string[]> {
  const plain = (lang: Lang) => new Set(Object.keys(dicts[lang]).filter((k) => !k.includes('#')));
  const plurals = new Set<string>();
  for (const lang of LANGS) for (const k of Object.keys(dicts[lang])) if (k.includes('#')) plurals.add(k.slice(0, k.indexOf('#')));
  const out = {} as Record<Lang, string[]>;
  for (const lang of LANGS) {
    const mine = plain(lang);
    const missing: string[] = [];
    for (const other of LANGS) if (other !== lang) for (const k of plain(other)) if (!mine.has(k)) missing.push(k);
    for (const base of plurals) for (const form of pluralForms(lang)) if (!(`${base}#${form}` in dicts[lang])) missing.push(`${base}#${form}`);
    out[lang] = [...new Set(missing)].sort();
  }
  return out;
}

/** Dictionaries side by side; a key defined twice is a mistake. */
export function mergeDictionaries(...parts: Dictionaries[]): Dictionaries {
  const out: Record<Lang, Record<string, string>> = { en: {}, ru: {} };
  for (const part of parts) {
    for (const lang of LANGS) {
      for (const [k, v] of Object.entries(part[lang])) {
        if (k in out[lang]) throw new RangeError(`i18n key ${JSON.stringify(k)} is defined twice (${lang})`);
        out[lang][k] = v;
      }
    }
  }
  return out;
}

function fill(text: string, params: Readonly<Record<string, unknown>> | undefined): string {
  if (!params) return text;
  return text.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) => (name in params ? String(params[name] ?? '') : whole));
}

export class I18n {
  private readonly dicts: Dictionaries;
  private readonly rules: Record<Lang, Intl.PluralRules>;

  constructor(dicts: Dictionaries) {
    const missing = missingKeys(dicts);
    for (const lang of LANGS) {
      if (missing[lang].length) throw new RangeError(`i18n: ${lang} lacks ${missing[lang].length} key(s): ${missing[lang].slice(0, 8).join(', ')}`);
      for (const [k, v] of Object.entries(dicts[lang])) {
        if (typeof v !== 'string' || v.trim() === '') throw new RangeError(`i18n: ${lang} ${JSON.stringify(k)} is empty`);
      }
    }
    this.dicts = dicts;
    this.rules = { en: new Intl.PluralRules('en'), ru: new Intl.PluralRules('ru') };
  }

  has(key: string): boolean {
    return key in this.dicts.en || `${key}#other` in this.dicts.en;
  }

  /** Every key (plural keys once, without their form). */
  keys(): string[] {
    return [...new Set(Object.keys(this.dicts.en).map((k) => k.replace(/#.*$/, '')))];
  }

  /** The dictionary of one language (for tests that compare languages). */
  dictionary(lang: Lang): Strings {
    return this.dicts[lang];
  }

  /** The text for `key` in `lang` with placeholders filled; ⟦key⟧ if there is none. */
  t(lang: Lang, key: string, params?: Readonly<Record<string, unknown>>): string {
    const text = this.dicts[lang][key];
    if (text === undefined) return `${MISSING_OPEN}${key}${MISSING_CLOSE}`;
    return fill(text, params);
  }

  /** The plural form of `key` for `count` ({count} is available to the text). */
  plural(lang: Lang, key: string, count: number, params?: Readonly<Record<string, unknown>>): string {
    const form = this.form(lang, count);
    const dict = this.dicts[lang];
    const text = dict[`${key}#${form}`] ?? dict[`${key}#other`];
    if (text === undefined) return `${MISSING_OPEN}${key}${MISSING_CLOSE}`;
    return fill(text, { count: formatNumber(lang, count), ...params });
  }

  private readonly forms: Record<Lang, Map<number, string>> = { en: new Map(), ru: new Map() };

  /** Intl.PluralRules' category for `count`, remembered (select() costs microseconds). */
  private form(lang: Lang, count: number): string {
    const m = this.forms[lang];
    let f = m.get(count);
    if (f === undefined) {
      f = this.rules[lang].select(count);
      if (m.size >= 10_000) m.clear();
      m.set(count, f);
    }
    return f;
  }
}
