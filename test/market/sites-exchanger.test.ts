// The instant exchangers' sites ("obmenniki"): one per exchanger of the world at the address the
// shop market links to, rates from the world's BTC price at the tip, BTC reserves read from the
// exchanger's own wallets, swap orders whose deposit address is the next unused key of the
// exchanger's deposit wallet, 400s with a message for bad forms, and both languages.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { templateFiles } from '../../market/sites/kit/templates.ts';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { KeyDeriver, outputFor } from '../../chain/keys.ts';
import { scriptToAddress } from '../../chain/address.ts';
import { formatBtc } from '../../market/sites/kit/format.ts';
import { FormError } from '../../market/sites/kit/forms.ts';
import { MIN_SWAP_SATS, MAX_SWAP_SATS, instantExchangers, rateSheet, usdPerBtc, type InstantExchangerInfo } from '../../market/sites/exchanger/index.ts';
import { readBtcSats } from '../../market/sites/exchanger/forms.ts';
import { MARK, Visitor, sitesWorld, unescapeHtml, type SitesWorld } from './sites-vendor-shop.world.ts';

let w: SitesWorld;
let exchangers: InstantExchangerInfo[];

beforeAll(async () => {
  w = await sitesWorld();
  exchangers = instantExchangers(w.ledger.db);
}, 180_000);
afterAll(async () => w?.close());

const onionOf = (x: InstantExchangerInfo) => w.darkweb.exchanger(x.id)!.onion;
const formError = (html: string) => unescapeHtml(/id="form-error">([^<]*)</.exec(html)?.[1] ?? '');

