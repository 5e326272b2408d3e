// The forum written from the world: signed market announcements and mirror lists that verify
// with the markets' keys, the phishing clone's unsigned "new mirror" and the scam reports naming
// its swapped addresses, vendor threads (a shop announced in a signed post), scam-shop warnings,
// the unsigned maintenance notice of an exit scam, takedown news; boards, threads, profiles and
// search in both languages with the training mark; trainees' replies with 400s for bad input.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { templateFiles } from '../../market/sites/kit/templates.ts';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { verifyClearSigned } from '../../market/pgp/index.ts';
import { onionHref, onionUrl } from '../../market/browser/index.ts';
import { phishingClonePlans } from '../../market/sites/phishing/index.ts';
import { vendorShopPlans } from '../../market/sites/vendor-shop/index.ts';
import { BOARDS, FORUM_ID, POSTS_PER_PAGE, buildForum, forumWorld, linkify, worldStart, type ForumThread } from '../../market/sites/forum/index.ts';
import { MARK, SITES_WORLD, Visitor, sitesWorld, unescapeHtml, type SitesWorld } from './sites-vendor-shop.world.ts';

let w: SitesWorld;
let forum: string;
let threads: ForumThread[];

beforeAll(async () => {
  w = await sitesWorld();
  forum = w.darkweb.site(FORUM_ID)!.onion;
  threads = buildForum(await forumWorld(w.darkweb)).threads;
}, 180_000);
afterAll(async () => w?.close());

const get = (path: string) => w.app.inject(`/onion/${forum}${path}`);
const signedBlocks = (html: string) => [...html.matchAll(/<pre class="signed-block">([^]*?)<\/pre>/g)].map((m) => unescapeHtml(m[1]));
const threadWith = (pred: (t: ForumThread) => boolean) => {
  const t = threads.find(pred);
  expect(t, 'thread').toBeDefined();
  return t!;
};

describe('pages', () => {
  it('render every board, thread and profile in English and Russian with the training mark', async () => {
    const authors = new Set(threads.flatMap((t) => t.posts.map((p) => p.author)));
    const paths = ['/', ...BOARDS.map((b) => `/d/${b}`), ...threads.map((t) => `/post/${t.id}`), ...[...authors].slice(0, 40).map((a) => `/u/${encodeURIComponent(a)}`), '/search?q=mirror', '/login', '/register'];
    for (const lang of ['en', 'ru']) {
      for (const path of paths) {
        const res = await get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
        expect(res.statusCode, path).toBe(200);
        expect(res.body).toContain(MARK);
        expect(res.body).toContain(`<html lang="${lang}"`);
        expect(res.body, path).not.toContain('⟦');
      }
    }
    expect((await get('/d/nope')).statusCode).toBe(404);
    expect((await get('/post/ffffffff')).statusCode).toBe(404);
    expect((await get('/u/nobody-at-all')).statusCode).toBe(404);
  });

  it('writes posts in both languages, on every board', () => {
    expect(new Set(threads.map((t) => t.lang))).toEqual(new Set(['en', 'ru']));
    for (const b of BOARDS) expect(threads.some((t) => t.board === b), b).toBe(true);
    const now = w.darkweb.chain.now();
    for (const t of threads) for (const p of t.posts) expect(p.at).toBeLessThanOrEqual(now);
  });

  it('pages long threads', async () => {
    const long = threads.find((t) => t.posts.length > POSTS_PER_PAGE)!;
    expect(long).toBeDefined();
    const first = await get(`/post/${long.id}`);
    expect((first.body.match(/class="fo-post"/g) ?? []).length).toBe(POSTS_PER_PAGE);
    const next = unescapeHtml(/class="pager-next" rel="next" href="([^"]+)"/.exec(first.body)![1]);
    const second = await w.app.inject(next);
    expect(second.statusCode).toBe(200);
    expect((second.body.match(/class="fo-post"/g) ?? []).length).toBe(Math.min(POSTS_PER_PAGE, long.posts.length - POSTS_PER_PAGE));
    expect(second.body).toContain(`id="p-${long.posts[POSTS_PER_PAGE].id}"`);
    expect((await get(`/post/${long.id}?page=0`)).statusCode).toBe(400);
  });

  it('is the same forum for the same world', async () => {
    expect(JSON.stringify(buildForum(await forumWorld(w.darkweb)).threads)).toBe(JSON.stringify(threads));
  });
});

