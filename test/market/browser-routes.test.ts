// The onion browser's HTTP behaviour: what a trainee's browser gets for each kind of address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { buildDemoLab, type DemoLab } from './browser.fixture.ts';
import { OnionRegistry, SITE_CSP, onionBrowser } from '../../market/browser/index.ts';

let lab: DemoLab;
beforeAll(async () => {
  lab = await buildDemoLab();
});
afterAll(async () => {
  await lab?.app.close();
});

function get(url: string, headers: Record<string, string> = {}) {
  return lab.app.inject({ method: 'GET', url, headers });
}

describe('the browser window', () => {
  it('serves the frame page with the training mark, a frame and a strict policy', async () => {
    const res = await get('/browser/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    expect(res.body).toContain('<iframe id="view" name="onion-view" src="/browser/start"');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-src 'self'");
    // Only this server's files: no scheme-qualified URL anywhere in the page.
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('opens the frame on ?url=', async () => {
    const res = await get(`/browser/?url=${encodeURIComponent(`http://${lab.market}.onion/about`)}`);
    expect(res.body).toContain(`src="/onion/${lab.market}.onion/about"`);
    expect((await get('/browser')).headers.location).toBe('/browser/');
  });

  it('serves its script, styles and icons, and nothing else from its static path', async () => {
    for (const [file, type] of [
      ['browser.js', 'javascript'],
      ['neterror.js', 'javascript'],
      ['browser.css', 'text/css'],
      ['pages.css', 'text/css'],
      ['onion.svg', 'image/svg+xml'],
      ['onion-error.svg', 'image/svg+xml'],
    ]) {
      const res = await get(`/browser/static/${file}`);
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toContain(type);
      // No URL with a host in any of them, but the SVG namespace name.
      expect(res.body, file).not.toMatch(/(https?:)?\/\/(?!www\.w3\.org\/2000\/svg)[a-z0-9-]+\.[a-z0-9.-]+/i);
    }
    expect((await get('/browser/static/secret.txt')).statusCode).toBe(404);
    expect((await get('/browser/static/..%2Findex.ts')).statusCode).toBe(404);
  });

  it('serves a start page with the mark', async () => {
    const res = await get('/browser/start');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    expect(res.body).toContain('<meta name="onion-range-page" content="start">');
  });
});

describe('the address bar', () => {
  it.each([
    ['MARKET', '/onion/MARKET/'],
    ['MARKET.onion', '/onion/MARKET.onion/'],
    ['http://MARKET.onion', '/onion/MARKET.onion/'],
    ['https://MARKET.onion/threads/7?page=2#post-3', '/onion/MARKET.onion/threads/7?page=2#post-3'],
    ['  MARKET.ONION/a b  ', '/onion/MARKET.onion/a%20b'],
    ['', '/browser/start'],
    ['about:tor', '/browser/start'],
    ['silk road', '/onion/silk%20road/'],
  ])('sends %j to %s', async (typed, expected) => {
    const res = await get(`/browser/go?to=${encodeURIComponent(typed.replace('MARKET', lab.market))}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(expected.replace('MARKET', lab.market));
  });
});

describe('onion addresses', () => {
  it('proxies a registered site: its page, as the site rendered it', async () => {
    const res = await get(`/onion/${lab.market}/`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<h1 id="site-name">Demo Market</h1>');
    expect(res.body).toContain(`href="/onion/${lab.forum}/threads/7"`);
    // No policy of its own: the lab's keeps it inside the lab.
    expect(res.headers['content-security-policy']).toBe(SITE_CSP);
  });

  it('passes method, path, query, headers and body through, and says which address was used', async () => {
    const res = await lab.app.inject({
      method: 'POST',
      url: `/onion/${lab.market}/echo?x=1&y=%20`,
      headers: { 'content-type': 'application/json', cookie: 'sid=abc' },
      payload: JSON.stringify({ amount: 0.25 }),
    });
    expect(res.statusCode).toBe(200);
    const echo = res.json();
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/sites/market/echo?x=1&y=%20');
    expect(echo.body).toEqual({ amount: 0.25 });
    expect(echo.headers.cookie).toBe('sid=abc');
    expect(echo.headers['x-onion-address']).toBe(lab.market);
    expect(echo.headers['x-forwarded-prefix']).toBe(`/onion/${lab.market}`);
  });

  it('answers HEAD as the site does, without a body', async () => {
    const res = await lab.app.inject({ method: 'HEAD', url: `/onion/${lab.market}/about` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toBe('');
  });

  it('passes form posts to the site’s own parser', async () => {
    const res = await lab.app.inject({
      method: 'POST',
      url: `/onion/${lab.market}/search`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'q=carfentanil',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<p id="query">carfentanil</p>');
  });

  it('passes the site’s own 404 and policy through', async () => {
    expect((await get(`/onion/${lab.market}/no-such-page`)).statusCode).toBe(404);
    expect((await get(`/onion/${lab.market}/own-policy`)).headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('rewrites redirects and cookie paths that name the mount or an onion URL', async () => {
    expect((await get(`/onion/${lab.market}/home`)).headers.location).toBe(`/onion/${lab.market}/`);
    expect((await get(`/onion/${lab.market}/to-forum`)).headers.location).toBe(`/onion/${lab.forum}/threads/7`);
    const cookies = (await get(`/onion/${lab.market}/login`)).headers['set-cookie'];
    expect(cookies).toEqual([`sid=abc; Path=/onion/${lab.market}; HttpOnly`, 'theme=dark']);
  });

  it('serves a site whose mount was given with a trailing slash', async () => {
    const res = await get(`/onion/${lab.forum}/threads/7`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thread 7 — Demo Forum');
  });

  it('answers an unknown but valid address with Tor Browser’s "Onion site not found" (0xF0), 404', async () => {
    const res = await get(`/onion/${lab.unknown}/some/page`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('<h1 id="error-title">Onion site not found</h1>');
    expect(res.body).toContain('The most likely cause is that the onion site is offline. Contact the onion site administrator.');
    expect(res.body).toContain('<code id="error-code">0xF0</code>');
    expect(res.body).toContain('<title>Problem loading onion site</title>');
    expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers an offline site with 0xF0 as well', async () => {
    const res = await get(`/onion/${lab.offline}/`);
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('0xF0');
  });

  it('answers a malformed address with "Invalid onion site address" (0xF6), 400, and the reason', async () => {
    const typo = `${lab.market.slice(0, 20)}${lab.market[20] === 'a' ? 'b' : 'a'}${lab.market.slice(21)}`;
    for (const [segment, reason] of [
      [typo, 'bad checksum'],
      [lab.market.slice(1), 'this one has 55'],
      ['expyuzz4wqqyqhjn.onion', 'v2 onion addresses are no longer supported'],
      [`${lab.market.slice(0, 5)}0${lab.market.slice(6)}`, 'bad character &#39;0&#39; at position 6'],
      ['silk%20road', 'this one has 9'],
    ]) {
      const res = await get(`/onion/${segment}/`);
      expect(res.statusCode, segment).toBe(400);
      expect(res.body).toContain('<h1 id="error-title">Invalid onion site address</h1>');
      expect(res.body).toContain('<code id="error-code">0xF6</code>');
      expect(res.body).toContain('The provided onion site address is invalid. Please check that you entered it correctly.');
      expect(res.body).toMatch(new RegExp(`<p id="reason">[^<]*${reason}`));
      expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    }
  });

  it('escapes whatever was typed', async () => {
    const res = await get(`/onion/${encodeURIComponent('<script>x</script>')}/`);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>x</script>');
    expect(res.body).toContain('&#60;script&#62;');
  });

  it('shows the seizure banner on every path of a seized site', async () => {
    for (const path of ['/', '/listing/42']) {
      const res = await get(`/onion/${lab.seized}${path}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1 id="seized-title">This hidden site has been seized</h1>');
      expect(res.body).toContain('Seized Bazaar and its servers have been seized');
      expect(res.body).toContain('Operation Training Day');
      expect(res.body).toContain('Fictional Federal Police');
      expect(res.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
      expect(res.body).not.toContain('Demo Market');
    }
  });

  it('follows status changes at once', async () => {
    lab.registry.seize(lab.forum);
    expect((await get(`/onion/${lab.forum}/`)).body).toContain('seized');
    lab.registry.takeOffline(lab.forum);
    expect((await get(`/onion/${lab.forum}/`)).statusCode).toBe(404);
    lab.registry.bringOnline(lab.forum);
    expect((await get(`/onion/${lab.forum}/`)).body).toContain('Demo Forum');
  });

  it('redirects other spellings of an address to the canonical path', async () => {
    const upper = await get(`/onion/${lab.market.toUpperCase()}.onion/about?x=1`);
    expect(upper.statusCode).toBe(302);
    expect(upper.headers.location).toBe(`/onion/${lab.market}/about?x=1`);
    expect((await get(`/onion/www.${lab.market}.onion/`)).headers.location).toBe(`/onion/${lab.market}/`);
    expect((await get(`/onion/${lab.market}?x=1`)).headers.location).toBe(`/onion/${lab.market}/?x=1`);
    expect((await get('/onion/')).headers.location).toBe('/browser/');
  });

  it('says the lab has no clearnet', async () => {
    const res = await get('/onion/example.com/');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Not reachable from the training lab');
    expect(res.body).toContain('<meta name="onion-range-page" content="off-lab">');
  });
});

describe('registering the browser', () => {
  it('must be at the root, with a resolver', async () => {
    const prefixed = Fastify();
    await expect(prefixed.register(onionBrowser, { prefix: '/x', resolver: new OnionRegistry() }).ready()).rejects.toThrow(/without a prefix/);
    const bare = Fastify();
    await expect(bare.register(onionBrowser, {} as never).ready()).rejects.toThrow(/resolver/);
  });
});
