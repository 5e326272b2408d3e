// The forum's threads, built from the world: each market's signed welcome and mirror list, its
// vendors' threads with buyers' reviews (and their own shops, announced in signed posts), the
// phishing clones' "new mirror" posts and the scam reports that follow, scam shops and the warnings
// about them, exit-scam signs (an unsigned maintenance notice, frozen withdrawals), seizures,
// hacks, vendors who stop shipping or move to another market, the exchangers' review threads, and
// a guide to checking signatures. Deterministic in the world seed; nothing is dated after the tip.
import { Rng } from '../../../chain/rng.ts';
import { Names } from '../../../sim/names.ts';
import { onionUrl } from '../../browser/index.ts';
import type { DarkwebSite } from '../../darkweb.ts';
import type { MarketInfo, VendorInfo } from '../kit/data.ts';
import { formatDate } from '../kit/format.ts';
import type { Lang } from '../kit/i18n.ts';
import { KIT_STRINGS } from '../kit/strings.ts';
import { CLONE_PREFIX_CHARS, type PhishingClonePlan } from '../phishing/clones.ts';
import type { VendorShopPlan } from '../vendor-shop/plans.ts';
import type { InstantExchangerInfo } from '../exchanger/exchangers.ts';
import type { BoardId, ForumPost, ForumThread, ForumUser, KeyRef, SignedPart } from './model.ts';
import { FORUM_TEXTS, fill, type ForumTexts } from './texts.ts';
import type { MarketStatus, WorldEvent } from './world.ts';

const HOUR = 3_600;
const DAY = 86_400;
/** Vendors per market with a thread of their own (besides those with a shop). */
export const VENDOR_THREADS_PER_MARKET = 6;

export interface ForumMarket {
  market: MarketInfo;
  site: DarkwebSite;
  status: MarketStatus;
  vendors: readonly VendorInfo[];
}

/** Everything the forum is written from. */
export interface ForumWorld {
  seed: string;
  /** The world's first day and its present (the tip's time), unix seconds. */
  start: number;
  now: number;
  markets: ForumMarket[];
  events: WorldEvent[];
  clones: PhishingClonePlan[];
  shops: VendorShopPlan[];
  /** Last hex digits of each scam shop's key fingerprint, by shop ref. */
  scamKeyTails: ReadonlyMap<string, string>;
  exchangers: { info: InstantExchangerInfo; onion: string }[];
}

export interface ForumContent {
  users: Map<string, ForumUser>;
  threads: ForumThread[];
}

interface Draft {
  thread: ForumThread;
  rng: Rng;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function countryName(lang: Lang, code: string): string {
  return KIT_STRINGS[lang][`country.${code}`] ?? code;
}

class ForumBuilder {
  readonly users = new Map<string, ForumUser>();
  private readonly drafts: Draft[] = [];
  private readonly ids = new Set<string>();
  private readonly pool: Record<Lang, string[]> = { en: [], ru: [] };
  private readonly names = new Names();
  private readonly root: Rng;

  constructor(private readonly w: ForumWorld) {
    this.root = Rng.fromSeed(w.seed).fork('darkweb/forum');
  }

  t(lang: Lang): ForumTexts {
    return FORUM_TEXTS[lang];
  }

  addUser(u: ForumUser): string {
    const key = u.handle.toLowerCase();
    const existing = [...this.users.values()].find((x) => x.handle.toLowerCase() === key);
    if (existing) return existing.handle;
    this.users.set(u.handle, u);
    return u.handle;
  }

  /** The regulars: made after the named accounts, so no regular takes a vendor's or staff handle. */
  makeMembers(): void {
    const rng = this.root.fork('members');
    for (const [lang, n] of [['en', 70], ['ru', 35]] as const) {
      for (let i = 0; i < n; i++) {
        const handle = this.names.handle(rng, lang);
        if ([...this.users.keys()].some((h) => h.toLowerCase() === handle.toLowerCase())) continue;
        this.users.set(handle, { handle, role: 'member', joined: this.w.start - rng.int(20, 700) * DAY - rng.int(0, DAY), lang });
        this.pool[lang].push(handle);
      }
    }
  }