describe('market announcements and mirrors', () => {
  it('are signed with the market key, and the signature verifies', async () => {
    for (const market of w.darkweb.data!.markets()) {
      const key = await w.darkweb.marketKey(market);
      for (const tag of ['announcements', 'mirrors'] as const) {
        const t = threadWith((x) => x.board === tag && x.tags.includes(market.ref) && x.tags.includes('signed'));
        const [block] = signedBlocks((await get(`/post/${t.id}`)).body);
        const check = await verifyClearSigned(block, key.publicArmored);
        expect(check.valid, `${market.id} ${tag}: ${check.detail}`).toBe(true);
      }
      const mirrors = threadWith((x) => x.board === 'mirrors' && x.tags.includes(market.ref) && x.tags.includes('signed'));
      const page = (await get(`/post/${mirrors.id}`)).body;
      for (const a of w.darkweb.site(market.id)!.addresses) {
        expect(signedBlocks(page)[0]).toContain(onionUrl(a));
        expect(page).toContain(`href="${onionHref(a)}"`);
      }
    }
  });

  it('show the exit-scammed market’s maintenance notice unsigned, and people noticing', async () => {
    const notice = threadWith((t) => t.tags.includes('exit-scam') && t.tags.includes('unsigned'));
    expect(notice.board).toBe('announcements');
    expect(notice.tags).toContain('market:polarnaya');
    expect(notice.posts[0].signed).toBeUndefined();
    expect(notice.posts[0].author).toBe('polarnaya_admin');
    const page = (await get(`/post/${notice.id}`)).body;
    expect(signedBlocks(page)).toHaveLength(0);
    expect(page).toContain('без подписи');
    const freeze = w.ledger.db.prepare("SELECT time FROM gt_events WHERE kind = 'exit_scam' AND json_extract(attrs, '$.phase') = 'freeze'").get() as { time: number };
    expect(notice.posts[0].at).toBe(freeze.time);
    const news = threadWith((t) => t.board === 'news' && t.tags.includes('exit-scam'));
    expect(news.title).toContain('Полярная звезда');
  });
});

describe('the phishing clone on the forum', () => {
  it('is posted as a new mirror, unsigned, by a new account, and called out', async () => {
    const [plan] = phishingClonePlans(w.darkweb);
    const t = threadWith((x) => x.board === 'mirrors' && x.tags.includes('phishing'));
    expect(t.posts[0].signed).toBeUndefined();
    expect(t.posts[0].author).toBe(plan.phisherName);
    const page = (await get(`/post/${t.id}`)).body;
    expect(page).toContain(`href="${onionHref(plan.onion)}"`);
    expect(page).toContain('class="fo-fresh"');
    expect(page).toContain(onionUrl(plan.realOnion));
    expect(signedBlocks(page)).toHaveLength(0);
  });

  it('has a scam report naming the swapped deposit addresses', async () => {
    const [plan] = phishingClonePlans(w.darkweb);
    const t = threadWith((x) => x.board === 'scams' && x.tags.includes('phishing'));
    const text = t.posts.map((p) => p.body.join(' ')).join(' ');
    expect(text).toContain(plan.addresses[0]);
    expect(text).toContain(onionUrl(plan.onion));
    // Search finds it by the address, as an investigator would.
    const found = (await get(`/search?q=${plan.addresses[0]}`)).body;
    expect(found).toContain(`/post/${t.id}`);
  });
});

