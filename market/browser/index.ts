// The lab's onion browser, as a fastify plugin registered at the root of the lab server:
//   const onions = new OnionRegistry();
//   await app.register(silkwayPlugin, { prefix: '/sites/silkway' });
//   onions.add(silkwayAddress, { title: 'Silkway Market', mount: '/sites/silkway' });
//   await app.register(onionBrowser, { resolver: onions });
// Trainees open /browser/: a frame page with an address bar that takes .onion addresses. The page
// frame loads /onion/<address>/<path>, which this plugin answers from the site's mount, or with
// Tor Browser's error pages (0xF0 not found, 0xF6 invalid address) or a seizure banner.
// Everything is served from memory; the pages carry a Content-Security-Policy that allows only
// this server, so nothing a trainee opens can reach outside the lab.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forwardToSite } from './forward.ts';
import { START_PATH, classifyHost, framePath } from './navigation.ts';
import { framePage, invalidAddressPage, notFoundPage, offLabPage, seizedPage, startPage } from './pages.ts';
import { BROWSER_PREFIX, ONION_PREFIX, type OnionResolver } from './registry.ts';

export { OnionRegistry, ONION_PREFIX, BROWSER_PREFIX, onionHref, onionUrl } from './registry.ts';
export type { OnionEntry, OnionResolver, OnionSite, OnionStatus, SeizureNotice } from './registry.ts';
export { START_PATH, classifyHost, framePath, type FrameHost } from './navigation.ts';
export { SITE_CSP, rewriteCookiePath, rewriteLocation } from './forward.ts';
export { TRAINING_MARK, FRAME_NAME } from './pages.ts';

export interface OnionBrowserOptions {
  /** Which site answers for an address; usually an OnionRegistry. Consulted on every request, so status changes show at once. */
  resolver: OnionResolver;
}

/** The browser window: its own script and styles, and frames from this server only. */
export const FRAME_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** The browser's pages inside the frame (start, errors, seizure banner). */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

const STATIC_TYPES: Record<string, string> = {
  'browser.js': 'text/javascript; charset=utf-8',
  'neterror.js': 'text/javascript; charset=utf-8',
  'browser.css': 'text/css; charset=utf-8',
  'pages.css': 'text/css; charset=utf-8',
  'onion.svg': 'image/svg+xml',
  'onion-error.svg': 'image/svg+xml',
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendPage(reply: FastifyReply, status: number, html: string, csp = PAGE_CSP): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    // A site's state changes during an exercise (offline, seized): never show a stale answer.
    .header('cache-control', 'no-store')
    .send(html);
}

export const onionBrowser: FastifyPluginAsync<OnionBrowserOptions> = async (app: FastifyInstance, opts) => {
  if (!opts?.resolver || typeof opts.resolver.resolve !== 'function') throw new TypeError('onionBrowser needs a resolver (an OnionRegistry)');
  if (app.prefix !== '') throw new TypeError(`onionBrowser serves ${BROWSER_PREFIX}/ and ${ONION_PREFIX}/: register it without a prefix`);
  const { resolver } = opts;

  const here = fileURLToPath(new URL('./static/', import.meta.url));
  const files = new Map(Object.keys(STATIC_TYPES).map((name) => [name, readFileSync(`${here}${name}`)]));

  // Sites parse their own bodies: keep every body raw in this context and hand it on untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get(BROWSER_PREFIX, async (_req, reply) => reply.redirect(`${BROWSER_PREFIX}/`));
  app.get(`${BROWSER_PREFIX}/`, async (req, reply) => {
    const url = firstString((req.query as Record<string, unknown>).url);
    return sendPage(reply, 200, framePage(url ? framePath(url) : START_PATH), FRAME_CSP);
  });
  app.get(START_PATH, async (_req, reply) => sendPage(reply, 200, startPage()));
  // The address bar submits here (into the frame); the redirect lands on /onion/<host>/<path>.
  app.get(`${BROWSER_PREFIX}/go`, async (req, reply) => {
    const to = firstString((req.query as Record<string, unknown>).to) ?? '';
    return reply.header('cache-control', 'no-store').redirect(framePath(to));
  });
  app.get(`${BROWSER_PREFIX}/static/:file`, async (req, reply) => {
    const name = (req.params as { file: string }).file;
    const body = files.get(name);
    if (!body) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(STATIC_TYPES[name]).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
  });

  app.route({ method: [...METHODS], url: ONION_PREFIX, handler: async (_req, reply) => reply.redirect(`${BROWSER_PREFIX}/`) });
  app.route({ method: [...METHODS], url: `${ONION_PREFIX}/`, handler: async (_req, reply) => reply.redirect(`${BROWSER_PREFIX}/`) });
  // http://<address>.onion is http://<address>.onion/, as in any browser.
  app.route({
    method: [...METHODS],
    url: `${ONION_PREFIX}/:host`,
    handler: async (req, reply) => {
      const [path, query = ''] = req.url.split(/\?(.*)/s, 2);
      return reply.redirect(`${path}/${query ? `?${query}` : ''}`);
    },
  });
  app.route({ method: [...METHODS], url: `${ONION_PREFIX}/:host/*`, handler: (req, reply) => serveOnion(app, resolver, req, reply) });
};

/** /onion/<host><rest>: the site, a Tor Browser error page, or a seizure banner. */
async function serveOnion(app: FastifyInstance, resolver: OnionResolver, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // The raw URL, not the router's decoded params: the rest goes to the site byte for byte.
  const match = /^\/onion\/([^/?#]*)(.*)$/s.exec(req.url);
  if (!match) return sendPage(reply, 404, notFoundPage(req.url));
  const [, segment, rest] = match;
  const host = decodeSegment(segment);
  const target = classifyHost(host);
  if (target.kind === 'off-lab') return sendPage(reply, 400, offLabPage(host));
  if (target.kind === 'invalid') return sendPage(reply, 400, invalidAddressPage(`http://${host.includes('.') ? host : `${host}.onion`}/`, target.error.message));
  const { address } = target;
  if (segment !== address) return reply.header('cache-control', 'no-store').redirect(`${ONION_PREFIX}/${address}${rest}`);

  const entry = resolver.resolve(address);
  if (!entry || entry.status === 'offline') return sendPage(reply, 404, notFoundPage(`http://${address}.onion/`));
  if (entry.status === 'seized') return sendPage(reply, 200, seizedPage(entry.title, address, entry.seizure));
  return forwardToSite(app, req, reply, entry, rest, Buffer.isBuffer(req.body) ? req.body : undefined);
}

export default onionBrowser;
