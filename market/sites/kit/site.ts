// The frame of a darkweb site, shared by every site the lab serves: created inside the site's own
// fastify plugin (its encapsulated context, at its mount), it adds cookies scoped to the site,
// the form parser, the page language (?lang=ru, then the `lang` cookie, then the site's own
// language), sessions with a form token, accounts with the captcha step (/register, /login,
// /logout, /captcha.svg), stylesheets, error pages, security headers, and `render`, which fills a
// page template, checks that the training mark is on it and sends it.
//
//   export const mySite: FastifyPluginAsync<…> = async (app, opts) => {
//     const site = await Site.create(app, { id, name, mount: app.prefix, addresses, defaultLang, strings, templatesDir, css, store, chain, captchaSecret });
//     app.get('/', async (req, reply) => site.render(req, reply, 'home', { … }));
//   };
//
// Links: sites render links as /onion/<address>/<path> (the browser's convention) when reached
// through the browser, and as <mount>/<path> when opened at the mount directly: `site.href`, and
// the {{href}} helper in templates, pick the right one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ONION_PREFIX } from '../../browser/index.ts';
import { Captcha } from './captcha.ts';
import type { ChainView } from './chain.ts';
import { FormError, formValue, readText, registerFormParser } from './forms.ts';
import { I18n, LANGS, isLang, mergeDictionaries, type Dictionaries, type Lang } from './i18n.ts';
import { MissingMarkError, TRAINING_MARK } from './mark.ts';
import { LANG_COOKIE, SESSION_COOKIE, SessionStore, type Session } from './session.ts';
import { HandleTakenError, type Account, type LabStore } from './store.ts';
import { KIT_STRINGS } from './strings.ts';
import { createSiteHandlebars, loadTemplates, type Template } from './templates.ts';

export interface SiteOptions {
  /** Short id used in the lab's tables: 'silkway'. */
  id: string;
  /** The site's name as its pages show it. */
  name: string;
  /** The plugin's prefix, e.g. '/sites/silkway'. */
  mount: string;
  /** The site's onion addresses, primary first (read on every request: mirrors may be added later). */
  addresses: () => readonly string[];
  defaultLang: Lang;
  /** The site's own strings; merged with the kit's (a key defined twice is an error). */
  strings: Dictionaries;
  /** Page templates (*.hbs) and partials/ (the site's 'layout' among them). */
  templatesDir: string;
  /** The site's stylesheet, served at /static/site.css. */
  css: string;
  store: LabStore;
  chain: ChainView;
  /** Secret for the captcha's HMAC (at least 16 bytes). */
  captchaSecret: Uint8Array;
  /**
   * Keep pages rendered for visitors without a session, keyed by language, address, URL and world
   * hour, and answer repeats from memory. Only for sites whose anonymous pages depend on nothing
   * else (the markets' catalogues do; a page with live rates does not). Default off.
   */
  pageCache?: { maxEntries: number };
  /**
   * True while the site shows only its maintenance notice (a market whose operators exit-scammed):
   * every page but the stylesheets answers 503 with it. Read on every request (world events change it).
   */
  closed?: () => boolean;
}

/** Pages without a script; styles and images from the lab only; forms back to the lab only. */
export const SITE_PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
/** Generated images: nothing may load or run inside them. */
export const SITE_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";

const KIT_CSS = readFileSync(fileURLToPath(new URL('./static/kit.css', import.meta.url)), 'utf8');
const HANDLE_RE = /^[A-Za-z0-9_-]{3,24}$/;
const ERROR_STATUSES = new Set([400, 404, 413, 415, 500, 503]);

interface RequestState {
  lang: Lang;
  prefix: string;
  session: Session | undefined;
  /** The world's present, read once per request. */
  now?: number;
}

/** A site path (for ?next=): one leading slash, no scheme or host. */
export function safeNextPath(value: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 300 ? value : '/';
}

