// The lab's PGP tool page through fastify inject: verify, encrypt, inspect, and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import * as openpgp from 'openpgp';
import { pgpToolPlugin } from '../../market/pgp-tool/index.ts';
import { generateKey, type GeneratedKey } from '../../market/pgp/keys.ts';
import { clearSign } from '../../market/pgp/sign.ts';
import { decryptWith } from '../../market/pgp/encrypt.ts';
import { groupFingerprint } from '../../market/pgp/fingerprint.ts';

const KEY_DATE = new Date('2020-02-01T00:00:00Z');
const SIGN_DATE = new Date('2020-06-01T08:30:00Z');
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'`{{x}}';

let app: FastifyInstance;
let market: GeneratedKey;
let phish: GeneratedKey;
let signed: string;

beforeAll(async () => {
  app = Fastify({ logger: false });
  await app.register(pgpToolPlugin, { prefix: '/pgp' });
  market = await generateKey({ seed: 'tool/market', name: 'SilkWay Market', email: 'admin@silkway.onion', created: KEY_DATE });
  phish = await generateKey({ seed: 'tool/phish', name: 'SilkWay Market', email: 'admin@silkway.onion', created: KEY_DATE });
  signed = await clearSign('Official mirrors:\n- silkway3xq7mirror1.onion\n', market.privateArmored, SIGN_DATE);
});
afterAll(async () => {
  await app?.close();
});

