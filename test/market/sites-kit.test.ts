// The site kit's pieces on their own: i18n, escaping, paging, form rules, the captcha, generated
// images, sessions, the lab's store, and the site frame (mark check, errors, language cookie).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../chain/store/open.ts';
import { I18n, MISSING_OPEN, missingKeys, mergeDictionaries } from '../../market/sites/kit/i18n.ts';
import { escapeHtml, escapeXml, plainLine } from '../../market/sites/kit/escape.ts';
import { paginate, parsePage, withQuery } from '../../market/sites/kit/pagination.ts';
import { FormError, readAmount, readChoice, readInt, readText } from '../../market/sites/kit/forms.ts';
import { CAPTCHA_ALPHABET, CAPTCHA_LENGTH, Captcha } from '../../market/sites/kit/captcha.ts';
import { cityMapSvg, productArtSvg } from '../../market/sites/kit/art.ts';
import { SessionStore } from '../../market/sites/kit/session.ts';
import { HandleTakenError, LabStore } from '../../market/sites/kit/store.ts';
import { ChainView } from '../../market/sites/kit/chain.ts';
import { Site } from '../../market/sites/kit/site.ts';
import { TRAINING_MARK } from '../../market/sites/kit/mark.ts';
import { templateFiles, KIT_PARTIALS_DIR } from '../../market/sites/kit/templates.ts';
import { formatBtc, formatUsd } from '../../market/sites/kit/format.ts';

describe('i18n', () => {
  const dicts = {
    en: { hello: 'Hello, {name}', 'item#one': '{count} item', 'item#other': '{count} items' },
    ru: { hello: 'Привет, {name}', 'item#one': '{count} товар', 'item#few': '{count} товара', 'item#many': '{count} товаров', 'item#other': '{count} товара' },
  };

  it('fills placeholders and picks plural forms by each language\'s rules', () => {
    const i = new I18n(dicts);
    expect(i.t('en', 'hello', { name: 'A' })).toBe('Hello, A');
    expect(i.t('ru', 'hello', { name: 'Б' })).toBe('Привет, Б');
    expect([1, 2, 5, 21, 22, 25, 111].map((n) => i.plural('ru', 'item', n))).toEqual([
      '1 товар', '2 товара', '5 товаров', '21 товар', '22 товара', '25 товаров', '111 товаров',
    ]);
    expect(i.plural('en', 'item', 1)).toBe('1 item');
    expect(i.plural('en', 'item', 1400)).toBe('1,400 items');
    expect(i.plural('ru', 'item', 1400).replace(/\s/g, ' ')).toBe('1 400 товаров');
    expect(i.t('en', 'nope')).toBe(`${MISSING_OPEN}nope⟧`);
    expect(i.keys().sort()).toEqual(['hello', 'item']);
  });

  it('refuses dictionaries whose languages differ, naming the keys', () => {
    expect(() => new I18n({ en: { a: 'A', b: 'B' }, ru: { a: 'А' } })).toThrow(/ru lacks 1 key\(s\): b/);
    expect(() => new I18n({ en: { 'n#one': '1', 'n#other': 'n' }, ru: { 'n#one': '1', 'n#other': 'n' } })).toThrow(/ru lacks 2 key\(s\): n#few, n#many/);
    expect(() => new I18n({ en: { a: ' ' }, ru: { a: 'А' } })).toThrow(/empty/);
    expect(missingKeys(dicts)).toEqual({ en: [], ru: [] });
    expect(() => mergeDictionaries(dicts, { en: { hello: 'x' }, ru: { hello: 'y' } })).toThrow(/defined twice/);
  });
});

describe('escaping', () => {
  it('escapes markup for HTML and XML', () => {
    expect(escapeHtml('<a href="x">\'&`=</a>')).toBe('&lt;a href&#x3D;&quot;x&quot;&gt;&#x27;&amp;&#x60;&#x3D;&lt;/a&gt;');
    expect(escapeXml('<svg onload="x">&\u0001')).toBe('&lt;svg onload=&quot;x&quot;&gt;&amp;');
    expect(plainLine('a\r\nb\u2028c ')).toBe('a b c');
  });

  it('no string escapes into XML markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeXml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
      }),
    );
  });
});

