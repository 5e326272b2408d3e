// The kit's shared template pieces rendered on their own: the pager's page links and the href
// helper's literal and encoded path pieces (a link that names the helper instead of the field, or
// an encoded "/order", sends the trainee to a page that does not exist).
import { describe, expect, it } from 'vitest';
import { createSiteHandlebars } from '../../market/sites/kit/templates.ts';
import { I18n } from '../../market/sites/kit/i18n.ts';
import { KIT_STRINGS } from '../../market/sites/kit/strings.ts';
import { paginate } from '../../market/sites/kit/pagination.ts';

const hb = createSiteHandlebars(new I18n(KIT_STRINGS));
/** Rendered, with Handlebars' attribute escaping undone (&amp; and &#x3D; in links). */
const render = (source: string, context: Record<string, unknown>) =>
  hb.compile(source)({ lang: 'en', prefix: '/onion/site', ...context }).replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('the kit pager', () => {
  it('links each page number to that page', () => {
    const pager = paginate(100, 1, 20, (n) => `/onion/site/search?page=${n}`);
    const html = render('{{> pager}}', { pager });
    expect(html).toContain('<a href="/onion/site/search?page=2">2</a>');
    expect(html).toContain('<a href="/onion/site/search?page=3">3</a>');
    expect(html).toContain('<span class="pager-current" aria-current="page">1</span>');
    expect(html).toContain('rel="next" href="/onion/site/search?page=2"');
    // Nothing links to the helper's own output (the prefix alone).
    expect(html).not.toContain('href="/onion/site"');
  });
});

describe('the href helper', () => {
  it('keeps literal pieces as paths and URL-encodes the values between them', () => {
    expect(render('{{href "/listing/" id "/order"}}', { id: 'a b/c' })).toBe('/onion/site/listing/a%20b%2Fc/order');
    expect(render('{{href "/art/" id ".svg"}}', { id: 'x-1' })).toBe('/onion/site/art/x-1.svg');
    expect(render('{{href "/city/" c district=d}}', { c: 'msk', d: 'центр' })).toBe(`/onion/site/city/msk?district=${encodeURIComponent('центр')}`);
  });
});