describe('vendors and scams', () => {
  it('announces a genuine shop in a post signed with the vendor key', async () => {
    const shop = vendorShopPlans(w.darkweb, worldStart(w.ledger.db), w.darkweb.chain.now()).find((s) => s.kind === 'genuine')!;
    const t = threadWith((x) => x.board === 'vendors' && x.tags.includes(shop.vendor.ref));
    const page = (await get(`/post/${t.id}`)).body;
    const block = signedBlocks(page).find((b) => b.includes(onionUrl(shop.onion)))!;
    expect(block).toBeDefined();
    expect((await verifyClearSigned(block, (await w.darkweb.vendorKey(shop.vendor)).publicArmored)).valid).toBe(true);
    const profile = (await get(`/u/${encodeURIComponent(shop.vendor.handle)}`)).body;
    expect(/class="pgp-fingerprint">([^<]+)</.exec(profile)![1].replace(/\s+/g, '')).toBe((await w.darkweb.vendorKey(shop.vendor)).fingerprint);
  });

  it('warns about each scam shop and reports the vendor who stopped shipping', async () => {
    const scams = vendorShopPlans(w.darkweb, worldStart(w.ledger.db), w.darkweb.chain.now()).filter((s) => s.kind === 'scam');
    for (const s of scams) {
      const warn = threadWith((t) => t.board === 'scams' && t.tags.includes('scam-shop') && t.title.includes(s.handle));
      expect(warn.posts[0].body.join(' ')).toContain(onionUrl(s.onion));
      const ad = threadWith((t) => t.board === 'vendors' && t.tags.includes('scam-shop') && t.title.includes(s.handle));
      expect(ad.posts.slice(1).every((p) => p.author !== ad.posts[0].author)).toBe(true);
    }
    const exit = w.ledger.db.prepare("SELECT json_extract(attrs, '$.handle') AS h FROM gt_events WHERE kind = 'vendor_exit' AND json_extract(attrs, '$.phase') = 'selective_scam'").get() as { h: string };
    const report = threadWith((t) => t.tags.includes('vendor-exit'));
    expect(report.title).toContain(exit.h);
    expect(report.posts.length).toBeGreaterThan(1);
  });
});

describe('replies', () => {
  async function member(handle: string): Promise<Visitor> {
    const v = new Visitor(w.app, forum);
    const res = await v.submit('/register', '/register', { handle, password: 'long enough pass', password2: 'long enough pass' }, w.darkweb.siteSecret(FORUM_ID));
    expect(res.statusCode, res.body.slice(0, 200)).toBe(303);
    return v;
  }

  it('are posted by logged-in trainees and shown escaped, with onion links', async () => {
    const t = threads.find((x) => x.board === 'general')!;
    const v = await member('trainee_reply');
    const [plan] = phishingClonePlans(w.darkweb);
    const text = `<script>alert(1)</script> is the clone ${onionUrl(plan.onion)} fake?`;
    const res = await v.submit(`/post/${t.id}`, `/post/${t.id}/reply`, { body: text });
    expect(res.statusCode).toBe(303);
    const page = (await v.get(String(res.headers.location))).body;
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain(`<a href="${onionHref(plan.onion)}">`);
    expect((await get(`/u/trainee_reply`)).body).toContain(`/post/${t.id}`);
  });

  it('refuse empty, oversized and stale forms with 400 and a message; anonymous visitors go to login', async () => {
    const t = threads[0];
    const v = await member('trainee_bad');
    for (const [body, message] of [['', /required/], ['x'.repeat(4001), /at most 4000/], ['a', /at least 2/]] as const) {
      const res = await v.submit(`/post/${t.id}`, `/post/${t.id}/reply`, { body });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(MARK);
      expect(unescapeHtml(/id="form-error">([^<]*)</.exec(res.body)![1])).toMatch(message);
    }
    expect((await v.post(`/post/${t.id}/reply`, { _csrf: 'old', body: 'hello there' })).statusCode).toBe(400);
    const anon = await new Visitor(w.app, forum).post(`/post/${t.id}/reply`, { body: 'hello' });
    expect(anon.statusCode).toBe(303);
    expect(String(anon.headers.location)).toContain('/login?next=');
  });

  it('keep trainees from registering a vendor’s or staff handle', async () => {
    const v = new Visitor(w.app, forum);
    const res = await v.submit('/register', '/register', { handle: 'silkway_admin', password: 'long enough pass', password2: 'long enough pass' }, w.darkweb.siteSecret(FORUM_ID));
    expect(res.statusCode).toBe(400);
    expect(unescapeHtml(/id="form-error">([^<]*)</.exec(res.body)![1])).toMatch(/already taken/);
  });
});