describe('paging', () => {
  it('pages cover every row once, with links to the first, last and nearby pages', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), (total, page, per) => {
        const p = paginate(total, page, per, (n) => `/x?page=${n}`);
        expect(p.page).toBe(Math.min(page, Math.max(1, Math.ceil(total / per))));
        expect(p.offset).toBe((p.page - 1) * per);
        expect(p.to - p.from + (total === 0 ? 0 : 1)).toBe(Math.min(per, total - p.offset));
        expect(p.links[0].page).toBe(1);
        expect(p.links.at(-1)!.page).toBe(p.pages);
        expect(p.links.filter((l) => l.current).map((l) => l.page)).toEqual([p.page]);
        expect(p.prevHref === null).toBe(p.page === 1);
        expect(p.nextHref === null).toBe(p.page === p.pages);
        for (const l of p.links) expect(l.gapAfter).toBe(p.links[p.links.indexOf(l) + 1] !== undefined && p.links[p.links.indexOf(l) + 1].page - l.page > 1);
      }),
    );
  });

  it('reads page numbers strictly and keeps the other query parameters', () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage('7')).toBe(7);
    for (const bad of ['0', '-1', 'abc', '1.5', '10001', '1e3']) expect(() => parsePage(bad)).toThrow(RangeError);
    expect(withQuery('/search', { q: 'a b', page: '3', lang: 'ru' }, { page: 4, lang: undefined })).toBe('/search?q=a+b&page=4');
    expect(withQuery('/search', { q: 'x' }, { page: 1 })).toBe('/search?q=x');
  });
});

describe('form rules', () => {
  const fail = (fn: () => unknown): FormError => {
    try {
      fn();
    } catch (e) {
      if (e instanceof FormError) return e;
      throw e;
    }
    throw new Error('did not fail');
  };

  it('text: required, length in characters, one line, pattern', () => {
    const rule = { label: 'field.x', min: 3, max: 5 };
    expect(readText({ x: '  abc ' }, 'x', rule)).toBe('abc');
    expect(readText({ x: 'ёжик' }, 'x', rule)).toBe('ёжик');
    expect(fail(() => readText({}, 'x', rule))).toMatchObject({ key: 'form.required', field: 'field.x' });
    expect(fail(() => readText({ x: 'ab' }, 'x', rule))).toMatchObject({ key: 'form.tooShort', params: { min: 3 } });
    expect(fail(() => readText({ x: 'abcdef' }, 'x', rule))).toMatchObject({ key: 'form.tooLong', params: { max: 5 } });
    expect(fail(() => readText({ x: 'a\nbc' }, 'x', rule)).key).toBe('form.control');
    expect(readText({ x: 'a\nbc' }, 'x', { ...rule, multiline: true })).toBe('a\nbc');
    expect(fail(() => readText({ x: 'a\u0000b' }, 'x', { ...rule, multiline: true })).key).toBe('form.control');
    expect(fail(() => readText({ x: 'a b' }, 'x', { ...rule, pattern: /^\w+$/, patternKey: 'p.k' })).key).toBe('p.k');
    expect(readText({ x: ['first', 'second'] }, 'x', rule)).toBe('first');
  });

  it('numbers and choices', () => {
    expect(readInt({ n: '3' }, 'n', 'f', 1, 5)).toBe(3);
    expect(fail(() => readInt({ n: '3.5' }, 'n', 'f', 1, 5)).key).toBe('form.wholeNumber');
    expect(fail(() => readInt({ n: '9' }, 'n', 'f', 1, 5))).toMatchObject({ key: 'form.range', params: { min: 1, max: 5 } });
    expect(readAmount({ a: '19,99' }, 'a', 'f', 0, 100)).toBe(19.99);
    expect(readAmount({ a: '' }, 'a', 'f', 0, 100)).toBeUndefined();
    expect(fail(() => readAmount({ a: '1e2' }, 'a', 'f', 0, 100)).key).toBe('form.amount');
    expect(readChoice({ c: 'b' }, 'c', 'f', ['a', 'b'])).toBe('b');
    expect(readChoice({}, 'c', 'f', ['a', 'b'], 'a')).toBe('a');
    expect(fail(() => readChoice({ c: 'z' }, 'c', 'f', ['a', 'b'])).key).toBe('form.choice');
  });
});

