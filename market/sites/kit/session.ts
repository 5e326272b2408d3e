// Sessions of one site: an opaque id in a cookie scoped to the site's own path, and the state
// behind it (who is logged in, the captcha round, the form token) in memory. Accounts live in the
// lab's tables; a session only points at one. Ids are random (a trainee's visit is not world data).
import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  accountId: number | null;
  /** Which captcha image the session is shown; moves on after every answer. */
  captchaRound: number;
  /** Hidden form field every POST must echo (a page on another site cannot post in the trainee's name). */
  csrf: string;
}

export const SESSION_COOKIE = 'sid';
export const LANG_COOKIE = 'lang';
const ID_RE = /^[A-Za-z0-9_-]{32}$/;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly max = 20_000) {}

  get(id: string | undefined): Session | undefined {
    if (!id || !ID_RE.test(id)) return undefined;
    const s = this.sessions.get(id);
    if (s) {
      // Most recently used last: the oldest idle sessions are dropped first.
      this.sessions.delete(id);
      this.sessions.set(id, s);
    }
    return s;
  }

  create(accountId: number | null = null): Session {
    const s: Session = { id: randomBytes(24).toString('base64url'), accountId, captchaRound: 0, csrf: randomBytes(18).toString('base64url') };
    this.sessions.set(s.id, s);
    while (this.sessions.size > this.max) this.sessions.delete(this.sessions.keys().next().value as string);
    return s;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}
