// Two tiny demo onion sites for the browser's tests (test code only): a market and a forum that
// link to each other by the lab's convention, /onion/<address>/<path>, plus one seized and one
// offline site. Each is an ordinary fastify plugin mounted at /sites/<name>.
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { Rng } from '../../chain/rng.ts';
import { deriveOnion } from '../../market/onion/index.ts';
import { OnionRegistry, onionBrowser, onionHref } from '../../market/browser/index.ts';

export interface DemoLab {
  app: FastifyInstance;
  registry: OnionRegistry;
  market: string;
  forum: string;
  seized: string;
  offline: string;
  /** Valid, never registered. */
  unknown: string;
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

export async function buildDemoLab(): Promise<DemoLab> {
  const rng = Rng.fromSeed('browser-demo');
  const market = deriveOnion(rng.fork('market'));
  const forum = deriveOnion(rng.fork('forum'));
  const seized = deriveOnion(rng.fork('seized'));
  const offline = deriveOnion(rng.fork('offline'));
  const unknown = deriveOnion(rng.fork('unknown'));

  const marketSite: FastifyPluginAsync = async (site) => {
    site.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    site.get('/', async (_req, reply) =>
      reply.type('text/html').send(
        page(
          'Demo Market',
          `<h1 id="site-name">Demo Market</h1>
          <a id="to-forum" href="${onionHref(forum, '/threads/7')}">Discuss on the forum</a>
          <a id="about" href="${onionHref(market, '/about')}">About</a>
          <form id="search" method="post" action="${onionHref(market, '/search')}"><input name="q" value="fentanyl"><button>Search</button></form>`,
        ),
      ),
    );
    site.get('/about', async (_req, reply) => reply.type('text/html').send(page('About — Demo Market', '<h1>About</h1>')));
    site.post('/search', async (req, reply) =>
      reply.type('text/html').send(page('Search — Demo Market', `<p id="query">${(req.body as { q: string }).q}</p>`)),
    );
    site.all('/echo', async (req) => ({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? null }));
    site.get('/home', async (_req, reply) => reply.redirect('/sites/market/'));
    site.get('/to-forum', async (_req, reply) => reply.redirect(`http://${forum}.onion/threads/7`));
    site.get('/login', async (_req, reply) => reply.header('set-cookie', ['sid=abc; Path=/sites/market; HttpOnly', 'theme=dark']).send('ok'));
    site.get('/own-policy', async (_req, reply) => reply.header('content-security-policy', "default-src 'none'").send('strict'));
  };
  const forumSite: FastifyPluginAsync = async (site) => {
    site.get('/', async (_req, reply) => reply.type('text/html').send(page('Demo Forum', '<h1 id="site-name">Demo Forum</h1>')));
    site.get('/threads/:id', async (req, reply) =>
      reply.type('text/html').send(
        page(
          `Thread ${(req.params as { id: string }).id} — Demo Forum`,
          `<h1 id="site-name">Demo Forum</h1><a id="to-market" href="${onionHref(market)}">Back to the market</a>`,
        ),
      ),
    );
  };

  const app = Fastify({ logger: false });
  await app.register(marketSite, { prefix: '/sites/market' });
  await app.register(forumSite, { prefix: '/sites/forum' });
  const registry = new OnionRegistry();
  registry.add(market, { title: 'Demo Market', mount: '/sites/market' });
  registry.add(forum, { title: 'Demo Forum', mount: '/sites/forum/' });
  registry.add(seized, { title: 'Seized Bazaar', mount: '/sites/market' });
  registry.seize(seized, { operation: 'Operation Training Day', agencies: ['Fictional Federal Police', 'Fictional Cybercrime Centre'] });
  registry.add(offline, { title: 'Exit Scam Shop', mount: '/sites/market' });
  registry.takeOffline(offline);
  await app.register(onionBrowser, { resolver: registry });
  await app.ready();
  return { app, registry, market, forum, seized, offline, unknown };
}