describe('captcha', () => {
  const c = new Captcha('a secret of at least sixteen bytes');

  it('is deterministic per session and round, and checked server-side', () => {
    const a = c.answer('session-1', 0);
    expect(a).toHaveLength(CAPTCHA_LENGTH);
    for (const ch of a) expect(CAPTCHA_ALPHABET).toContain(ch);
    expect(c.answer('session-1', 0)).toBe(a);
    expect(c.check('session-1', 0, a.toLowerCase())).toBe(true);
    expect(c.check('session-1', 0, ` ${a.slice(0, 2)} ${a.slice(2)} `)).toBe(true);
    expect(c.check('session-1', 0, a.slice(1))).toBe(false);
    expect(c.check('session-1', 1, a)).toBe(c.answer('session-1', 1) === a);
    expect(c.svg('session-1', 0)).toBe(c.svg('session-1', 0));
    expect(new Captcha('another secret, sixteen bytes+').answer('session-1', 0) === a && c.answer('session-2', 0) === a).toBe(false);
    expect(() => new Captcha('short')).toThrow(RangeError);
  });

  it('rejects wrong answers (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.nat(1000), (typed, round) => {
        const right = c.answer('s', round);
        expect(c.check('s', round, typed)).toBe(typed.replace(/\s+/g, '').toUpperCase() === right);
      }),
    );
  });

  it('draws an SVG with the mark and nothing external', () => {
    const svg = c.svg('session-1', 3);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain(TRAINING_MARK);
    expect(svg).not.toMatch(/href|<script|<image|url\(/);
    expect((svg.match(/<text transform=/g) ?? []).length).toBe(CAPTCHA_LENGTH);
  });
});

describe('generated images', () => {
  it('product art is deterministic, marked, and escapes its label', () => {
    const a = productArtSvg('seed/L1', 'cannabis', '<b>"x"</b>');
    expect(productArtSvg('seed/L1', 'cannabis', '<b>"x"</b>')).toBe(a);
    expect(productArtSvg('seed/L2', 'cannabis', 'x')).not.toBe(productArtSvg('seed/L1', 'cannabis', 'x'));
    expect(a).toContain(TRAINING_MARK);
    expect(a).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(a).not.toMatch(/<b>|href|<script|<image/);
  });

  it('city maps escape names and carry GPS metadata only when asked', () => {
    const spec = { key: 'k', title: 'Town <x>', districts: ['North', '<script>'], highlight: 1, markerKey: 'o1', caption: 'fictional' };
    const plain = cityMapSvg(spec);
    expect(plain).toContain('&lt;script&gt;');
    expect(plain).not.toContain('<script>');
    expect(plain).not.toContain('<metadata');
    expect(plain).toContain(TRAINING_MARK);
    const leaky = cityMapSvg({ ...spec, gps: { lat: 0.5, lon: 0.25, device: 'fictional phone', taken: '2020-02-01 10:00:00' } });
    expect(leaky).toContain('GPSLatitude: 0.500000 N');
    expect(leaky).toContain('GPSLongitude: 0.250000 E');
  });
});

describe('sessions and the lab store', () => {
  it('sessions have unguessable ids and the oldest idle ones are dropped first', () => {
    const store = new SessionStore(3);
    const a = store.create();
    const b = store.create();
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.id).not.toBe(b.id);
    store.get(a.id);
    store.create();
    store.create();
    expect(store.get(a.id)).toBe(a);
    expect(store.get(b.id)).toBeUndefined();
    expect(store.get('../../etc')).toBeUndefined();
  });

  it('accounts: one name per site in any case, scrypt passwords, orders numbered after the world\'s', async () => {
    const db = openDb(':memory:', { create: true });
    const store = new LabStore(db);
    const acct = await store.createAccount('s1', 'Alice', 'password one', 100);
    await expect(store.createAccount('s1', 'ALICE', 'x'.repeat(8), 101)).rejects.toBeInstanceOf(HandleTakenError);
    expect((await store.createAccount('s2', 'alice', 'password two', 102)).site).toBe('s2');
    expect((await store.login('s1', 'alice', 'password one'))?.id).toBe(acct.id);
    expect(await store.login('s1', 'alice', 'password two')).toBeNull();
    expect(await store.login('s1', 'nobody', 'password one')).toBeNull();
    expect(store.nextOrderId('s1', 'mkt', 41)).toBe('mkt-000042');
    store.createOrder({
      id: 'mkt-000042', site: 's1', marketEntityId: 1, accountId: acct.id, listingId: 'L', vendorEntityId: 2, quantity: 1, amountUsd: 10, amountSats: 1000,
      depositAddress: '1x', keyIndex: 41, payMethod: 'btc', district: null, createdAt: 5, attrs: {},
    });
    expect(store.nextOrderId('s1', 'mkt', 41)).toBe('mkt-000043');
    store.notePayment('mkt-000042', { txid: 't', sats: 1000, height: 7 });
    expect(store.order('mkt-000042')).toMatchObject({ state: 'paid', paidTxid: 't', paidHeight: 7 });
    db.close();
  });
});

