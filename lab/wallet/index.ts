// The trainee's lab wallet pages: balance, a receive address, history (linked to the explorer), the
// lab's allowance, and a send form for paying a market's deposit address. Server-rendered, no
// outside asset; the only script is the copy button. Mounted by the lab:
//   await app.register(labWalletPlugin, { prefix: '/wallet', live })
// A market page can link to `/wallet/?to=<address>&amount=<BTC>&order=<id>` to fill in the send form.
//
// Trainees are told apart by a random session id in a signed cookie for now; classes (a later
// issue) replace it with trainee accounts and the instructor's allowance.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LiveError, parseBtc, formatBtc, MAX_FEE_RATE, type LiveWorld } from '../../sim/live/index.ts';
import { SessionSigner, SESSION_COOKIE } from './session.ts';
import { balanceView, historyRows } from './views.ts';

export interface LabWalletOptions {
  live: LiveWorld;
  /** The one allowance a wallet may request, in sats. Default 5,000,000 (0.05 BTC). */
  allowanceSats?: number;
  /** Where "Back to lab home" points. Default '/'. */
  homeHref?: string;
  /** The explorer's mount. Default '/explorer'. */
  explorerHref?: string;
  /** Cookie-signing secret; default one kept in the world database (so sessions survive a restart). */
  secret?: Uint8Array;
  /** Mark the session cookie Secure (only when the lab is served over HTTPS). Default false. */
  secureCookie?: boolean;
}

export const DEFAULT_ALLOWANCE_SATS = 5_000_000;

const here = fileURLToPath(new URL('.', import.meta.url));
const FORM_TYPE = 'application/x-www-form-urlencoded';
const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const TXID = /^[0-9a-f]{64}$/;

interface SendForm {
  address?: string;
  amount?: string;
  feeRate?: string;
  order?: string;
}