  /** A regular who had an account before `at`. */
  member(rng: Rng, lang: Lang, at: number, not: readonly string[] = []): string {
    const ok = (h: string) => this.users.get(h)!.joined < at - DAY && !not.includes(h);
    const own = this.pool[lang].filter(ok);
    const any = own.length ? own : [...this.pool.en, ...this.pool.ru].filter(ok);
    return rng.pick(any.length ? any : this.pool[lang]);
  }

  /** An account made shortly before `at` (shills, phishers, scammers). */
  fresh(rng: Rng, lang: Lang, at: number, handle?: string): string {
    for (;;) {
      const h = handle ?? this.names.handle(rng, lang);
      if (handle || !this.users.has(h)) return this.addUser({ handle: h, role: 'member', joined: at - rng.int(HOUR, 2 * DAY), lang });
    }
  }

  thread(key: string, board: BoardId, lang: Lang, title: string, tags: string[], pinned = false): Draft {
    const rng = this.root.fork(`thread/${key}`);
    let id = rng.u32().toString(16).padStart(8, '0');
    while (this.ids.has(id)) id = rng.u32().toString(16).padStart(8, '0');
    this.ids.add(id);
    const draft = { thread: { id, board, title, lang, pinned, tags, posts: [] }, rng };
    this.drafts.push(draft);
    return draft;
  }

  post(d: Draft, author: string, at: number, body: string[], signed?: { key: KeyRef; text: string }): void {
    const post: ForumPost = { id: '', threadId: d.thread.id, author, at: Math.floor(at), lang: d.thread.lang, body };
    if (signed) post.signed = { key: signed.key, text: signed.text, at: Math.floor(at) } satisfies SignedPart;
    d.thread.posts.push(post);
  }

  /** Replies from regulars, `count` of them from `texts`, spread after `from` by gaps of `gap` seconds. */
  replies(d: Draft, texts: readonly string[], count: number, from: number, gap: [number, number], params: Record<string, string | number> = {}): number {
    const picks = d.rng.shuffle([...texts]).slice(0, count);
    let at = from;
    const authors: string[] = [];
    for (const text of picks) {
      at += d.rng.int(gap[0], gap[1]);
      const who = this.member(d.rng, d.thread.lang, at, authors);
      authors.push(who);
      this.post(d, who, at, [fill(text, params)]);
    }
    return at;
  }