describe('the site frame', () => {
  let app: FastifyInstance;
  const dir = mkdtempSync(join(tmpdir(), 'kit-site-'));

  beforeAll(async () => {
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'layout.hbs'), '<!doctype html><html lang="{{@root.lang}}"><body>{{> synthetic-mark}}{{> lang-switch}}<main>{{> @partial-block}}</main></body></html>');
    writeFileSync(join(dir, 'home.hbs'), '{{#> layout}}<h1 id="h">{{t "hello"}}</h1><p id="echo">{{echo}}</p>{{/layout}}');
    writeFileSync(join(dir, 'unmarked.hbs'), '<p>{{t "hello"}}</p>');
    for (const page of ['register', 'login']) writeFileSync(join(dir, `${page}.hbs`), `{{#> layout}}{{> auth-${page}}}{{/layout}}`);
    writeFileSync(join(dir, 'error.hbs'), '{{#> layout}}{{> error-body}}{{/layout}}');
    const db = openDb(':memory:', { create: true });
    app = Fastify();
    await app.register(
      async (s) => {
        const site = await Site.create(s, {
          id: 'demo', name: 'Demo', mount: '/sites/demo', addresses: () => [], defaultLang: 'ru',
          strings: { en: { hello: 'Hello' }, ru: { hello: 'Привет' } }, templatesDir: dir, css: 'body{}',
          store: new LabStore(db), chain: new ChainView(db), captchaSecret: new Uint8Array(32).fill(7),
        });
        s.get('/', async (req, reply) => site.render(req, reply, 'home', { title: 'x', echo: String((req.query as Record<string, string>).echo ?? '') }));
        s.get('/unmarked', async (req, reply) => site.render(req, reply, 'unmarked', {}));
        s.get('/boom', async () => {
          throw new Error('internal detail that must not leak');
        });
      },
      { prefix: '/sites/demo' },
    );
    await app.ready();
  });
  afterAll(async () => app?.close());

  it('renders in the site language, escapes data, and sets the language cookie from ?lang', async () => {
    let res = await app.inject({ url: '/sites/demo/?echo=%3Cscript%3E' });
    expect(res.body).toContain('<h1 id="h">Привет</h1>');
    expect(res.body).toContain('&lt;script&gt;');
    expect(res.body).toContain(TRAINING_MARK);
    res = await app.inject({ url: '/sites/demo/?lang=en' });
    expect(res.body).toContain('<h1 id="h">Hello</h1>');
    expect(res.headers['set-cookie']).toMatch(/^lang=en;.*Path=\/sites\/demo/);
    res = await app.inject({ url: '/sites/demo/', headers: { cookie: 'lang=en' } });
    expect(res.body).toContain('Hello');
    res = await app.inject({ url: '/sites/demo/?lang=fr', headers: { cookie: 'lang=xx' } });
    expect(res.body).toContain('Привет');
  });

  it('refuses to send a page without the training mark, and hides server errors', async () => {
    const unmarked = await app.inject({ url: '/sites/demo/unmarked' });
    expect(unmarked.statusCode).toBe(500);
    expect(unmarked.body).toContain(TRAINING_MARK);
    const boom = await app.inject({ url: '/sites/demo/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('internal detail');
    expect(boom.body).toContain('Ошибка сервера');
  });

  it('answers oversized and foreign bodies with 413 and 415 pages', async () => {
    const big = await app.inject({ method: 'POST', url: '/sites/demo/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `x=${'a'.repeat(200_000)}` });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Слишком большая форма');
    const json = await app.inject({ method: 'POST', url: '/sites/demo/login', headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
    expect(json.statusCode).toBe(415);
  });

  it('no template reads a bare field named like a helper (the helper would win)', () => {
    const here = new URL('../../market/sites/', import.meta.url).pathname;
    const helpers = ['t', 'tn', 'href', 'concat', 'usd', 'btc', 'num', 'pct', 'date', 'datetime', 'country', 'eq', 'ne', 'gt', 'lt', 'not', 'and', 'or', 'inc'];
    const files = [...templateFiles(KIT_PARTIALS_DIR), ...templateFiles(join(here, 'escrow-market/templates')), ...templateFiles(join(here, 'shop-market/templates'))];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const h of helpers) expect(text, `${f} uses {{${h}}}`).not.toContain(`{{${h}}}`);
    }
  });

  it('no template of the kit or the sites uses triple-stash', () => {
    const here = new URL('../../market/sites/', import.meta.url).pathname;
    const files = [...templateFiles(KIT_PARTIALS_DIR), ...templateFiles(join(here, 'escrow-market/templates')), ...templateFiles(join(here, 'shop-market/templates'))];
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain('{{{');
  });

  it('formats money the way each language writes it', () => {
    expect(formatBtc(123_456_789)).toBe('1.23456789');
    expect(formatBtc(5)).toBe('0.00000005');
    expect(formatUsd('en', 1234.5)).toBe('$1,234.50');
    expect(formatUsd('ru', 1234.5).replace(/\s/g, ' ')).toBe('1 234,50 $');
  });
});