function field(body: unknown, name: string): string {
  if (body === null || typeof body !== 'object') return '';
  const v = (body as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

function query(req: FastifyRequest, name: string, max: number): string {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? '' : '.');
}

export const labWalletPlugin: FastifyPluginAsync<LabWalletOptions> = async (app: FastifyInstance, opts) => {
  const live = opts.live;
  if (!live) throw new TypeError('the lab wallet needs the live world (opts.live)');
  const allowanceSats = opts.allowanceSats ?? DEFAULT_ALLOWANCE_SATS;
  if (!Number.isSafeInteger(allowanceSats) || allowanceSats <= 0) throw new RangeError('allowanceSats must be a whole number of sats above 0');
  const base = app.prefix;
  const home = opts.homeHref ?? '/';
  const explorer = opts.explorerHref ?? '/explorer';
  const signer = new SessionSigner(opts.secret ?? live.secret('lab-wallet'));
  const hbs = Handlebars.create();
  const layout = hbs.compile(readFileSync(`${here}templates/layout.hbs`, 'utf8'));
  const page = hbs.compile(readFileSync(`${here}templates/wallet.hbs`, 'utf8'), { strict: false });
  const css = readFileSync(`${here}static/wallet.css`, 'utf8');
  const js = readFileSync(`${here}static/wallet.js`, 'utf8');
  const cookieOptions = { path: base || '/', httpOnly: true, sameSite: 'strict' as const, secure: opts.secureCookie ?? false, maxAge: 180 * 86400 };

  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser(FORM_TYPE)) {
    app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  }

  const ownerOf = (sid: string) => `session:${sid}`;
  const sessions = new WeakMap<FastifyRequest, string>();

  // Every request learns its session; a page view starts one, a form post never does.
  app.addHook('onRequest', async (req, reply) => {
    const existing = signer.open(req.cookies?.[SESSION_COOKIE]);
    if (existing) sessions.set(req, existing);
    else if (req.method === 'GET' && !req.url.startsWith(`${base}/static/`)) {
      const { sid, cookie } = signer.create();
      reply.setCookie(SESSION_COOKIE, cookie, cookieOptions);
      sessions.set(req, sid);
    }
  });

  function render(reply: FastifyReply, status: number, sid: string, extra: { error?: string; notice?: string; noticeTx?: string; form?: SendForm }): FastifyReply {
    const owner = ownerOf(sid);
    const wallet = live.createLabWallet(owner);
    const treasury = live.treasury();
    const going = live.goingFeeRate();
    const body = page({
      base,
      explorer,
      csrf: signer.csrfToken(sid),
      balance: balanceView(live.balance(owner)),
      address: live.receiveAddress(owner),
      history: historyRows(live.history(owner, 50)),
      allowance: {
        granted: wallet.allowanceTxid !== null,
        txid: wallet.allowanceTxid,
        amount: formatBtc(allowanceSats),
        available: treasury !== null && treasury.balance.total > allowanceSats,
      },
      goingFeeRate: going,
      form: { feeRate: String(Math.max(1, Math.ceil(going))), ...extra.form },
      error: extra.error,
      notice: extra.notice,
      noticeTx: extra.noticeTx,
    });
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(layout({ title: 'Lab wallet', base, home, body }));
  }

  function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
    const body = `<h1>Lab wallet</h1><p class="error" role="alert" id="error">${hbs.escapeExpression(message)}</p><p><a href="${hbs.escapeExpression(base)}/">Back to your wallet</a></p>`;
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .send(layout({ title: 'Lab wallet', base, home, body }));
  }

  /** The session of a form post, if its CSRF token matches; otherwise the reply is sent (403). */
  function postSession(req: FastifyRequest, reply: FastifyReply): string | null {
    const sid = sessions.get(req);
    if (!sid) {
      void refuse(reply, 403, 'Your wallet session is missing or expired. Open the wallet page again and resubmit.');
      return null;
    }
    if (!signer.checkCsrf(sid, field(req.body, 'csrf'))) {
      void refuse(reply, 403, 'This form did not come from your wallet page (missing or wrong security token). Open the wallet page again and resubmit.');
      return null;
    }
    return sid;
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) app.log.error(err);
    const message = status === 413 ? 'The form is too large.' : status === 415 ? 'Send the form as application/x-www-form-urlencoded.' : status < 500 ? err.message : 'The wallet failed; try again.';
    return refuse(reply, status, message);
  });

  app.get('/static/wallet.css', async (_req, reply) => reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));
  app.get('/static/wallet.js', async (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(js));

  app.get('/', async (req, reply) => {
    const sid = sessions.get(req)!;
    const done = query(req, 'done', 20);
    const tx = query(req, 'tx', 64);
    const notice = done === 'allowance' ? 'Allowance sent to your wallet; it confirms in the next live block.' : done === 'sent' ? 'Payment sent; it confirms in the next live block.' : undefined;
    // Prefill from a market page's "pay from lab wallet" link.
    const form: SendForm = { address: query(req, 'to', 120) || undefined, amount: query(req, 'amount', 20) || undefined, order: query(req, 'order', 64) || undefined };
    return render(reply, 200, sid, { notice, noticeTx: notice && TXID.test(tx) ? tx : undefined, form });
  });

  app.post('/allowance', async (req, reply) => {
    const sid = postSession(req, reply);
    if (!sid) return reply;
    try {
      const sent = live.requestAllowance(ownerOf(sid), allowanceSats);
      return reply.code(303).header('location', `${base}/?done=allowance&tx=${sent.txid}`).send();
    } catch (err) {
      if (!(err instanceof LiveError)) throw err;
      return render(reply, 400, sid, { error: sentence(err.message) });
    }
  });

  app.post('/send', async (req, reply) => {
    const sid = postSession(req, reply);
    if (!sid) return reply;
    const form: SendForm = { address: field(req.body, 'address').slice(0, 200), amount: field(req.body, 'amount').slice(0, 40), feeRate: field(req.body, 'feeRate').slice(0, 20), order: field(req.body, 'order').slice(0, 64) || undefined };
    try {
      const owner = ownerOf(sid);
      live.createLabWallet(owner);
      const sats = parseBtc(form.amount ?? '');
      const feeRate = Number((form.feeRate ?? '').trim());
      if (!/^\d+(\.\d+)?$/.test((form.feeRate ?? '').trim()) || !Number.isFinite(feeRate) || feeRate < 1 || feeRate > MAX_FEE_RATE) {
        throw new LiveError('invalid-fee-rate', `fee rate must be a number from 1 to ${MAX_FEE_RATE} sat/vB`);
      }
      const sent = live.send(owner, form.address ?? '', sats, feeRate);
      return reply.code(303).header('location', `${base}/?done=sent&tx=${sent.txid}`).send();
    } catch (err) {
      if (!(err instanceof LiveError)) throw err;
      return render(reply, 400, sid, { error: sentence(err.message), form });
    }
  });
};
