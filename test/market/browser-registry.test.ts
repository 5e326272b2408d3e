import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../chain/rng.ts';
import { OnionAddressError, deriveOnion } from '../../market/onion/index.ts';
import {
  OnionRegistry,
  classifyHost,
  framePath,
  onionHref,
  onionUrl,
  rewriteCookiePath,
  rewriteLocation,
} from '../../market/browser/index.ts';

const rng = Rng.fromSeed('browser-registry');
const a = deriveOnion(rng.fork('a'));
const b = deriveOnion(rng.fork('b'));

describe('OnionRegistry', () => {
  it('maps an address in any spelling to its site, and mirrors to one mount', () => {
    const onions = new OnionRegistry();
    onions.add(a, { title: 'Market', mount: '/sites/market/' });
    onions.add(`${b.toUpperCase()}.onion`, { title: 'Market (mirror)', mount: '/sites/market' });
    expect(onions.resolve(`${a}.onion`)).toMatchObject({ address: a, title: 'Market', mount: '/sites/market', status: 'online' });
    expect(onions.resolve(b)?.mount).toBe('/sites/market');
    expect(onions.resolve('not-an-address')).toBeUndefined();
    expect(onions.list().map((e) => e.address)).toEqual([a, b]);
    expect(onions.remove(b)).toBe(true);
    expect(onions.resolve(b)).toBeUndefined();
  });

  it('tracks status: offline, seized with a notice, back online', () => {
    const onions = new OnionRegistry();
    onions.add(a, { title: 'Market', mount: '/sites/market' });
    onions.takeOffline(a);
    expect(onions.resolve(a)?.status).toBe('offline');
    onions.seize(a, { operation: 'Operation X' });
    expect(onions.resolve(a)).toMatchObject({ status: 'seized', seizure: { operation: 'Operation X' } });
    onions.bringOnline(a);
    expect(onions.resolve(a)?.status).toBe('online');
    expect(onions.resolve(a)?.seizure).toBeUndefined();
  });

  it('refuses invalid addresses, duplicates, unknown addresses and mounts the browser owns', () => {
    const onions = new OnionRegistry();
    onions.add(a, { title: 'Market', mount: '/sites/market' });
    expect(() => onions.add('expyuzz4wqqyqhjn', { title: 'Old', mount: '/sites/old' })).toThrow(OnionAddressError);
    expect(() => onions.add(a.toUpperCase(), { title: 'Again', mount: '/sites/x' })).toThrow(/already registered/);
    expect(() => onions.seize(b)).toThrow(/not registered/);
    for (const mount of ['sites/x', '/', '/onion', '/onion/x', '/browser/x', '/x?y']) {
      expect(() => onions.add(b, { title: 'B', mount }), mount).toThrow(RangeError);
    }
    expect(() => onions.add(b, { title: ' ', mount: '/sites/b' })).toThrow(TypeError);
  });
});

describe('link helpers', () => {
  it('give the lab path and the Tor Browser URL of an onion page', () => {
    expect(onionHref(a)).toBe(`/onion/${a}/`);
    expect(onionHref(`${a.toUpperCase()}.onion`, 'listing/9?x=1')).toBe(`/onion/${a}/listing/9?x=1`);
    expect(onionUrl(a, '/forum')).toBe(`http://${a}.onion/forum`);
    expect(() => onionHref('nope')).toThrow(OnionAddressError);
  });
});

describe('address bar and hosts', () => {
  it('turns typed text into a frame path and keeps the host as typed', () => {
    fc.assert(
      fc.property(fc.constantFrom('', 'http://', 'https://', 'HTTP://'), fc.constantFrom('', '.onion', '.ONION'), fc.webPath(), (scheme, suffix, path) => {
        const out = framePath(`${scheme}${a.toUpperCase()}${suffix}${path}`);
        expect(out.startsWith(`/onion/${a}${suffix.toLowerCase()}/`)).toBe(true);
        // The path never escapes to another host or out of /onion/<host>/.
        expect(new URL(out, 'http://lab.test').pathname.split('/').slice(0, 3)).toEqual(['', 'onion', `${a}${suffix.toLowerCase()}`]);
      }),
    );
    expect(framePath(`${a}.onion//evil.example/x`)).toBe(`/onion/${a}.onion//evil.example/x`);
    expect(framePath(`${a}?q=1`)).toBe(`/onion/${a}/?q=1`);
    expect(framePath(`${a}/../../explorer/`)).toBe(`/onion/${a}/explorer/`);
  });

  it('classifies hosts as Tor would', () => {
    expect(classifyHost(a)).toEqual({ kind: 'onion', address: a });
    expect(classifyHost(`${a}.onion`)).toEqual({ kind: 'onion', address: a });
    expect(classifyHost(`www.${a}.onion`)).toEqual({ kind: 'onion', address: a });
    expect(classifyHost('example.com')).toEqual({ kind: 'off-lab', host: 'example.com' });
    expect(classifyHost('127.0.0.1:8080').kind).toBe('off-lab');
    const v2 = classifyHost('expyuzz4wqqyqhjn.onion');
    expect(v2.kind === 'invalid' && v2.error.problem).toBe('v2');
  });

  it('rewrites what sites say about themselves into /onion/ paths', () => {
    const entry = { address: a, mount: '/sites/market' };
    expect(rewriteLocation('/sites/market', entry)).toBe(`/onion/${a}/`);
    expect(rewriteLocation('/sites/market?x=1', entry)).toBe(`/onion/${a}/?x=1`);
    expect(rewriteLocation('/sites/market/cart', entry)).toBe(`/onion/${a}/cart`);
    expect(rewriteLocation('/sites/marketplace', entry)).toBe('/sites/marketplace');
    expect(rewriteLocation(`http://${b}.onion`, entry)).toBe(`/onion/${b}/`);
    expect(rewriteLocation(`https://www.${b.toUpperCase()}.onion/x?y`, entry)).toBe(`/onion/${b}/x?y`);
    expect(rewriteLocation('cart', entry)).toBe('cart');
    expect(rewriteCookiePath('s=1; path=/sites/market/cart; Secure', entry)).toBe(`s=1; path=/onion/${a}/cart; Secure`);
    expect(rewriteCookiePath('s=1; Path=/elsewhere', entry)).toBe('s=1; Path=/elsewhere');
  });
});