export class Site {
  readonly id: string;
  readonly name: string;
  readonly mount: string;
  readonly defaultLang: Lang;
  readonly i18n: I18n;
  readonly sessions = new SessionStore();
  readonly captcha: Captcha;
  readonly store: LabStore;
  readonly chain: ChainView;
  private readonly pages: Map<string, Template>;
  private readonly addresses: () => readonly string[];
  private readonly state = new WeakMap<FastifyRequest, RequestState>();
  private readonly cache: Map<string, string> | null;
  private readonly cacheMax: number;
  private readonly closed?: () => boolean;

  private constructor(opts: SiteOptions, pages: Map<string, Template>, i18n: I18n) {
    this.id = opts.id;
    this.name = opts.name;
    this.mount = opts.mount;
    this.defaultLang = opts.defaultLang;
    this.i18n = i18n;
    this.captcha = new Captcha(opts.captchaSecret);
    this.store = opts.store;
    this.chain = opts.chain;
    this.pages = pages;
    this.addresses = opts.addresses;
    this.cache = opts.pageCache ? new Map() : null;
    this.cacheMax = opts.pageCache?.maxEntries ?? 0;
    this.closed = opts.closed;
  }

  /** Sets the site up in `app` (the site plugin's own context) and returns it. */
  static async create(app: FastifyInstance, opts: SiteOptions): Promise<Site> {
    if (app.prefix !== opts.mount) throw new RangeError(`site ${opts.id} must be registered with prefix ${opts.mount}, not ${JSON.stringify(app.prefix)}`);
    if (!/^[a-z0-9-]{2,40}$/.test(opts.id)) throw new RangeError(`a site id is 2–40 lower-case letters, digits or '-', got ${JSON.stringify(opts.id)}`);
    const i18n = new I18n(mergeDictionaries(KIT_STRINGS, opts.strings));
    const hb = createSiteHandlebars(i18n);
    const pages = loadTemplates(hb, opts.templatesDir);
    for (const required of ['register', 'login', 'error']) {
      if (!pages.has(required)) throw new RangeError(`site ${opts.id} needs a '${required}.hbs' page template`);
    }
    const site = new Site(opts, pages, i18n);
    await app.register(fastifyCookie);
    registerFormParser(app);
    site.install(app, opts.css);
    return site;
  }

