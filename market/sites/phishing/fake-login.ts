// The phishing clone's login: the real market's login page as its own templates render it, changed
// the way phishing kits change a copied page — the form posts to another path of the clone, and
// a "security check" asks for the withdrawal PIN or the wallet's recovery phrase. What the visitor
// typed is noted (never the secrets themselves: whether they were given) in lab_phishing_captures,
// then the login is relayed to the market's own login, as pass-through clones do, so the visitor
// notices nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Db } from '../../../chain/store/open.ts';
import { escapeHtml } from '../kit/escape.ts';
import { FORM_TYPE, FormError, formValue, readText } from '../kit/forms.ts';
import { I18n, isLang, mergeDictionaries, type Lang } from '../kit/i18n.ts';
import { KIT_STRINGS } from '../kit/strings.ts';
import { PHISHING_STRINGS } from './strings.ts';

/** Where the clone's login form posts instead of /login. */
export const FAKE_LOGIN_ACTION = '/auth/verify';

export const PHISHING_CAPTURES_SQL = `
CREATE TABLE IF NOT EXISTS lab_phishing_captures (
  id             INTEGER PRIMARY KEY,
  onion          TEXT NOT NULL,
  handle         TEXT NOT NULL,
  password_given INTEGER NOT NULL,
  pin_given      INTEGER NOT NULL,
  mnemonic_words INTEGER NOT NULL,
  created_at     INTEGER NOT NULL
);
`;

export interface PhishingCapture {
  onion: string;
  handle: string;
  passwordGiven: boolean;
  pinGiven: boolean;
  mnemonicWords: number;
  createdAt: number;
}

const i18n = new I18n(mergeDictionaries(KIT_STRINGS, PHISHING_STRINGS));

const FORM_OPEN = /<form id="login-form"[^>]*>/;
const PIN_RE = /^\d{4,8}$/;
const MNEMONIC_RE = /^[a-z]+(?: [a-z]+){11}(?:(?: [a-z]+){12})?$/;

function pageLang(html: string): Lang {
  const m = /<html[^>]*\slang="([a-z]{2})"/.exec(html);
  return isLang(m?.[1]) ? m[1] : 'en';
}

function securityCheck(lang: Lang): string {
  const t = (key: string) => escapeHtml(i18n.t(lang, key));
  return (
    `<fieldset class="security-check kit-form" id="security-check"><legend>${t('phish.check.title')}</legend>` +
    `<p class="notice">${t('phish.check.text')}</p>` +
    `<label for="withdraw_pin">${t('phish.pin')}</label>` +
    `<input id="withdraw_pin" name="withdraw_pin" inputmode="numeric" autocomplete="off" maxlength="8">` +
    `<label for="mnemonic">${t('phish.mnemonic')}</label>` +
    `<textarea id="mnemonic" name="mnemonic" rows="2" maxlength="400" autocomplete="off" spellcheck="false"></textarea>` +
    `</fieldset>`
  );
}

/**
 * The login page with its form re-pointed at FAKE_LOGIN_ACTION and the security check added before
 * the captcha (a page already rewritten stays as it is), and `error` shown above the form; null when
 * the page holds no login form.
 */
export function rewriteLoginPage(html: string, error?: string): string | null {
  const open = FORM_OPEN.exec(html);
  if (!open) return null;
  const lang = pageLang(html);
  let form = open[0];
  let out = html;
  const action = /\saction="([^"]*)\/login"/.exec(form);
  if (action) {
    // Function replacements throughout: a replacement string would give '$&' and its kin a meaning.
    form = open[0].replace(action[0], () => ` action="${action[1]}${FAKE_LOGIN_ACTION}"`);
    out = html.slice(0, open.index) + form + html.slice(open.index + open[0].length);
    const at = out.indexOf('<div class="captcha">', open.index);
    const check = securityCheck(lang);
    out = at < 0 ? out.replace(form, () => form + check) : out.slice(0, at) + check + out.slice(at);
  } else if (!form.includes(`${FAKE_LOGIN_ACTION}"`)) {
    return null;
  }
  if (error !== undefined) {
    const box = `<div class="form-error" role="alert"><strong>${escapeHtml(i18n.t(lang, 'form.errorTitle'))}</strong><p id="form-error">${escapeHtml(error)}</p></div>`;
    out = out.replace(form, () => box + form);
  }
  return out;
}

/** The language the visitor reads the clone in (as the kit decides it: ?lang, then the cookie). */
function visitorLang(req: FastifyRequest, fallback: Lang): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(q)) return q;
  const m = /(?:^|;\s*)lang=(en|ru)(?:;|$)/.exec(String(req.headers.cookie ?? ''));
  return m && isLang(m[1]) ? m[1] : fallback;
}

