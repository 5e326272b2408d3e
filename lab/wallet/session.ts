// Who is using the wallet pages, until classes (a later issue) bring trainee accounts: a random
// session id in a signed, httpOnly, SameSite=Strict cookie. Forms carry a CSRF token derived from
// the session (HMAC), so a POST counts only from a page this lab served to the same browser.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'onion_lab_wallet';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export class SessionSigner {
  constructor(private readonly secret: Uint8Array) {
    if (secret.length < 16) throw new RangeError('the session secret must be at least 16 bytes');
  }

  private mac(purpose: string, sid: string): string {
    return b64(createHmac('sha256', this.secret).update(`${purpose}\0${sid}`).digest());
  }

  /** A new random session id and the cookie value that carries it. */
  create(): { sid: string; cookie: string } {
    const sid = b64(randomBytes(16));
    return { sid, cookie: `${sid}.${this.mac('session', sid)}` };
  }

  /** The session id in a cookie value, or null when it is missing, malformed or not signed by this lab. */
  open(cookie: string | undefined): string | null {
    if (typeof cookie !== 'string' || cookie.length > 200) return null;
    const dot = cookie.indexOf('.');
    if (dot <= 0) return null;
    const sid = cookie.slice(0, dot);
    if (!/^[A-Za-z0-9_-]{22}$/.test(sid)) return null;
    return same(cookie.slice(dot + 1), this.mac('session', sid)) ? sid : null;
  }

  csrfToken(sid: string): string {
    return this.mac('csrf', sid);
  }

  checkCsrf(sid: string, token: string): boolean {
    return typeof token === 'string' && same(token, this.csrfToken(sid));
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
