// Serves an onion request from the site's in-lab mount, in process (fastify inject): the site sees
// an ordinary request for <mount>/<path> with the original method, headers and body, and the
// browser gets the response as if it came from http://<address>.onion/<path>. Redirects and
// cookie paths that name the mount (or an http://<address>.onion URL) are rewritten to /onion/…,
// so sites need not know how the lab routes them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { isValidOnion } from '../onion/address.ts';
import { ONION_PREFIX, type OnionEntry } from './registry.ts';

/** Headers that describe one connection, not the message, plus the length inject recomputes. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'content-length']);

/** For site responses that set no policy of their own: anything from the lab, nothing from outside. */
export const SITE_CSP =
  "default-src 'self' 'unsafe-inline' data: blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

type InjectMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Request headers the site receives: the browser's, plus where it is being reached from. */
function siteRequestHeaders(req: FastifyRequest, address: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  // Which of a site's addresses (mirrors) the visitor used, and the prefix its links live under.
  headers['x-onion-address'] = address;
  headers['x-forwarded-prefix'] = `${ONION_PREFIX}/${address}`;
  return headers;
}

/** A Location the site sent, as the browser must follow it. */
export function rewriteLocation(location: string, entry: Pick<OnionEntry, 'address' | 'mount'>): string {
  const { mount, address } = entry;
  if (location === mount || location.startsWith(`${mount}/`) || location.startsWith(`${mount}?`)) {
    const rest = location.slice(mount.length);
    return `${ONION_PREFIX}/${address}${rest.startsWith('/') ? rest : `/${rest}`}`;
  }
  const onion = /^https?:\/\/(?:[a-z0-9-]+\.)*([a-z2-7]{56})\.onion(?::\d+)?(\/[^]*)?$/i.exec(location);
  if (onion && isValidOnion(onion[1])) return `${ONION_PREFIX}/${onion[1].toLowerCase()}${onion[2] ?? '/'}`;
  return location;
}

/** A Set-Cookie with its Path moved from the mount to the onion prefix. */
export function rewriteCookiePath(cookie: string, entry: Pick<OnionEntry, 'address' | 'mount'>): string {
  return cookie.replace(/(;\s*path=)([^;]*)/i, (whole, attr: string, path: string) => {
    const p = path.trim();
    if (p === entry.mount || p.startsWith(`${entry.mount}/`)) return `${attr}${ONION_PREFIX}/${entry.address}${p.slice(entry.mount.length)}`;
    return whole;
  });
}

/**
 * Answers `req` (for /onion/<address><rest>) with what the site mounted at entry.mount answers
 * for <mount><rest>. `body` is the raw request body, if any.
 */
export async function forwardToSite(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  entry: Readonly<OnionEntry>,
  rest: string,
  body: Buffer | undefined,
): Promise<FastifyReply> {
  const res = await app.inject({
    method: req.method as InjectMethod,
    url: `${entry.mount}${rest}`,
    headers: siteRequestHeaders(req, entry.address),
    payload: body,
    remoteAddress: req.ip,
  });
  reply.code(res.statusCode);
  const headers = res.headers as OutgoingHttpHeaders;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name === 'location') reply.header(name, rewriteLocation(String(value), entry));
    else if (name === 'set-cookie') {
      const cookies = Array.isArray(value) ? value : [String(value)];
      reply.header(name, cookies.map((c) => rewriteCookiePath(c, entry)));
    } else reply.header(name, value);
  }
  if (headers['content-security-policy'] === undefined) reply.header('content-security-policy', SITE_CSP);
  return reply.send(res.rawPayload);
}
