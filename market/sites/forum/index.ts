// The forum (Dread-like): boards of threads written from the world (content.ts) — signed market
// announcements and mirror lists, vendor threads, scam reports about the phishing clones and the
// scam shops, exit-scam signs, takedown news, exchanger reviews — in English and Russian, with
// user profiles (vendors and staff show their PGP keys), search, paging, and replies by trainees'
// accounts. Signed posts are real clear-signed messages made with the market's or vendor's key.
//
//   await registerForum(app, darkweb);   // after the markets, shops, exchangers and clones
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import { Site } from '../kit/site.ts';
import { FormError, formValue, readText } from '../kit/forms.ts';
import { foldText } from '../kit/data.ts';
import { keyView } from '../kit/keys.ts';
import { paginate, parsePage, withQuery } from '../kit/pagination.ts';
import { phishingClonePlans } from '../phishing/clones.ts';
import { shopKey } from '../vendor-shop/index.ts';
import { vendorShopPlans } from '../vendor-shop/plans.ts';
import { instantExchangers } from '../exchanger/exchangers.ts';
import { buildForum, type ForumContent, type ForumWorld } from './content.ts';
import { linkify } from './linkify.ts';
import { BOARDS, type BoardId, type ForumPost, type ForumThread, type ForumUser } from './model.ts';
import { ForumReplies, type LabReply } from './replies.ts';
import { PostSigner } from './signing.ts';
import { FORUM_STRINGS } from './strings.ts';
import { marketStatus, worldEvents, worldStart } from './world.ts';

export { buildForum, VENDOR_THREADS_PER_MARKET, type ForumContent, type ForumWorld, type ForumMarket } from './content.ts';
export { BOARDS, type BoardId, type ForumPost, type ForumThread, type ForumUser, type KeyRef, type Role, type SignedPart } from './model.ts';
export { linkify, type Segment } from './linkify.ts';
export { ForumReplies, type LabReply } from './replies.ts';
export { worldEvents, worldStart, marketStatus, type WorldEvent, type MarketStatus } from './world.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/forum.css`, 'utf8');

export const FORUM_ID = 'forum';
export const FORUM_REF = 'forum:undertow';
export const FORUM_NAME = 'Undertow';
export const THREADS_PER_PAGE = 20;
export const POSTS_PER_PAGE = 10;
const RESULTS_PER_PAGE = 20;
/** An account this young (at the time of its post) is marked as new, as forums do. */
const NEW_ACCOUNT_SECONDS = 7 * 86_400;

export interface ForumSiteOptions {
  darkweb: Darkweb;
  site: DarkwebSite;
  content: ForumContent;
}

/** A post as the templates show it (generated or a trainee's reply). */
interface PostView {
  id: string;
  n: number;
  threadId: string;
  author: string;
  role: string;
  fresh: boolean;
  at: number;
  lang: string;
  paragraphs: ReturnType<typeof linkify>[];
  signed: { armored: string | null; links: { text: string; href: string }[] } | null;
}

function excerpt(text: string, max = 220): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function postText(p: ForumPost): string {
  return [...p.body, p.signed?.text ?? ''].join('\n');
}