/** Headers for an in-process request to the clone's own pages, as the visitor's browser sent them. */
function relayHeaders(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['cookie', 'x-onion-address', 'x-forwarded-prefix', 'user-agent', 'accept-language']) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

function sendRelayed(reply: FastifyReply, res: { statusCode: number; headers: OutgoingHttpHeaders; rawPayload: Buffer }, status = res.statusCode, body: string | Buffer = res.rawPayload): FastifyReply {
  reply.code(status);
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || name === 'content-length' || name === 'connection' || name === 'transfer-encoding') continue;
    reply.header(name, value);
  }
  return reply.send(body);
}

export interface FakeLoginOptions {
  mount: string;
  onion: string;
  labDb: Db;
  defaultLang: Lang;
  now: () => number;
}

/**
 * Installs the fake login in the clone's wrapping context (before the market's own plugin is
 * registered inside it): an onSend hook that rewrites every page carrying the login form, and the
 * route the form now posts to.
 */
export function installFakeLogin(app: FastifyInstance, opts: FakeLoginOptions): void {
  opts.labDb.exec(PHISHING_CAPTURES_SQL);
  const capture = opts.labDb.prepare('INSERT INTO lab_phishing_captures (onion, handle, password_given, pin_given, mnemonic_words, created_at) VALUES (?, ?, ?, ?, ?, ?)');

  app.addHook('onSend', async (_req, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return payload;
    return rewriteLoginPage(payload) ?? payload;
  });

  app.post(FAKE_LOGIN_ACTION, async (req, reply) => {
    const body = req.body;
    const lang = visitorLang(req, opts.defaultLang);
    let fields: { handle: string; password: string; pin: string; mnemonic: string };
    try {
      const handle = readText(body, 'handle', { label: 'field.handle', max: 64 });
      const password = readText(body, 'password', { label: 'field.password', max: 128, raw: true });
      const pin = readText(body, 'withdraw_pin', { label: 'phish.pin', required: false, max: 8, pattern: PIN_RE, patternKey: 'phish.pin.pattern' });
      const mnemonic = readText(body, 'mnemonic', { label: 'phish.mnemonic', required: false, max: 400, multiline: true }).toLowerCase().split(/\s+/).join(' ');
      if (mnemonic && !MNEMONIC_RE.test(mnemonic)) throw new FormError('phish.mnemonic', 'phish.mnemonic.pattern');
      if (!pin && !mnemonic) throw new FormError('phish.pin', 'phish.check.missing');
      fields = { handle, password, pin, mnemonic };
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      const message = i18n.t(lang, err.key, { ...err.params, field: i18n.t(lang, err.field) });
      const next = formValue(body, 'next');
      const page = await app.inject({ method: 'GET', url: `${opts.mount}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, headers: relayHeaders(req) });
      const html = rewriteLoginPage(page.body.replace(/<p id="form-error">[^<]*<\/p>/, ''), message) ?? page.body;
      return sendRelayed(reply, page, 400, html);
    }
    capture.run(opts.onion, fields.handle, fields.password ? 1 : 0, fields.pin ? 1 : 0, fields.mnemonic ? fields.mnemonic.split(' ').length : 0, opts.now());
    // Relay the login to the market's own form handler, without the security check's fields.
    const relay = new URLSearchParams();
    for (const name of ['_csrf', 'handle', 'password', 'captcha', 'captcha_round', 'next']) relay.set(name, formValue(body, name));
    const res = await app.inject({
      method: 'POST',
      url: `${opts.mount}/login`,
      headers: { ...relayHeaders(req), 'content-type': FORM_TYPE },
      payload: relay.toString(),
    });
    return sendRelayed(reply, res);
  });
}

/** What the clone at `onion` noted, oldest first (for instructors). */
export function phishingCaptures(labDb: Db, onion?: string): PhishingCapture[] {
  labDb.exec(PHISHING_CAPTURES_SQL);
  const rows = (onion === undefined
    ? labDb.prepare('SELECT * FROM lab_phishing_captures ORDER BY id').all()
    : labDb.prepare('SELECT * FROM lab_phishing_captures WHERE onion = ? ORDER BY id').all(onion)) as {
    onion: string; handle: string; password_given: number; pin_given: number; mnemonic_words: number; created_at: number;
  }[];
  return rows.map((r) => ({ onion: r.onion, handle: r.handle, passwordGiven: r.password_given === 1, pinGiven: r.pin_given === 1, mnemonicWords: r.mnemonic_words, createdAt: r.created_at }));
}
