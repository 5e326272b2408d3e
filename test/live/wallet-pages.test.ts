// The trainee's wallet pages as a browser uses them: a session cookie, forms with a CSRF token,
// clear 400s for bad input (escaped), 403 for a forged post.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { labWalletPlugin, DEFAULT_ALLOWANCE_SATS } from '../../lab/wallet/index.ts';
import { SESSION_COOKIE } from '../../lab/wallet/session.ts';
import { formatBtc } from '../../sim/live/index.ts';
import { smallWorldFile, serve, listingOf, type Served } from './live.fixture.ts';

let s: Served;
let app: FastifyInstance;

beforeAll(async () => {
  s = serve(smallWorldFile());
  app = Fastify();
  await app.register(labWalletPlugin, { prefix: '/wallet', live: s.live });
}, 120_000);

afterAll(async () => {
  await app.close();
  s.close();
});

function cookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return `${SESSION_COOKIE}=${c.value}`;
}

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];
const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', payload: new URLSearchParams(fields).toString() });

async function newSession(): Promise<{ cookie: string; csrf: string; html: string }> {
  const res = await app.inject('/wallet/');
  expect(res.statusCode).toBe(200);
  return { cookie: cookieOf(res), csrf: csrfOf(res.body), html: res.body };
}

async function post(url: string, cookie: string | null, fields: Record<string, string>) {
  const { payload, ...headers } = form(fields);
  return app.inject({ method: 'POST', url, headers: { ...headers, ...(cookie ? { cookie } : {}) }, payload });
}

describe('the lab wallet pages', () => {
  it('start a session with a signed, httpOnly, SameSite cookie and show an empty wallet', async () => {
    const res = await app.inject('/wallet/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const c = res.cookies.find((x) => x.name === SESSION_COOKIE)!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/wallet' });
    expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    expect(res.body).toContain('0.00000000 BTC');
    expect(res.body).toMatch(/id="receive-address" class="mono" type="text" value="bc1q[a-z0-9]+"/);
    expect(res.body).toContain(`Request allowance (${formatBtc(DEFAULT_ALLOWANCE_SATS)} BTC)`);
    expect(res.body).not.toMatch(/https?:\/\//);
    // The same cookie is the same wallet; a forged cookie is a new session.
    const again = await app.inject({ url: '/wallet/', headers: { cookie: `${SESSION_COOKIE}=${c.value}` } });
    expect(again.cookies.find((x) => x.name === SESSION_COOKIE)).toBeUndefined();
    expect(csrfOf(again.body)).toBe(csrfOf(res.body));
    const forged = await app.inject({ url: '/wallet/', headers: { cookie: `${SESSION_COOKIE}=${c.value.slice(0, 22)}.AAAA` } });
    expect(forged.cookies.find((x) => x.name === SESSION_COOKIE)).toBeDefined();
    expect((await app.inject('/wallet/static/wallet.css')).statusCode).toBe(200);
    expect((await app.inject('/wallet/static/wallet.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('rejects posts without the session’s CSRF token', async () => {
    const a = await newSession();
    const b = await newSession();
    expect((await post('/wallet/allowance', a.cookie, {})).statusCode).toBe(403);
    expect((await post('/wallet/allowance', a.cookie, { csrf: b.csrf })).statusCode).toBe(403);
    expect((await post('/wallet/allowance', null, { csrf: a.csrf })).statusCode).toBe(403);
    const res = await post('/wallet/send', a.cookie, { address: 'x', amount: '0.1', feeRate: '1' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('security token');
    // Nothing happened.
    const page = await app.inject({ url: '/wallet/', headers: { cookie: a.cookie } });
    expect(page.body).toContain('No transactions yet.');
  });

  it('grants the allowance once and pays an order from the send form', async () => {
    const me = await newSession();
    const granted = await post('/wallet/allowance', me.cookie, { csrf: me.csrf });
    expect(granted.statusCode).toBe(303);
    const location = granted.headers.location as string;
    expect(location).toMatch(/^\/wallet\/\?done=allowance&tx=[0-9a-f]{64}$/);
    const txid = location.slice(-64);
    let page = await app.inject({ url: location, headers: { cookie: me.cookie } });
    expect(page.body).toContain('Allowance sent');
    expect(page.body).toContain(`href="/explorer/tx/${txid}"`);
    expect(page.body).toMatch(/id="unconfirmed">\+0\.05000000 BTC/);
    expect(page.body).toContain('<span class="pending">pending</span>');
    expect(page.body).not.toContain('id="allowance-form"');
    expect((await post('/wallet/allowance', me.cookie, { csrf: me.csrf })).statusCode).toBe(400);
    s.mine();
    page = await app.inject({ url: '/wallet/', headers: { cookie: me.cookie } });
    expect(page.body).toMatch(/id="confirmed">0\.05000000 BTC/);

    // A market page links here with the order's address and amount; the trainee sends.
    const order = s.live.createOrder({ marketId: 'silkway', listingId: listingOf(s.ledger, 'silkway', false).id, buyerRef: 'wallet-page' });
    const amount = formatBtc(order.amountSats);
    page = await app.inject({ url: `/wallet/?to=${order.depositAddress}&amount=${amount}&order=${order.orderId}`, headers: { cookie: me.cookie } });
    expect(page.body).toContain(`value="${order.depositAddress}"`);
    expect(page.body).toContain(`value="${amount}"`);
    const sent = await post('/wallet/send', me.cookie, { csrf: me.csrf, address: order.depositAddress, amount, feeRate: '3', order: order.orderId });
    expect(sent.statusCode).toBe(303);
    expect(s.live.order(order.orderId)!.state).toBe('paid_unconfirmed');
    page = await app.inject({ url: sent.headers.location as string, headers: { cookie: me.cookie } });
    expect(page.body).toContain(`Order payment · ${order.orderId}`);
  });

  it('answers bad input with 400 and a reason, escaping whatever was typed', async () => {
    const me = await newSession();
    const hostile = '"><script>alert(1)</script>';
    let res = await post('/wallet/send', me.cookie, { csrf: me.csrf, address: hostile, amount: '0.001', feeRate: '2' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="error">Invalid address/);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    res = await post('/wallet/send', me.cookie, { csrf: me.csrf, address: s.live.receiveAddress('someone'), amount: '1e-3<b>', feeRate: '2' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Amount must be a number of BTC');
    expect(res.body).toContain('value="1e-3&lt;b&gt;"');
    res = await post('/wallet/send', me.cookie, { csrf: me.csrf, address: s.live.receiveAddress('someone'), amount: '0.001', feeRate: 'fast' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Fee rate must be a number from 1');
    res = await post('/wallet/send', me.cookie, { csrf: me.csrf, address: s.live.receiveAddress('someone'), amount: '5', feeRate: '2' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Insufficient funds');
    // Hostile query parameters are escaped too.
    const page = await app.inject({ url: `/wallet/?to=${encodeURIComponent(hostile)}&order=${encodeURIComponent('<i>x</i>')}&done=sent&tx=${encodeURIComponent('<b>')}`, headers: { cookie: me.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('<i>x</i>');
    expect(page.body).not.toContain('/tx/<b>');
  });
});