  finish(): ForumContent {
    const now = this.w.now;
    const threads: ForumThread[] = [];
    for (const { thread } of this.drafts) {
      const [first, ...rest] = thread.posts;
      if (!first || first.at > now) continue;
      const posts = [first, ...rest.filter((p) => p.at <= now && p.at >= first.at).sort((a, b) => a.at - b.at)];
      posts.forEach((p, i) => (p.id = `${thread.id}-${i + 1}`));
      threads.push({ ...thread, posts });
    }
    return { users: this.users, threads };
  }
}

function staffHandle(m: MarketInfo): string {
  return `${m.id}_admin`;
}

function welcomeAndMirrors(b: ForumBuilder, fm: ForumMarket, w: ForumWorld): void {
  const { market, site } = fm;
  const lang = market.language;
  const t = b.t(lang);
  const staff = staffHandle(market);
  const key: KeyRef = { kind: 'market', marketId: market.id };
  const params = { market: market.name, days: market.autoFinalizeDays, commission: `${percent(market.commission[0])}-${percent(market.commission[1])}` };

  const welcome = b.thread(`${market.ref}/welcome`, 'announcements', lang, fill(t.welcomeTitle, params), [market.ref, 'signed'], true);
  const at0 = w.start - welcome.rng.int(20, 40) * DAY - welcome.rng.int(0, DAY);
  b.post(welcome, staff, at0, [t.welcomeIntro], { key, text: t.welcomeSigned.map((l) => fill(l, { ...params, date: formatDate(at0) })).join('\n') });
  b.replies(welcome, t.welcomeReplies, welcome.rng.int(3, 5), at0, [HOUR, 3 * DAY], params);

  const mirrors = b.thread(`${market.ref}/mirrors`, 'mirrors', lang, fill(t.mirrorsTitle, params), [market.ref, 'signed', 'mirrors'], true);
  const at1 = w.start - mirrors.rng.int(2, 8) * DAY - mirrors.rng.int(0, DAY);
  const list = [...t.mirrorsSignedHead.map((l) => fill(l, { ...params, date: formatDate(at1) })), ...site.addresses.map((a) => onionUrl(a)), ...t.mirrorsSignedFoot];
  b.post(mirrors, staff, at1, [t.mirrorsIntro], { key, text: list.join('\n') });
  b.replies(mirrors, t.mirrorsReplies, mirrors.rng.int(2, 4), at1, [HOUR, 2 * DAY]);
}

function exitScamSigns(b: ForumBuilder, fm: ForumMarket, w: ForumWorld): void {
  const { market, status } = fm;
  const freeze = w.events.find((e) => e.kind === 'exit_scam' && e.phase === 'freeze' && e.entityId === market.entityId);
  const since = freeze?.time ?? status.noticeSince;
  if (since === null || since === undefined || (status.status !== 'maintenance' && status.status !== 'exit_scam' && !freeze)) return;
  if (status.hackedAt !== null && !freeze) return; // a hack's maintenance notice is covered by the hack's thread
  const lang = market.language;
  const t = b.t(lang);
  const notice = b.thread(`${market.ref}/maintenance`, 'announcements', lang, t.maintenanceTitle, [market.ref, 'exit-scam', 'unsigned']);
  b.post(notice, staffHandle(market), since, t.maintenanceBody);
  const end = status.exitAt ?? w.now;
  let at = b.replies(notice, t.maintenanceReplies, notice.rng.int(3, 4), since, [HOUR, 6 * HOUR]);
  for (let n = 2; since + n * DAY <= end; n++) {
    at = Math.max(at, since + n * DAY - notice.rng.int(0, 6 * HOUR));
    b.post(notice, b.member(notice.rng, lang, at), at, [fill(t.maintenanceDay, { n })]);
  }
  if (status.exitAt !== null) {
    const params = { market: market.name, date: formatDate(status.exitAt), days: Math.max(1, Math.round((status.exitAt - since) / DAY)) };
    const news = b.thread(`${market.ref}/exit`, 'news', lang, fill(t.exitTitle, params), [market.ref, 'exit-scam']);
    const at0 = status.exitAt + news.rng.int(2 * HOUR, 8 * HOUR);
    b.post(news, b.member(news.rng, lang, at0), at0, t.exitBody.map((l) => fill(l, params)));
    b.replies(news, t.exitReplies, news.rng.int(3, 4), at0, [HOUR, 8 * HOUR], params);
  }
}

function seizureNews(b: ForumBuilder, fm: ForumMarket, w: ForumWorld): void {
  const { market, status } = fm;
  if (status.status !== 'seized' || status.seizedAt === null) return;
  const lang = market.language;
  const t = b.t(lang);
  const params = { market: market.name, agency: status.banner?.agency || 'law enforcement', country: status.banner?.country || '?' };
  const news = b.thread(`${market.ref}/seizure`, 'news', lang, fill(t.seizureTitle, params), [market.ref, 'seizure']);
  const at0 = status.seizedAt + news.rng.int(HOUR, 3 * HOUR);
  b.post(news, b.member(news.rng, lang, at0), at0, t.seizureBody.map((l) => fill(l, params)));
  b.replies(news, t.seizureReplies, news.rng.int(3, 4), at0, [HOUR / 2, 10 * HOUR], params);
}

function hackNews(b: ForumBuilder, fm: ForumMarket, w: ForumWorld): void {
  const { market } = fm;
  const hack = w.events.find((e) => e.kind === 'market_hack' && e.phase === 'hack' && e.attrs.target === market.ref);
  if (!hack) return;
  const lang = market.language;
  const t = b.t(lang);
  const params = { market: market.name, date: formatDate(hack.time) };
  const news = b.thread(`${market.ref}/hack/${hack.id}`, 'news', lang, fill(t.hackTitle, params), [market.ref, 'hack']);
  const at0 = hack.time + news.rng.int(2 * HOUR, 6 * HOUR);
  b.post(news, b.member(news.rng, lang, at0), at0, t.hackBody.map((l) => fill(l, params)));
  b.replies(news, t.hackReplies, 3, at0, [HOUR, 6 * HOUR]);
  const resume = w.events.find((e) => e.kind === 'market_hack' && e.phase === 'resume' && e.entityId === market.entityId && e.time > hack.time);
  if (resume) b.post(news, b.member(news.rng, lang, resume.time), resume.time + news.rng.int(HOUR, 4 * HOUR), [fill(t.hackResume, { market: market.name, date: formatDate(resume.time) })]);
}

function migrationNews(b: ForumBuilder, w: ForumWorld): void {
  const names = new Map(w.markets.map((m) => [m.market.ref, m.market]));
  for (const link of w.events.filter((e) => e.kind === 'migration' && e.phase === 'takedown_link')) {
    const from = names.get(String(link.attrs.from));
    const to = names.get(String(link.attrs.to));
    if (!from || !to) continue;
    const moved = w.events.filter((e) => e.kind === 'migration' && e.phase === 'migration' && e.attrs.fromMarket === from.ref && e.attrs.toMarket === to.ref);
    if (moved.length === 0) continue;
    const lang = to.language;
    const t = b.t(lang);
    const handles = [...new Set(moved.map((e) => String(e.attrs.newHandle ?? e.attrs.handle)))];
    const params = { from: from.name, to: to.name, list: handles.join(', ') };
    const news = b.thread(`${from.ref}/migration`, 'news', lang, fill(t.migrationTitle, params), [from.ref, to.ref, 'migration']);
    const at0 = moved[Math.min(moved.length - 1, 2)].time + news.rng.int(HOUR, 6 * HOUR);
    b.post(news, b.member(news.rng, lang, at0), at0, t.migrationBody.map((l) => fill(l, params)));
    b.replies(news, t.migrationReplies, 3, at0, [2 * HOUR, 12 * HOUR]);
  }
}

function cloneThreads(b: ForumBuilder, plan: PhishingClonePlan, w: ForumWorld): void {
  const { market } = plan;
  const lang = market.language;
  const t = b.t(lang);
  const url = onionUrl(plan.onion);
  const params = { market: market.name, url, real: onionUrl(plan.realOnion), n: CLONE_PREFIX_CHARS };

  const mirror = b.thread(`${plan.trailId}/mirror`, 'mirrors', lang, fill(t.cloneMirrorTitle, params), [market.ref, 'phishing', 'unsigned']);
  const at0 = plan.time - mirror.rng.int(HOUR, 4 * HOUR);
  const phisher = b.addUser({ handle: plan.phisherName, role: 'member', joined: at0 - mirror.rng.int(DAY, 3 * DAY), lang });
  b.post(mirror, phisher, at0, t.cloneMirrorBody.map((l) => fill(l, params)));
  let at = at0;
  for (const text of mirror.rng.shuffle([...t.cloneShill]).slice(0, 2)) {
    at += mirror.rng.int(5 * 60, 30 * 60);
    b.post(mirror, b.fresh(mirror.rng, lang, at), at, [text]);
  }
  at += mirror.rng.int(3 * HOUR, 10 * HOUR);
  b.post(mirror, b.member(mirror.rng, lang, at), at, t.cloneWarning.map((l) => fill(l, params)));
  at += mirror.rng.int(2 * HOUR, 10 * HOUR);
  b.post(mirror, staffHandle(market), at, t.cloneStaff);
  at += mirror.rng.int(DAY, 2 * DAY);
  b.post(mirror, b.member(mirror.rng, lang, at), at, t.cloneLateVictim);

  const addresses = plan.addresses;
  if (addresses.length === 0) return;
  const report = b.thread(`${plan.trailId}/report`, 'scams', lang, fill(t.cloneReportTitle, params), [market.ref, 'phishing', 'scam-report']);
  const at1 = plan.time + report.rng.int(20 * HOUR, 40 * HOUR);
  const victim = b.member(report.rng, lang, at1);
  b.post(report, victim, at1, t.cloneReportBody.map((l) => fill(l, { ...params, address: addresses[0] })));
  let at2 = at1;
  const others = [victim];
  addresses.slice(1, 3).forEach((address, i) => {
    at2 += report.rng.int(HOUR, 8 * HOUR);
    const who = b.member(report.rng, lang, at2, others);
    others.push(who);
    b.post(report, who, at2, [fill(t.cloneOtherVictim[i % t.cloneOtherVictim.length], { address })]);
  });
  for (const text of t.cloneReportAdvice) {
    at2 += report.rng.int(HOUR, 6 * HOUR);
    b.post(report, b.member(report.rng, lang, at2, others), at2, [text]);
  }
}

function vendorExitThreads(b: ForumBuilder, w: ForumWorld): void {
  const byEntity = new Map(w.markets.flatMap((fm) => fm.vendors.map((v) => [v.entityId, { v, fm }] as const)));
  for (const e of w.events.filter((x) => x.kind === 'vendor_exit' && x.phase === 'selective_scam' && x.entityId !== null)) {
    const found = byEntity.get(e.entityId!);
    if (!found) continue;
    const { v, fm } = found;
    const lang = fm.market.language;
    const t = b.t(lang);
    const from = typeof e.attrs.from === 'number' ? e.attrs.from : e.time;
    const params = { handle: v.handle, market: fm.market.name, date: formatDate(from) };
    const d = b.thread(`${v.ref}/exit`, 'scams', lang, fill(t.vendorExitTitle, params), [fm.market.ref, v.ref, 'vendor-exit']);
    // Buyers notice after a few days; in a short world, as soon as the first parcels are overdue.
    const at0 = Math.min(from + d.rng.int(3 * DAY, 4 * DAY), Math.max(from + DAY, w.now - d.rng.int(16 * HOUR, 20 * HOUR)));
    b.post(d, b.member(d.rng, lang, at0), at0, t.vendorExitBody.map((l) => fill(l, params)));
    b.replies(d, t.vendorExitReplies, d.rng.int(2, 4), at0, [HOUR, 4 * HOUR], params);
    const exit = w.events.find((x) => x.kind === 'vendor_exit' && x.phase === 'exit' && x.entityId === e.entityId);
    if (exit) b.post(d, b.member(d.rng, lang, exit.time), exit.time + d.rng.int(HOUR, 8 * HOUR), [fill(t.vendorGone, params)]);
  }
}

function vendorThreads(b: ForumBuilder, fm: ForumMarket, w: ForumWorld): void {
  const { market } = fm;
  const lang = market.language;
  const t = b.t(lang);
  const shops = new Map(w.shops.filter((s) => s.kind === 'genuine' && s.market.entityId === market.entityId).map((s) => [s.vendor.entityId, s]));
  const top = [...fm.vendors].filter((v) => v.listings > 0).sort((a, b) => b.sales - a.sales || a.entityId - b.entityId).slice(0, VENDOR_THREADS_PER_MARKET);
  const chosen = [...top, ...[...shops.values()].map((s) => s.vendor).filter((v) => !top.includes(v))];
  for (const v of chosen) {
    const params = { handle: v.handle, market: market.name, country: countryName(lang, v.country) };
    const d = b.thread(`${v.ref}/thread`, 'vendors', lang, fill(t.vendorTitle, params), [market.ref, v.ref, 'vendor']);
    const joined = Date.parse(`${v.joined}T00:00:00Z`) / 1000;
    const at0 = Math.min(w.now - DAY, Math.max(Number.isFinite(joined) ? joined : w.start, w.start - 45 * DAY) + d.rng.int(0, 5 * DAY));
    const key: KeyRef = { kind: 'vendor', vendorEntityId: v.entityId };
    b.post(d, v.handle, at0, [...t.vendorIntro.map((l) => fill(l, params)), v.finalizeEarly ? t.vendorFe : t.vendorEscrow]);
    const shop = shops.get(v.entityId);
    if (shop) {
      const at = Math.max(at0 + HOUR, shop.opened + d.rng.int(HOUR, DAY));
      const text = t.vendorShopSigned.map((l) => fill(l, { ...params, date: formatDate(at), url: onionUrl(shop.onion) })).join('\n');
      b.post(d, v.handle, at, [fill(t.vendorShopIntro, params)], { key, text });
    }
    const reviews = Math.min(24, 4 + Math.floor(v.sales / 8));
    const span = Math.max(DAY, w.now - at0);
    const times = Array.from({ length: reviews }, () => at0 + d.rng.int(HOUR, span)).sort((a, b) => a - b);
    const authors: string[] = [];
    for (const at of times) {
      const good = d.rng.bool(Math.max(0.5, v.rating));
      const who = b.member(d.rng, lang, at, authors.slice(-4));
      authors.push(who);
      b.post(d, who, at, [fill(d.rng.pick(good ? t.reviewGood : t.reviewBad), { n: d.rng.int(2, 9), d: d.rng.int(2, 8) })]);
      if (!good || d.rng.bool(0.15)) b.post(d, v.handle, at + d.rng.int(HOUR, 12 * HOUR), [d.rng.pick(t.vendorThanks)]);
    }
    b.addUser({ handle: v.handle, role: 'vendor', joined: Number.isFinite(joined) ? joined : w.start, lang, market: market.name, key });
  }
}

function scamShopThreads(b: ForumBuilder, shop: VendorShopPlan, w: ForumWorld): void {
  const lang = shop.language;
  const t = b.t(lang);
  const params = {
    handle: shop.handle,
    real: shop.vendor.handle,
    market: shop.market.name,
    url: onionUrl(shop.onion),
    pct: `${Math.round((1 - shop.priceFactor) * 100)}%`,
    short: w.scamKeyTails.get(shop.ref) ?? '????',
  };
  const ad = b.thread(`${shop.ref}/ad`, 'vendors', lang, fill(t.scamShopTitle, params), [shop.market.ref, 'scam-shop']);
  const at0 = shop.opened + ad.rng.int(HOUR, 3 * HOUR);
  const scammer = b.addUser({ handle: shop.handle, role: 'member', joined: shop.opened - ad.rng.int(DAY, 2 * DAY), lang });
  b.post(ad, scammer, at0, t.scamShopBody.map((l) => fill(l, params)));
  let at = at0;
  for (let i = ad.rng.int(3, 6); i > 0; i--) {
    at += ad.rng.int(10 * 60, 3 * HOUR);
    b.post(ad, b.fresh(ad.rng, lang, at), at, [ad.rng.pick(t.scamShopShill)]);
  }
  const warn = b.thread(`${shop.ref}/warning`, 'scams', lang, fill(t.scamWarnTitle, params), [shop.market.ref, 'scam-shop', 'scam-report']);
  const at1 = Math.min(w.now - HOUR, shop.opened + warn.rng.int(12 * HOUR, 36 * HOUR));
  b.post(warn, b.member(warn.rng, lang, at1), at1, t.scamWarnBody.map((l) => fill(l, params)));
  b.replies(warn, t.scamWarnReplies, 3, at1, [HOUR / 2, 6 * HOUR], params);
}

function exchangerThreads(b: ForumBuilder, x: { info: InstantExchangerInfo; onion: string }, w: ForumWorld): void {
  const lang = x.info.language;
  const t = b.t(lang);
  const params = { name: x.info.name, url: onionUrl(x.onion), fee: percent(x.info.fee) };
  const d = b.thread(`exchanger:${x.info.id}/reviews`, 'exchange', lang, fill(t.exchangerTitle, params), [`exchanger:${x.info.id}`, 'exchanger']);
  const at0 = w.start - d.rng.int(30, 90) * DAY;
  const operator = b.addUser({ handle: `${x.info.id}_support`, role: 'operator', joined: at0 - d.rng.int(DAY, 10 * DAY), lang });
  b.post(d, operator, at0, t.exchangerBody.map((l) => fill(l, params)));
  const n = d.rng.int(5, 12);
  const times = Array.from({ length: n }, () => at0 + d.rng.int(HOUR, Math.max(2 * HOUR, w.now - at0))).sort((a, b) => a - b);
  for (const at of times) {
    const good = d.rng.bool(0.8);
    b.post(d, b.member(d.rng, lang, at), at, [fill(d.rng.pick(good ? t.exchangerGood : t.exchangerBad), { m: good ? d.rng.int(5, 30) : d.rng.int(45, 150) })]);
  }
}

function guides(b: ForumBuilder, w: ForumWorld): void {
  const mod = b.addUser({ handle: 'undertow_mod', role: 'moderator', joined: w.start - 800 * DAY, lang: 'en' });
  for (const lang of ['en', 'ru'] as const) {
    const t = b.t(lang);
    const d = b.thread(`guide/${lang}`, 'general', lang, t.guideTitle, ['guide', 'pgp'], true);
    const at0 = w.start - d.rng.int(90, 200) * DAY;
    b.post(d, mod, at0, t.guideBody);
    b.replies(d, t.guideReplies, 3, at0, [DAY, 20 * DAY]);
  }
}

/** The whole forum for a world. */
export function buildForum(w: ForumWorld): ForumContent {
  const b = new ForumBuilder(w);
  // Named accounts first, so regulars never take their handles.
  for (const fm of w.markets) {
    b.addUser({ handle: staffHandle(fm.market), role: 'staff', joined: w.start - 120 * DAY, lang: fm.market.language, market: fm.market.name, key: { kind: 'market', marketId: fm.market.id } });
    for (const v of fm.vendors) {
      const joined = Date.parse(`${v.joined}T00:00:00Z`) / 1000;
      b.addUser({ handle: v.handle, role: 'vendor', joined: Number.isFinite(joined) ? joined : w.start, lang: fm.market.language, market: fm.market.name, key: { kind: 'vendor', vendorEntityId: v.entityId } });
    }
  }
  b.makeMembers();
  guides(b, w);
  for (const fm of w.markets) {
    welcomeAndMirrors(b, fm, w);
    vendorThreads(b, fm, w);
    exitScamSigns(b, fm, w);
    seizureNews(b, fm, w);
    hackNews(b, fm, w);
  }
  migrationNews(b, w);
  vendorExitThreads(b, w);
  for (const plan of w.clones) cloneThreads(b, plan, w);
  for (const shop of w.shops) if (shop.kind === 'scam') scamShopThreads(b, shop, w);
  for (const x of w.exchangers) exchangerThreads(b, x, w);
  return b.finish();
}