export const forumSite: FastifyPluginAsync<ForumSiteOptions> = async (app, opts) => {
  const { darkweb, content } = opts;
  const { chain, store } = darkweb;
  const site = await Site.create(app, {
    id: FORUM_ID,
    name: FORUM_NAME,
    mount: app.prefix,
    addresses: () => opts.site.addresses,
    defaultLang: 'en',
    strings: FORUM_STRINGS,
    templatesDir: `${here}templates`,
    css: CSS,
    store,
    chain,
    captchaSecret: darkweb.siteSecret(FORUM_ID),
  });
  const replies = new ForumReplies(store.db, FORUM_ID);
  const signer = new PostSigner(darkweb);

  // ---- indexes over the generated content ---------------------------------------------------
  const threadById = new Map(content.threads.map((t) => [t.id, t]));
  const userByKey = new Map([...content.users.values()].map((u) => [foldText(u.handle), u]));
  const postsByAuthor = new Map<string, { post: ForumPost; thread: ForumThread }[]>();
  const haystack: { post: ForumPost; thread: ForumThread; text: string }[] = [];
  for (const thread of content.threads) {
    for (const post of thread.posts) {
      const key = foldText(post.author);
      if (!postsByAuthor.has(key)) postsByAuthor.set(key, []);
      postsByAuthor.get(key)!.push({ post, thread });
      haystack.push({ post, thread, text: foldText(`${thread.title}\n${postText(post)}`) });
    }
  }
  for (const list of postsByAuthor.values()) list.sort((a, b) => b.post.at - a.post.at);

  /** Threads of a board (or all), pinned first, then by latest activity, with trainees' replies counted. */
  function threadRows(board?: BoardId) {
    const extra = replies.counts();
    return content.threads
      .filter((t) => board === undefined || t.board === board)
      .map((t) => {
        const x = extra.get(t.id);
        const last = Math.max(t.posts[t.posts.length - 1].at, x?.last ?? 0);
        return { id: t.id, title: t.title, lang: t.lang, board: t.board, pinned: t.pinned, author: t.posts[0].author, replies: t.posts.length - 1 + (x?.n ?? 0), last };
      })
      .sort((a, b) => (board !== undefined && a.pinned !== b.pinned ? (a.pinned ? -1 : 1) : 0) || b.last - a.last || a.id.localeCompare(b.id));
  }

  const boardsNav = BOARDS.map((id) => ({ id }));
  const render = (req: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown>, status = 200) =>
    site.render(req, reply, page, { boards: boardsNav, ...data }, status);
  const pageOf = (req: FastifyRequest): number => {
    try {
      return parsePage((req.query as Record<string, unknown>).page);
    } catch {
      throw new FormError('field.page', 'form.range', { min: 1, max: 10000 });
    }
  };
  const userOf = (handle: string): ForumUser | undefined => userByKey.get(foldText(handle));

  async function generatedView(post: ForumPost, n: number): Promise<PostView> {
    const user = userOf(post.author);
    let signed: PostView['signed'] = null;
    if (post.signed) {
      const armored = await (signer.sign(post.id, post.signed) ?? Promise.resolve(null)).catch(() => null);
      const links = post.signed.text.split('\n').flatMap((line) => linkify(line).filter((s): s is { text: string; href: string } => s.href !== undefined));
      signed = { armored, links };
    }
    return {
      id: post.id,
      n,
      threadId: post.threadId,
      author: post.author,
      role: user?.role ?? 'member',
      fresh: user ? post.at - user.joined < NEW_ACCOUNT_SECONDS : false,
      at: post.at,
      lang: post.lang,
      paragraphs: post.body.map(linkify),
      signed,
    };
  }

  function replyView(r: LabReply, n: number, lang: string): PostView {
    return { id: `${r.threadId}-L${r.id}`, n, threadId: r.threadId, author: r.handle, role: 'trainee', fresh: false, at: r.createdAt, lang, paragraphs: r.body.split(/\n+/).map(linkify), signed: null };
  }

  // The kit's registration knows only the lab's accounts: keep trainees from taking a handle the
  // forum's own users have (a trainee posing as a vendor or as staff would spoil the exercise).
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || req.routeOptions.url !== `${site.mount}/register`) return;
    const handle = formValue(req.body, 'handle').trim();
    if (handle && userOf(handle)) {
      return site.formFailure(req, reply, 'register', { title: site.t(req, 'auth.register.title'), form: { handle: handle.slice(0, 64) } }, new FormError('field.handle', 'auth.handle.taken'));
    }
  });

  app.get('/', async (req, reply) => {
    const all = threadRows();
    const boardStats = BOARDS.map((id) => {
      const rows = all.filter((t) => t.board === id);
      return { id, threads: rows.length, latest: rows[0] ?? null };
    });
    return render(req, reply, 'home', { title: FORUM_NAME, nav: 'home', boardStats, latest: all.slice(0, 12) });
  });

  app.get('/d/:board', async (req, reply) => {
    const board = (req.params as { board: string }).board as BoardId;
    if (!BOARDS.includes(board)) return site.errorPage(req, reply, 404);
    const rows = threadRows(board);
    const pager = paginate(rows.length, pageOf(req), THREADS_PER_PAGE, (p) => site.href(req, withQuery(`/d/${board}`, {}, { page: p })));
    return render(req, reply, 'board', { title: site.t(req, `fo.board.${board}.name`), nav: board, board, threads: rows.slice(pager.offset, pager.offset + THREADS_PER_PAGE), pager });
  });

  async function threadPage(req: FastifyRequest, reply: FastifyReply, thread: ForumThread, page: number, extra: Record<string, unknown> = {}, status = 200) {
    const lab = replies.ofThread(thread.id);
    const total = thread.posts.length + lab.length;
    const pager = paginate(total, page, POSTS_PER_PAGE, (p) => site.href(req, withQuery(`/post/${thread.id}`, {}, { page: p })));
    const posts: PostView[] = [];
    for (let i = pager.offset; i < Math.min(total, pager.offset + POSTS_PER_PAGE); i++) {
      posts.push(i < thread.posts.length ? await generatedView(thread.posts[i], i + 1) : replyView(lab[i - thread.posts.length], i + 1, thread.lang));
    }
    if (site.account(req)) site.session(req, reply);
    return render(
      req,
      reply,
      'thread',
      {
        title: thread.title,
        nav: thread.board,
        thread: { id: thread.id, board: thread.board, title: thread.title },
        posts,
        pager,
        form: { body: '' },
        loginHref: site.href(req, `/login?next=${encodeURIComponent(`/post/${thread.id}`)}`),
        ...extra,
      },
      status,
    );
  }

  const threadOf = (req: FastifyRequest) => threadById.get((req.params as { id: string }).id);

  app.get('/post/:id', async (req, reply) => {
    const thread = threadOf(req);
    if (!thread) return site.errorPage(req, reply, 404);
    return threadPage(req, reply, thread, pageOf(req));
  });

  app.post('/post/:id/reply', async (req, reply) => {
    const thread = threadOf(req);
    if (!thread) return site.errorPage(req, reply, 404);
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const body = req.body;
    try {
      site.checkForm(req, reply);
      const text = readText(body, 'body', { label: 'field.body', min: 2, max: 4000, multiline: true });
      replies.add({ threadId: thread.id, accountId: account.id, handle: account.handle, body: text, createdAt: chain.now() });
      const last = Math.ceil((thread.posts.length + replies.ofThread(thread.id).length) / POSTS_PER_PAGE);
      return site.redirect(req, reply, withQuery(`/post/${thread.id}`, {}, { page: last }));
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      const pages = Math.max(1, Math.ceil((thread.posts.length + replies.ofThread(thread.id).length) / POSTS_PER_PAGE));
      return threadPage(req, reply, thread, pages, { form: { body: formValue(body, 'body').slice(0, 4000) }, formError: site.formMessage(req, err) }, 400);
    }
  });

  app.get('/u/:handle', async (req, reply) => {
    const handle = (req.params as { handle: string }).handle;
    const user = userOf(handle);
    const lab = replies.ofHandle(handle);
    if (!user && lab.length === 0) return site.errorPage(req, reply, 404);
    const generated = user ? (postsByAuthor.get(foldText(user.handle)) ?? []) : [];
    const items = [
      ...generated.map(({ post, thread }) => ({ threadId: thread.id, title: thread.title, at: post.at, excerpt: excerpt(postText(post)) })),
      ...lab.map((r) => ({ threadId: r.threadId, title: threadById.get(r.threadId)?.title ?? r.threadId, at: r.createdAt, excerpt: excerpt(r.body) })),
    ].sort((a, b) => b.at - a.at);
    const pager = paginate(items.length, pageOf(req), RESULTS_PER_PAGE, (p) => site.href(req, withQuery(`/u/${encodeURIComponent(handle)}`, {}, { page: p })));
    const keyPromise = user?.key ? signer.key(user.key) : null;
    const key = keyPromise ? keyView(await keyPromise) : null;
    const view = user ?? { handle: lab[0].handle, role: 'trainee', joined: lab[lab.length - 1].createdAt };
    return render(req, reply, 'user', { title: view.handle, nav: 'home', user: view, total: items.length, key, posts: items.slice(pager.offset, pager.offset + RESULTS_PER_PAGE), pager });
  });

  app.get('/search', async (req, reply) => {
    const qs = req.query as Record<string, unknown>;
    const raw = formValue(qs, 'q');
    const base = { title: site.t(req, 'fo.search.title'), nav: 'search', q: raw.slice(0, 100) };
    if (raw.trim() === '') return render(req, reply, 'search', { ...base, searched: false });
    try {
      const q = readText(qs, 'q', { label: 'field.search', max: 100 });
      if ([...q].length < 3) throw new FormError('field.search', 'fo.search.tooShort', { min: 3 });
      const words = foldText(q).split(/\s+/).filter(Boolean);
      const hits = haystack.filter((h) => words.every((w) => h.text.includes(w))).sort((a, b) => b.post.at - a.post.at);
      const all = [...hits.map((h) => ({ threadId: h.thread.id, title: h.thread.title, author: h.post.author, at: h.post.at, excerpt: excerpt(postText(h.post)) }))];
      const pager = paginate(all.length, pageOf(req), RESULTS_PER_PAGE, (p) => site.href(req, withQuery('/search', { q }, { page: p })));
      return render(req, reply, 'search', { ...base, q, searched: true, results: all.slice(pager.offset, pager.offset + RESULTS_PER_PAGE), pager });
    } catch (err) {
      if (err instanceof FormError) return site.formFailure(req, reply, 'search', { boards: boardsNav, ...base, searched: false }, err);
      throw err;
    }
  });
};