describe('the exchangers', () => {
  it('are the world’s instant exchangers, each at the address the darkweb gives it', () => {
    expect(exchangers.map((x) => x.id).sort()).toEqual(['bystrokoin', 'swapnest']);
    for (const x of exchangers) {
      expect(x.depositWallet).not.toBeNull();
      const entry = w.registry.resolve(onionOf(x));
      expect(entry?.title).toBe(x.name);
      expect(entry?.mount).toBe(`/sites/exchanger-${x.id}`);
    }
  });

  it('serve every page in Russian and English with the training mark', async () => {
    for (const x of exchangers) {
      for (const lang of ['ru', 'en']) {
        for (const path of ['/', '/reviews', '/reviews?page=2', '/rules', '/login', '/register']) {
          const res = await w.app.inject(`/onion/${onionOf(x)}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          expect(res.statusCode, `${x.id} ${path}`).toBe(200);
          expect(res.body).toContain(MARK);
          expect(res.body).toContain(`<html lang="${lang}"`);
          expect(res.body).not.toContain('⟦');
        }
      }
      // Each in its own language by default.
      expect((await w.app.inject(`/onion/${onionOf(x)}/`)).body).toContain(`<html lang="${x.language}"`);
    }
  });
});

describe('rates and reserves', () => {
  it('quote the world’s BTC price at the tip, the fee on each side', async () => {
    const x = exchangers.find((e) => e.id === 'swapnest')!;
    const sheet = rateSheet(w.darkweb.chain, x.fee);
    const usd = sheet.quotes.find((q) => q.currency === 'USD')!;
    expect(usd.mid).toBeCloseTo(usdPerBtc(w.darkweb.chain), 2);
    // The world is set in February 2020.
    expect(usd.mid).toBeGreaterThan(8_000);
    expect(usd.mid).toBeLessThan(11_000);
    for (const q of sheet.quotes) {
      expect(q.buy).toBeCloseTo(q.mid * (1 + x.fee), 1);
      expect(q.sell).toBeCloseTo(q.mid * (1 - x.fee), 1);
    }
    const page = (await w.app.inject(`/onion/${onionOf(x)}/?lang=en`)).body;
    expect(page).toContain(`id="sell-USD">${new Intl.NumberFormat('en-US').format(usd.sell)} USD`);
    expect(() => rateSheet(w.darkweb.chain, 0.7)).toThrow(RangeError);
  });

  it('show the BTC the exchanger’s wallets hold on the chain', async () => {
    for (const x of exchangers) {
      const row = w.ledger.db
        .prepare('SELECT COALESCE(SUM(o.value), 0) AS v FROM gt_addresses g JOIN outputs o ON o.address_id = g.address_id WHERE g.wallet_id IN (?, ?) AND o.spent_tx_id IS NULL')
        .get(x.hotWallet!.id, x.depositWallet!.id) as { v: number };
      expect(row.v).toBeGreaterThan(0);
      const page = (await w.app.inject(`/onion/${onionOf(x)}/`)).body;
      expect(page).toContain(`id="reserve-btc">${formatBtc(row.v)} BTC`);
    }
  });
});

describe('swap orders', () => {
  it('selling BTC gives the next unused address of the exchanger’s deposit wallet', async () => {
    const x = exchangers.find((e) => e.id === 'bystrokoin')!;
    const wallet = x.depositWallet!;
    const maxSeen = (w.ledger.db.prepare('SELECT MAX(key_index) AS k FROM gt_addresses WHERE wallet_id = ?').get(wallet.id) as { k: number }).k;
    const deriver = new KeyDeriver(w.ledger.settings.seed);
    const v = new Visitor(w.app, onionOf(x));
    const addresses: string[] = [];
    for (const amount of ['0.05', '0,012']) {
      const res = await v.submit('/', '/order', { direction: 'sell', currency: 'RUB', amount, recipient: 'CARD 0000 1111 2222' });
      expect(res.statusCode, formError(res.body)).toBe(303);
      expect(String(res.headers.location)).toMatch(new RegExp(`^/onion/${onionOf(x)}/order/BY-\\d+\\?t=`));
      const order = await v.get(String(res.headers.location));
      expect(order.statusCode).toBe(200);
      expect(order.body).toContain(MARK);
      const address = /id="deposit-address"[^>]*>([^<]+)</.exec(order.body)![1];
      expect(unescapeHtml(order.body)).toContain(`bitcoin:${address}?amount=${amount === '0.05' ? '0.05000000' : '0.01200000'}`);
      expect(/id="order-status">([^<]+)</.exec(order.body)![1]).toBe('Ожидаем ваши BTC');
      addresses.push(address);
    }
    expect(addresses[0]).not.toBe(addresses[1]);
    const issued = w.darkweb.store.db.prepare('SELECT key_index AS k, address FROM lab_exchanger_deposits WHERE wallet_id = ? ORDER BY key_index').all(wallet.id) as { k: number; address: string }[];
    expect(issued.map((r) => r.address)).toEqual(addresses);
    expect(issued[0].k).toBeGreaterThan(maxSeen);
    expect(issued[1].k).toBeGreaterThan(issued[0].k);
    for (const r of issued) {
      expect(scriptToAddress(outputFor(wallet.kind, deriver.key(wallet.id, r.k)).script, 'mainnet')).toBe(r.address);
      expect(w.darkweb.chain.addressUsed(r.address)).toBe(false);
    }
  });

  it('buying BTC takes the customer’s address and issues no deposit address', async () => {
    const x = exchangers.find((e) => e.id === 'swapnest')!;
    const v = new Visitor(w.app, onionOf(x));
    const to = (w.ledger.db.prepare('SELECT address FROM addresses WHERE address IS NOT NULL LIMIT 1').get() as { address: string }).address;
    const res = await v.submit('/', '/order', { direction: 'buy', currency: 'USD', amount: '250', recipient: to });
    expect(res.statusCode, formError(res.body)).toBe(303);
    const order = (await v.get(String(res.headers.location))).body;
    expect(order).not.toContain('id="deposit-address"');
    expect(order).toContain(to);
    expect(order).toContain('no payment details are issued');
  });

  it('keeps orders behind their secret link', async () => {
    const x = exchangers.find((e) => e.id === 'swapnest')!;
    const v = new Visitor(w.app, onionOf(x));
    const res = await v.submit('/', '/order', { direction: 'sell', currency: 'KZT', amount: '0.01', recipient: 'KZ12 3456 7890 1234' });
    const location = String(res.headers.location);
    const stranger = new Visitor(w.app, onionOf(x));
    expect((await stranger.get(location)).statusCode).toBe(200);
    const wrong = await stranger.get(location.replace(/t=[^&]+/, 't=guessed'));
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).toContain(MARK);
    expect((await stranger.get(location.replace(/\?t=.*/, ''))).statusCode).toBe(404);
  });

  it('answers bad forms with 400 and a message, and escapes what it echoes', async () => {
    const x = exchangers.find((e) => e.id === 'swapnest')!;
    // A world address with its last character changed: the checksum fails.
    const world = (w.ledger.db.prepare("SELECT address FROM addresses WHERE address LIKE '1%' LIMIT 1").get() as { address: string }).address;
    const mistyped = world.slice(0, -1) + (world.endsWith('z') ? 'y' : 'z');
    const cases: [Record<string, string>, RegExp][] = [
      [{ direction: 'sell', currency: 'RUB', amount: '0.0001', recipient: 'CARD 0000 1111 2222' }, /from 0\.001 to 2/],
      [{ direction: 'sell', currency: 'RUB', amount: '0.123456789', recipient: 'CARD 0000 1111 2222' }, /at most 8 decimals/],
      [{ direction: 'sell', currency: 'RUB', amount: '0.05', recipient: '<script>alert(1)</script>' }, /8 to 40 characters/],
      [{ direction: 'buy', currency: 'USD', amount: '250', recipient: mistyped }, /not a Bitcoin address/],
      [{ direction: 'buy', currency: 'USD', amount: '1', recipient: '' }, /Amount to pay: enter a value from/],
      [{ direction: 'swap', currency: 'RUB', amount: '1', recipient: 'x' }, /choose one of the listed options/],
      [{ direction: 'sell', currency: 'EUR', amount: '1', recipient: 'x' }, /choose one of the listed options/],
    ];
    for (const [fields, message] of cases) {
      const v = new Visitor(w.app, onionOf(x));
      const res = await v.submit('/?lang=en', '/order', fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(MARK);
      expect(formError(res.body)).toMatch(message);
      expect(res.body).not.toContain('<script>alert(1)');
    }
    const stale = await new Visitor(w.app, onionOf(x)).post('/order', { _csrf: 'nope', direction: 'sell', currency: 'RUB', amount: '0.05', recipient: 'CARD 0000 1111 2222' });
    expect(stale.statusCode).toBe(400);
    expect(formError(stale.body)).toMatch(/session has expired/);
  });
});

describe('templates', () => {
  it('use double-stash only, so everything they print is escaped', () => {
    const files = templateFiles(fileURLToPath(new URL('../../market/sites/exchanger/templates', import.meta.url)));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('{{{');
  });
});

describe('reading a BTC amount', () => {
  it('reads back every amount as written with eight decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_SWAP_SATS, max: MAX_SWAP_SATS }), (sats) => {
        expect(readBtcSats({ amount: formatBtc(sats) }, 'amount', 'field.btcAmount', MIN_SWAP_SATS, MAX_SWAP_SATS)).toBe(sats);
      }),
    );
  });

  it('refuses what is not an amount, with the message key', () => {
    for (const bad of ['', 'abc', '1e5', '-1', '0.000000001', '.5', '1.2.3']) {
      expect(() => readBtcSats({ amount: bad }, 'amount', 'field.btcAmount', 1, MAX_SWAP_SATS)).toThrow(FormError);
    }
  });
});