  private install(app: FastifyInstance, css: string): void {
    app.addHook('onRequest', async (req, reply) => {
      const query = req.query as Record<string, unknown>;
      const asked = typeof query?.lang === 'string' ? query.lang : undefined;
      let lang: Lang;
      if (isLang(asked)) {
        lang = asked;
        if (req.cookies[LANG_COOKIE] !== asked) reply.setCookie(LANG_COOKIE, asked, { path: this.mount, sameSite: 'lax', httpOnly: true, maxAge: 365 * 86400 });
      } else {
        const kept = req.cookies[LANG_COOKIE];
        lang = isLang(kept) ? kept : this.defaultLang;
      }
      const state: RequestState = { lang, prefix: this.prefixFor(req), session: this.sessions.get(req.cookies[SESSION_COOKIE]) };
      this.state.set(req, state);
      if (this.closed?.() && !req.url.startsWith(`${this.mount}/static/`)) return this.errorPage(req, reply, 503);
      const key = this.cacheKey(req, state);
      const hit = key ? this.cache!.get(key) : undefined;
      if (hit !== undefined) {
        reply.type('text/html; charset=utf-8').send(hit);
        return reply;
      }
    });
    app.addHook('onSend', async (_req, reply, payload) => {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', SITE_PAGE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    });

    app.get('/static/kit.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(KIT_CSS));
    app.get('/static/site.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));

    app.get('/captcha.svg', async (req, reply) => {
      const session = this.session(req, reply);
      return reply.type('image/svg+xml').header('content-security-policy', SITE_IMAGE_CSP).send(this.captcha.svg(session.id, session.captchaRound));
    });

    app.get('/register', async (req, reply) => {
      if (this.account(req)) return this.redirect(req, reply, '/');
      this.session(req, reply);
      return this.render(req, reply, 'register', { title: this.t(req, 'auth.register.title'), form: {} });
    });
    app.post('/register', async (req, reply) => {
      const body = req.body;
      const form = { handle: formValue(body, 'handle').slice(0, 64) };
      const data = { title: this.t(req, 'auth.register.title'), form };
      try {
        const session = this.checkForm(req, reply);
        const captchaOk = this.answerCaptcha(session, body);
        const handle = readText(body, 'handle', { label: 'field.handle', max: 64, pattern: HANDLE_RE, patternKey: 'auth.handle.pattern' });
        const password = readText(body, 'password', { label: 'field.password', min: 8, max: 128, raw: true });
        if (formValue(body, 'password2') !== password) throw new FormError('field.password2', 'auth.password.mismatch');
        if (!captchaOk) throw new FormError('field.captcha', 'auth.captcha.wrong');
        const account = await this.store.createAccount(this.id, handle, password, this.chain.now());
        this.startSession(req, reply, account);
        return this.redirect(req, reply, '/');
      } catch (err) {
        if (err instanceof HandleTakenError) return this.formFailure(req, reply, 'register', data, new FormError('field.handle', 'auth.handle.taken'));
        if (err instanceof FormError) return this.formFailure(req, reply, 'register', data, err);
        throw err;
      }
    });

    app.get('/login', async (req, reply) => {
      const next = safeNextPath(String((req.query as Record<string, unknown>).next ?? '/'));
      if (this.account(req)) return this.redirect(req, reply, next);
      this.session(req, reply);
      const notice = next !== '/' ? this.t(req, 'auth.loginRequired') : undefined;
      return this.render(req, reply, 'login', { title: this.t(req, 'auth.login.title'), form: { next }, notice });
    });
    app.post('/login', async (req, reply) => {
      const body = req.body;
      const next = safeNextPath(formValue(body, 'next') || '/');
      const data = { title: this.t(req, 'auth.login.title'), form: { handle: formValue(body, 'handle').slice(0, 64), next } };
      try {
        const session = this.checkForm(req, reply);
        const captchaOk = this.answerCaptcha(session, body);
        const handle = readText(body, 'handle', { label: 'field.handle', max: 64 });
        const password = readText(body, 'password', { label: 'field.password', max: 128, raw: true });
        if (!captchaOk) throw new FormError('field.captcha', 'auth.captcha.wrong');
        const account = await this.store.login(this.id, handle, password);
        if (!account) throw new FormError('field.password', 'auth.login.failed');
        this.startSession(req, reply, account);
        return this.redirect(req, reply, next);
      } catch (err) {
        if (err instanceof FormError) return this.formFailure(req, reply, 'login', data, err);
        throw err;
      }
    });
    app.post('/logout', async (req, reply) => {
      try {
        const session = this.checkForm(req, reply);
        this.sessions.destroy(session.id);
        reply.clearCookie(SESSION_COOKIE, { path: this.mount });
        return this.redirect(req, reply, '/');
      } catch (err) {
        if (err instanceof FormError) return this.errorPage(req, reply, 400, this.formMessage(req, err));
        throw err;
      }
    });

    app.setNotFoundHandler(async (req, reply) => this.errorPage(req, reply, 404));
    app.setErrorHandler(async (err: Error & { statusCode?: number }, req, reply) => {
      if (err instanceof FormError) return this.errorPage(req, reply, 400, this.formMessage(req, err));
      const code = typeof err.statusCode === 'number' ? err.statusCode : 500;
      if (code >= 500) req.log.error({ err }, `site ${this.id} failed`);
      const status = ERROR_STATUSES.has(code) ? code : code >= 500 ? 500 : 400;
      return this.errorPage(req, reply, status);
    });
  }

  // ---- per request ---------------------------------------------------------------------------

  private prefixFor(req: FastifyRequest): string {
    const header = req.headers['x-onion-address'];
    // The browser sends the canonical address; only the site's own addresses count (a membership
    // test, not a validation: a full ed25519 check costs most of a millisecond).
    if (typeof header === 'string' && header.length === 56) {
      const address = header.toLowerCase();
      if (this.addresses().includes(address)) return `${ONION_PREFIX}/${address}`;
    }
    return this.mount;
  }

  private req(req: FastifyRequest): RequestState {
    let s = this.state.get(req);
    if (!s) {
      s = { lang: this.defaultLang, prefix: this.prefixFor(req), session: undefined };
      this.state.set(req, s);
    }
    return s;
  }

  lang(req: FastifyRequest): Lang {
    return this.req(req).lang;
  }

  /** The world's present (the tip's time), read once per request. */
  now(req: FastifyRequest): number {
    const s = this.req(req);
    return (s.now ??= this.chain.now());
  }

  /** The site's link for `path` ('/listing/x?y=1') as this visitor reaches the site. */
  href(req: FastifyRequest, path: string): string {
    return `${this.req(req).prefix}${path.startsWith('/') ? path : `/${path}`}`;
  }

  t(req: FastifyRequest, key: string, params?: Record<string, unknown>): string {
    return this.i18n.t(this.lang(req), key, params);
  }

  /** This visitor's session, created (with its cookie) when `create` and there is none. */
  session(req: FastifyRequest, reply: FastifyReply): Session;
  session(req: FastifyRequest, reply: FastifyReply | null, create: false): Session | undefined;
  session(req: FastifyRequest, reply: FastifyReply | null, create = true): Session | undefined {
    const s = this.req(req);
    if (!s.session && create && reply) {
      s.session = this.sessions.create();
      reply.setCookie(SESSION_COOKIE, s.session.id, { path: this.mount, httpOnly: true, sameSite: 'lax' });
    }
    return s.session;
  }

  /** The logged-in account, if any. */
  account(req: FastifyRequest): Account | null {
    const s = this.req(req).session;
    if (!s || s.accountId === null) return null;
    const account = this.store.account(s.accountId);
    return account && account.site === this.id ? account : null;
  }

  /** The account, or a redirect to /login that comes back here. */
  requireAccount(req: FastifyRequest, reply: FastifyReply): Account | null {
    const account = this.account(req);
    if (account) return account;
    const here = req.url.slice(this.mount.length) || '/';
    void this.redirect(req, reply, `/login?next=${encodeURIComponent(safeNextPath(here.split('?')[0]))}`);
    return null;
  }

  /** A POST's session and form token; FormError('form.session') when either is missing or stale. */
  checkForm(req: FastifyRequest, reply: FastifyReply): Session {
    const session = this.session(req, reply, false);
    const token = formValue(req.body, '_csrf');
    if (!session || token.length !== session.csrf.length || token !== session.csrf) {
      this.session(req, reply);
      throw new FormError('field.form', 'form.session');
    }
    return session;
  }

  /** Checks the captcha field against the image the session was shown, and moves to a new image. */
  answerCaptcha(session: Session, body: unknown): boolean {
    const round = session.captchaRound;
    session.captchaRound++;
    if (formValue(body, 'captcha_round') !== String(round)) return false;
    return this.captcha.check(session.id, round, formValue(body, 'captcha'));
  }

  private startSession(req: FastifyRequest, reply: FastifyReply, account: Account): void {
    // A new id at login, so a session id seen before login is worth nothing after it.
    const old = this.req(req).session;
    if (old) this.sessions.destroy(old.id);
    const s = this.sessions.create(account.id);
    this.req(req).session = s;
    reply.setCookie(SESSION_COOKIE, s.id, { path: this.mount, httpOnly: true, sameSite: 'lax' });
  }

  /** The links that show the current page in each language. */
  private langLinks(req: FastifyRequest): Record<Lang, string> {
    const url = new URL(req.url, 'http://site.invalid');
    const path = url.pathname.startsWith(this.mount) ? url.pathname.slice(this.mount.length) || '/' : '/';
    const out = {} as Record<Lang, string>;
    for (const lang of LANGS) {
      url.searchParams.set('lang', lang);
      out[lang] = this.href(req, `${path}?${url.searchParams.toString()}`);
    }
    return out;
  }

  /** What every template's root context holds besides the page's own data. */
  private base(req: FastifyRequest): Record<string, unknown> {
    const s = this.req(req);
    const account = this.account(req);
    return {
      lang: s.lang,
      prefix: s.prefix,
      siteName: this.name,
      siteId: this.id,
      account: account ? { handle: account.handle } : null,
      csrf: s.session?.csrf ?? '',
      captchaRound: s.session?.captchaRound ?? 0,
      langLinks: this.langLinks(req),
      mark: TRAINING_MARK,
    };
  }

  /** The page-cache key of an anonymous GET, or null when the answer must be rendered. */
  private cacheKey(req: FastifyRequest, state: RequestState): string | null {
    if (!this.cache || req.method !== 'GET' || state.session) return null;
    const now = state.now ?? (state.now = this.chain.now());
    return `${state.lang}|${state.prefix}|${Math.floor(now / 3600)}|${req.url}`;
  }

  /** Renders `page` with `data` and sends it (200 unless `status`). */
  render(req: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown>, status = 200): FastifyReply {
    const template = this.pages.get(page);
    if (!template) throw new Error(`site ${this.id} has no page template ${JSON.stringify(page)}`);
    const html = template({ ...this.base(req), ...data });
    if (!html.includes(TRAINING_MARK)) throw new MissingMarkError(`${this.id}/${page}`);
    // A page made for a visitor without a session (none was started while making it) is the same for every such visitor.
    const key = status === 200 && !reply.hasHeader('set-cookie') ? this.cacheKey(req, this.req(req)) : null;
    if (key) {
      this.cache!.set(key, html);
      if (this.cache!.size > this.cacheMax) this.cache!.delete(this.cache!.keys().next().value as string);
    }
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }

  /** The form's message in the page's language. */
  formMessage(req: FastifyRequest, err: FormError): string {
    const lang = this.lang(req);
    return this.i18n.t(lang, err.key, { ...err.params, field: this.i18n.t(lang, err.field) });
  }

  /** Renders the form page again with the error, as 400. */
  formFailure(req: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown>, err: FormError): FastifyReply {
    return this.render(req, reply, page, { ...data, formError: this.formMessage(req, err) }, 400);
  }

  errorPage(req: FastifyRequest, reply: FastifyReply, status: number, message?: string): FastifyReply {
    const s = ERROR_STATUSES.has(status) ? status : 400;
    return this.render(req, reply, 'error', { title: this.t(req, `error.${s}.title`), status: s, message }, s);
  }

  /** 303 to a site path (so a POST is followed by a GET). */
  redirect(req: FastifyRequest, reply: FastifyReply, path: string): FastifyReply {
    return reply.redirect(this.href(req, path), 303);
  }

  /** A plain-text document (mirror lists, canaries, keys). */
  text(reply: FastifyReply, body: string, type = 'text/plain; charset=utf-8'): FastifyReply {
    return reply.type(type).header('content-security-policy', "default-src 'none'; frame-ancestors 'self'").send(body);
  }

  /** An SVG image generated by the kit. */
  svg(reply: FastifyReply, body: string, cacheable = true): FastifyReply {
    return reply
      .type('image/svg+xml')
      .header('content-security-policy', SITE_IMAGE_CSP)
      .header('cache-control', cacheable ? 'public, max-age=3600' : 'no-store')
      .send(body);
  }
}
