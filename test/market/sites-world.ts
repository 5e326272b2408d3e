// A small generated world served by the darkweb plugin and the onion browser, for the market
// sites' tests, and a tiny cookie-keeping client that fills forms the way a trainee does (form
// token from the page, captcha answered from the site's secret).
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../sim/world.ts';
import { DEFAULT_WORLD, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { OnionRegistry, onionBrowser } from '../../market/browser/index.ts';
import { Darkweb, darkwebPlugin } from '../../market/darkweb.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';

const [ESCROW, SHOP] = DEFAULT_WORLD.markets;

export const SITES_WORLD: WorldOptionsInput = {
  seed: 'darkweb-sites-test',
  days: 3,
  background: { users: 150, paymentsPerDay: 80, purchasesPerDay: 30, salesPerDay: 15 },
  markets: [
    { ...ESCROW, vendors: 10, buyers: 80, ordersPerDay: 60 },
    { ...SHOP, vendors: 8, buyers: 60, ordersPerDay: 40 },
  ],
};

export interface SitesLab {
  app: FastifyInstance;
  darkweb: Darkweb;
  registry: OnionRegistry;
  ledger: Ledger;
  file: string;
  close(): Promise<void>;
}

/** Generates the world into a temporary file and serves it (call close() in afterAll). */
export async function buildSitesLab(input: WorldOptionsInput = SITES_WORLD): Promise<SitesLab> {
  const file = join(mkdtempSync(join(tmpdir(), 'onion-sites-')), 'world.sqlite');
  generateWorld(input, file);
  const ledger = Ledger.open(file);
  const registry = new OnionRegistry();
  const darkweb = new Darkweb({ db: ledger.db, seed: ledger.settings.seed, registry, warmKeys: false });
  const app = Fastify({ logger: false });
  await app.register(darkwebPlugin, { darkweb });
  await app.register(onionBrowser, { resolver: registry });
  await app.ready();
  return {
    app,
    darkweb,
    registry,
    ledger,
    file,
    close: async () => {
      await app.close();
      ledger.close();
    },
  };
}

/** HTML entities Handlebars writes, back to text. */
export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

/** The text inside the first element with this id (tags stripped, entities decoded). */
export function textOf(html: string, id: string): string | null {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? unescapeHtml(m[1].replace(/<[^>]*>/g, '')).trim() : null;
}

/** A visitor with a cookie jar, talking to the app through inject. */
export class SiteClient {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  last: LightMyRequestResponse | null = null;

  constructor(
    private readonly app: FastifyInstance,
    /** Site id whose captcha this client can answer ('silkway'). */
    private readonly captcha?: Captcha,
  ) {}

  private cookieHeader(url: string): string | undefined {
    const path = url.split('?')[0];
    const parts = [...this.cookies.entries()].filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)).map(([k, c]) => `${k.split('|')[0]}=${c.value}`);
    return parts.length ? parts.join('; ') : undefined;
  }

  private keep(res: LightMyRequestResponse): void {
    const raw = res.headers['set-cookie'];
    for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const path = attrs.map((a) => a.trim()).find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const key = `${name}|${path}`;
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
    this.last = res;
  }

  cookie(name: string): string | undefined {
    for (const [k, c] of this.cookies) if (k.split('|')[0] === name) return c.value;
    return undefined;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({ method: 'GET', url, headers: { ...headers, ...(cookie ? { cookie } : {}) } });
    this.keep(res);
    return res;
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    });
    this.keep(res);
    return res;
  }

  /** The form token of the last page. */
  csrf(html = this.last?.body ?? ''): string {
    return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  }

  /** The captcha round the last page's form carries, and its answer for this client's session. */
  captchaFields(html = this.last?.body ?? ''): { captcha_round: string; captcha: string } {
    const round = /name="captcha_round" value="(\d+)"/.exec(html)?.[1] ?? '0';
    const sid = this.cookie('sid');
    if (!this.captcha || !sid) throw new Error('no captcha or session to answer');
    return { captcha_round: round, captcha: this.captcha.answer(sid, Number(round)) };
  }

  /** Registers (and so logs in) through the site's form at `base` ('/sites/silkway'). */
  async register(base: string, handle: string, password = 'correct horse battery'): Promise<LightMyRequestResponse> {
    await this.get(`${base}/register`);
    return this.post(`${base}/register`, { _csrf: this.csrf(), handle, password, password2: password, ...this.captchaFields() });
  }
}