async function post(path: string, fields: Record<string, string>) {
  const r = await app.inject({
    method: 'POST',
    url: `/pgp/${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
  return { status: r.statusCode, body: r.body, headers: r.headers };
}

/** Text as the browser shows it from Handlebars-escaped HTML. */
function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

/** Every tool page: the training mark, a way back to the lab, nothing loaded from elsewhere, no script. */
function expectToolPage(body: string, headers: Record<string, unknown>) {
  expect(body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
  expect(body).toMatch(/<a href="\/">[^<]*lab home<\/a>/);
  expect(body).not.toMatch(/https?:\/\//);
  expect(body).not.toMatch(/(src|href|action)="\/\//);
  expect(body).not.toMatch(/<script/i);
  expect(String(headers['content-security-policy'])).toContain("default-src 'none'");
  expect(String(headers['content-type'])).toMatch(/^text\/html/);
}

describe('GET /pgp/', () => {
  it('shows the three forms and its own stylesheet', async () => {
    const r = await app.inject({ method: 'GET', url: '/pgp/' });
    expect(r.statusCode).toBe(200);
    expectToolPage(r.body, r.headers);
    for (const action of ['verify', 'encrypt', 'inspect']) expect(r.body).toContain(`action="/pgp/${action}"`);
    expect(r.body).toContain('href="/pgp/static/pgp-tool.css"');
    const css = await app.inject({ method: 'GET', url: '/pgp/static/pgp-tool.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.body).not.toMatch(/url\(|@import/);
  });
});

describe('POST /pgp/verify', () => {
  it('verifies a good signature and shows the full fingerprint and both key IDs', async () => {
    const r = await post('verify', { publicKey: market.publicArmored, message: signed });
    expect(r.status).toBe(200);
    expectToolPage(r.body, r.headers);
    expect(r.body).toContain('data-reason="ok"');
    expect(r.body).toContain('Good signature');
    expect(r.body).toContain(groupFingerprint(market.fingerprint));
    expect(r.body).toContain(market.keyId);
    expect(r.body).toContain(`(short: ${market.shortId})`);
    expect(r.body).toContain('2020-06-01 08:30:00 UTC');
    expect(r.body).toContain('SilkWay Market &lt;admin@silkway.onion&gt;');
    expect(r.body).toMatch(/<pre id="signed-text">Official mirrors:\n- silkway3xq7mirror1.onion\n<\/pre>/);
  });

  it('says why a signature fails: altered text, another key', async () => {
    const altered = await post('verify', { publicKey: market.publicArmored, message: signed.replace('mirror1', 'mirror9') });
    expect(altered.status).toBe(200);
    expect(altered.body).toContain('data-reason="altered"');
    expect(altered.body).toContain('do not trust it');
    const other = await post('verify', { publicKey: phish.publicArmored, message: signed });
    expect(other.body).toContain('data-reason="wrong-key"');
    expect(other.body).toContain(market.keyId); // the key that really signed
    expect(other.body).toContain(groupFingerprint(phish.fingerprint)); // the key that was supplied
    expect(other.body).not.toContain('Good signature');
  });

  it('asks for both fields', async () => {
    const r = await post('verify', { publicKey: market.publicArmored });
    expect(r.status).toBe(400);
    expectToolPage(r.body, r.headers);
    expect(r.body).toContain('Paste both a public key and a signed message.');
  });

  it('escapes hostile input everywhere it is echoed', async () => {
    const r = await post('verify', { publicKey: XSS, message: XSS });
    expect(r.status).toBe(200);
    expectToolPage(r.body, r.headers);
    expect(r.body).toContain('data-reason="bad-message"');
    expect(r.body).not.toContain('<img');
    expect(r.body).not.toContain('{{x}}"');
    const echoed = r.body.match(/<textarea id="verify-key"[^>]*>([^<]*)<\/textarea>/)![1];
    expect(unescapeHtml(echoed)).toBe(XSS);
  });

  it('escapes hostile signed text and hostile user IDs', async () => {
    const hostileText = `Mirrors ${XSS}\n</pre><b>bold</b>`;
    const hostileSigned = await clearSign(hostileText, market.privateArmored, SIGN_DATE);
    const r = await post('verify', { publicKey: market.publicArmored, message: hostileSigned });
    expect(r.body).toContain('data-reason="ok"');
    expect(r.body).not.toContain('<b>bold</b>');
    const shown = r.body.match(/<pre id="signed-text">([^<]*)<\/pre>/)![1];
    expect(unescapeHtml(shown)).toBe(hostileText);

    const { privateKey, publicKey } = await openpgp.generateKey({ userIDs: [{ name: '<i>Mal</i> "&\'' }], type: 'ecc', curve: 'ed25519Legacy', format: 'armored' });
    const malSigned = await clearSign('hello', privateKey, new Date());
    const m = await post('verify', { publicKey, message: malSigned });
    expect(m.body).toContain('data-reason="ok"');
    expect(m.body).not.toContain('<i>Mal</i>');
    expect(m.body).toContain('&lt;i&gt;Mal&lt;/i&gt; &quot;&amp;&#x27;');
  });
});

describe('POST /pgp/encrypt', () => {
  it('encrypts to the key and shows who it is for', async () => {
    const address = `J. Doe\nFlat 4 ${XSS}`;
    const r = await post('encrypt', { publicKey: market.publicArmored, text: address });
    expect(r.status).toBe(200);
    expectToolPage(r.body, r.headers);
    expect(r.body).toContain(groupFingerprint(market.fingerprint));
    const armored = unescapeHtml(r.body.match(/<textarea id="ciphertext"[^>]*>([^<]*)<\/textarea>/)![1]);
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(await decryptWith(market.privateArmored, armored)).toBe(address);
    expect(r.body).not.toContain('<img');
  });

  it('explains unusable input with 400', async () => {
    const noKey = await post('encrypt', { publicKey: '', text: 'x' });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toContain('Paste the recipient&#x27;s public key.');
    const badKey = await post('encrypt', { publicKey: 'hello', text: 'x' });
    expect(badKey.status).toBe(400);
    expect(badKey.body).toContain('The key is not an armored OpenPGP key');
    const noText = await post('encrypt', { publicKey: market.publicArmored, text: '' });
    expect(noText.status).toBe(400);
    expect(noText.body).toContain('There is no text to encrypt');
  });
});

describe('POST /pgp/inspect', () => {
  it('shows fingerprint, long and short IDs, algorithm and subkeys', async () => {
    const r = await post('inspect', { publicKey: market.publicArmored });
    expect(r.status).toBe(200);
    expectToolPage(r.body, r.headers);
    expect(r.body).toContain(`data-fingerprint="${market.fingerprint}"`);
    expect(r.body).toContain(groupFingerprint(market.fingerprint));
    expect(r.body).toContain(`<dd class="mono">${market.shortId}</dd>`);
    expect(r.body).toContain('ed25519');
    expect(r.body).toContain('cv25519');
    expect(r.body).toContain('2020-02-01 00:00:00 UTC');
  });

  it('accepts a pasted private key but shows only public facts', async () => {
    const r = await post('inspect', { publicKey: market.privateArmored });
    expect(r.status).toBe(200);
    expect(r.body).toContain(groupFingerprint(market.fingerprint));
  });
});

describe('limits', () => {
  it('rejects oversized forms and other content types with a tool page', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/pgp/inspect',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'publicKey=' + 'A'.repeat(700_000),
    });
    expect(big.statusCode).toBe(413);
    expectToolPage(big.body, big.headers);
    const longField = await post('inspect', { publicKey: 'A'.repeat(70_000) });
    expect(longField.status).toBe(400);
    expect(longField.body).toMatch(/longer than 65536 characters/);
    const octets = await app.inject({ method: 'POST', url: '/pgp/verify', headers: { 'content-type': 'application/octet-stream' }, payload: 'x' });
    expect(octets.statusCode).toBe(415);
    expectToolPage(octets.body, octets.headers);
  });
});