describe('search', () => {
  it('finds onion addresses in signed posts, and refuses queries that are too short', async () => {
    const a = w.darkweb.site('silkway')!.mirrors[0];
    const res = await get(`/search?q=${a}`);
    expect(res.statusCode).toBe(200);
    expect(Number(/id="result-count">(\d+)/.exec(res.body)![1])).toBeGreaterThan(0);
    const short = await get('/search?q=ab&lang=ru');
    expect(short.statusCode).toBe(400);
    expect(unescapeHtml(/id="form-error">([^<]*)</.exec(short.body)![1])).toMatch(/не меньше 3/);
    const hostile = await get(`/search?q=${encodeURIComponent('"><script>x</script>')}`);
    expect(hostile.body).not.toContain('<script>x');
  });
});

describe('templates', () => {
  it('use double-stash only, so everything they print is escaped', () => {
    const files = templateFiles(fileURLToPath(new URL('../../market/sites/forum/templates', import.meta.url)));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('{{{');
  });
});

describe('links in posts', () => {
  it('become links only for valid v3 onion addresses', () => {
    const [plan] = phishingClonePlans(w.darkweb);
    expect(linkify(`go ${onionUrl(plan.onion, '/login')} now`)).toEqual([{ text: 'go ' }, { text: onionUrl(plan.onion, '/login'), href: onionHref(plan.onion, '/login') }, { text: ' now' }]);
    const broken = `http://${plan.onion.slice(0, -1)}a.onion/`;
    expect(linkify(broken)).toEqual([{ text: broken }]);
    expect(linkify('javascript:alert(1) http://example.com')).toEqual([{ text: 'javascript:alert(1) http://example.com' }]);
  });
});

describe('a world with a seizure, a hack and a migration', () => {
  let other: SitesWorld;
  beforeAll(async () => {
    other = await sitesWorld({ ...SITES_WORLD, seed: 'sites-test-news' }, [
      { kind: 'market_hack', target: 'market:polarnaya', day: 1, params: { freezeDays: 1 } },
      { kind: 'seizure', target: 'market:silkway', day: 2, params: { agency: 'Joint Cybercrime Unit', country: 'KZ' } },
      { kind: 'migration', target: 'market:silkway', day: 2, params: { to: 'market:polarnaya', share: 0.5, delayDays: [0, 0.5] } },
    ]);
  }, 180_000);
  afterAll(async () => other?.close());

  it('has news of each, in both languages', async () => {
    const news = buildForum(await forumWorld(other.darkweb)).threads.filter((t) => t.board === 'news');
    const seizure = news.find((t) => t.tags.includes('seizure'))!;
    expect(seizure.title).toContain('Joint Cybercrime Unit');
    expect(seizure.posts[0].body.join(' ')).toContain('(KZ)');
    const hack = news.find((t) => t.tags.includes('hack'))!;
    expect(hack.lang).toBe('ru');
    const migration = news.find((t) => t.tags.includes('migration'))!;
    const moved = other.ledger.db.prepare("SELECT json_extract(attrs, '$.newHandle') AS h FROM gt_events WHERE kind = 'migration' AND json_extract(attrs, '$.phase') = 'migration'").all() as { h: string }[];
    expect(moved.length).toBeGreaterThan(0);
    for (const { h } of moved) expect(migration.posts[0].body.join(' ')).toContain(h);
    const onion = other.darkweb.site(FORUM_ID)!.onion;
    for (const t of [seizure, hack, migration]) {
      for (const lang of ['en', 'ru']) {
        const res = await other.app.inject(`/onion/${onion}/post/${t.id}?lang=${lang}`);
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain(MARK);
      }
    }
    // No unsigned maintenance notice for a hack: the hack has its own thread.
    expect(buildForum(await forumWorld(other.darkweb)).threads.some((t) => t.tags.includes('exit-scam'))).toBe(false);
  });
});