/** What the forum is written from, gathered from the Darkweb and its world. */
export async function forumWorld(darkweb: Darkweb): Promise<ForumWorld> {
  const db = darkweb.db;
  const start = worldStart(db);
  const now = darkweb.chain.now();
  const data = darkweb.data;
  const clones = phishingClonePlans(darkweb).filter((p) => p.addresses.length > 0 || p.walletId !== null);
  const shops = vendorShopPlans(darkweb, start, now);
  const scamKeyTails = new Map(
    await Promise.all(shops.filter((s) => s.kind === 'scam').map(async (s) => [s.ref, (await shopKey(darkweb, s)).fingerprint.slice(-4)] as const)),
  );
  const exchangers = instantExchangers(db)
    .filter((x) => x.depositWallet || x.hotWallet)
    .map((info) => ({ info, onion: darkweb.onionFor(`exchanger:${info.id}`) }));
  const markets = (data?.markets() ?? []).flatMap((market) => {
    const site = darkweb.site(market.id);
    return site ? [{ market, site, status: marketStatus(db, market.entityId), vendors: data!.vendors(market) }] : [];
  });
  return { seed: darkweb.seed, start, now, markets, events: worldEvents(db, now), clones, shops, scamKeyTails, exchangers };
}

/**
 * Builds the forum from the world and mounts it (listed in the directory as 'forum'). A world
 * without markets (a bare demo chain) has nothing to discuss: no forum, null.
 */
export async function registerForum(app: FastifyInstance, darkweb: Darkweb): Promise<DarkwebSite | null> {
  if (!darkweb.data) return null;
  const content = buildForum(await forumWorld(darkweb));
  return darkweb.mountSite(app, { id: FORUM_ID, ref: FORUM_REF, kind: 'forum', title: FORUM_NAME, language: 'en' }, forumSite, { content });
}
