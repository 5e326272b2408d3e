// Each site's own Handlebars environment: the kit's helpers and partials (the training mark, the
// pager, form errors, the captcha field, PGP key facts) plus the site's templates, all compiled
// when the site starts. Helpers return plain strings, so Handlebars escapes whatever they return;
// the sites' templates use double-stash only (a test checks that no template contains '{{{').
import Handlebars from 'handlebars';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { I18n, Lang } from './i18n.ts';
import { formatBtc, formatDate, formatDateTime, formatNumber, formatPercent, formatUsd } from './format.ts';
import { SYNTHETIC_MARK_PARTIAL } from './mark.ts';

type Hb = typeof Handlebars;
export type Template = (context: unknown) => string;

const KIT_PARTIALS_DIR = fileURLToPath(new URL('./partials/', import.meta.url));

/** What every page's root context carries for the helpers. */
export interface RootData {
  lang: Lang;
  /** Where the site's links live: '/onion/<address>' in the browser, or the mount. */
  prefix: string;
}

function root(options: Handlebars.HelperOptions): RootData {
  return options.data.root as RootData;
}

/** A template compiled now, not on its first use (Handlebars.compile is lazy). */
function compileNow(hb: Hb, source: string, name: string): Template {
  try {
    // preventIndent: an indented {{> partial}} must not indent the lines of a <pre> (armored keys, signed text).
    const spec = hb.precompile(source, { strict: false, noEscape: false, preventIndent: true });
    // The precompiled spec is JavaScript source Handlebars generated from our own template files.
    return hb.template(new Function(`return ${spec}`)()) as Template;
  } catch (err) {
    throw new Error(`template ${name}: ${(err as Error).message}`);
  }
}

export function createSiteHandlebars(i18n: I18n): Hb {
  const hb = Handlebars.create();
  const h = (name: string, fn: (...args: any[]) => unknown) => hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  const lastIsOptions = (args: unknown[]) => args[args.length - 1] as Handlebars.HelperOptions;

  h('t', (key: unknown, options: Handlebars.HelperOptions) => (typeof key === 'string' ? i18n.t(root(options).lang, key, options.hash) : ''));
  h('tn', (key: unknown, count: unknown, options: Handlebars.HelperOptions) =>
    typeof key === 'string' ? i18n.plural(root(options).lang, key, Number(count) || 0, options.hash) : '',
  );
  // {{href "/listing/" id "/order"}}: the site's prefix, then literal path pieces and values in turn
  // (a value is URL-encoded, a literal piece is not, so "/order" stays a path segment); hash
  // arguments become the query string ({{href "/messages/new" to=handle}}).
  h('href', (...args: unknown[]) => {
    const options = lastIsOptions(args);
    const parts = args.slice(0, -1).map(String);
    const [path = '/', ...rest] = parts;
    let out = root(options).prefix + path;
    rest.forEach((p, i) => (out += i % 2 === 0 ? encodeURIComponent(p) : p));
    let sep = '?';
    for (const k in options.hash) {
      const v = options.hash[k];
      if (v === undefined || v === null || v === '') continue;
      out += `${sep}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
      sep = '&';
    }
    return out;
  });
  h('concat', (...args: unknown[]) => args.slice(0, -1).map((a) => String(a ?? '')).join(''));
  h('usd', (n: number, options: Handlebars.HelperOptions) => formatUsd(root(options).lang, Number(n)));
  h('btc', (sats: number) => formatBtc(Number(sats)));
  h('num', (n: number, options: Handlebars.HelperOptions) => formatNumber(root(options).lang, Number(n)));
  h('pct', (share: number, options: Handlebars.HelperOptions) => formatPercent(root(options).lang, Number(share)));
  h('date', (unix: number) => formatDate(Number(unix)));
  h('datetime', (unix: number) => formatDateTime(Number(unix)));
  h('country', (code: unknown, options: Handlebars.HelperOptions) => {
    const c = String(code ?? '');
    return i18n.has(`country.${c}`) ? i18n.t(root(options).lang, `country.${c}`) : c;
  });
  h('eq', (a: unknown, b: unknown) => a === b);
  h('ne', (a: unknown, b: unknown) => a !== b);
  h('gt', (a: number, b: number) => a > b);
  h('lt', (a: number, b: number) => a < b);
  h('not', (a: unknown) => !a);
  h('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  h('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  h('inc', (n: number) => Number(n) + 1);

  hb.registerPartial('synthetic-mark', compileNow(hb, SYNTHETIC_MARK_PARTIAL, 'synthetic-mark'));
  for (const file of readdirSync(KIT_PARTIALS_DIR)) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), compileNow(hb, readFileSync(join(KIT_PARTIALS_DIR, file), 'utf8'), `kit/${file}`));
  }
  return hb;
}

/**
 * Compiles a site's templates: `<dir>/partials/*.hbs` become partials named after the file
 * (a site's layout is the partial 'layout'), `<dir>/*.hbs` pages keyed by file name.
 */
export function loadTemplates(hb: Hb, dir: string): Map<string, Template> {
  const partials = join(dir, 'partials');
  if (existsSync(partials)) {
    for (const file of readdirSync(partials)) {
      if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), compileNow(hb, readFileSync(join(partials, file), 'utf8'), `partials/${file}`));
    }
  }
  const pages = new Map<string, Template>();
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.hbs')) pages.set(file.slice(0, -4), compileNow(hb, readFileSync(join(dir, file), 'utf8'), file));
  }
  return pages;
}

/** Every template file of the kit and of a site directory (for the no-triple-stash check). */
export function templateFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of [dir, join(dir, 'partials')]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.hbs')) out.push(join(d, f));
  }
  return out;
}

export { KIT_PARTIALS_DIR };
