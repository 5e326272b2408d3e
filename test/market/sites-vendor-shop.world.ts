// The world the tests of the forum, exchanger, vendor-shop and phishing sites share (each test file
// generates its own copy): four days, the default markets, an address_swap_theft trail on
// Silkway (the phishing clone), an exit scam on the shop market and a vendor who stops shipping;
// served as the lab serves it (darkwebPlugin: the markets, then the shops, exchangers, clones and
// the forum) behind the onion browser. Plus helpers to fill in the kit's forms (session, form token, captcha).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { EventOptions, TrailOptions, WorldOptionsInput } from '../../sim/options.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { buildSitesLab, unescapeHtml, type SitesLab } from './sites-world.ts';

export { unescapeHtml };

export const MARK = 'SYNTHETIC TRAINING ENVIRONMENT';

export const CLONE_TRAIL: TrailOptions = { id: 'clone', typology: 'address_swap_theft', actor: 'market:silkway', day: 1, params: { victims: 10, then: 'exchange' } };

export const SITES_WORLD: WorldOptionsInput = {
  seed: 'sites-test',
  days: 4,
  background: { users: 250, paymentsPerDay: 150, purchasesPerDay: 60, salesPerDay: 30 },
  trails: [CLONE_TRAIL],
  events: [
    { kind: 'exit_scam', target: 'market:polarnaya', day: 2, params: { freezeDays: 1 } },
    { kind: 'vendor_exit', target: 'market:silkway/vendor:top', day: 1, params: {} },
  ],
};

export type SitesWorld = SitesLab;

/** Generates the world and serves every site as the lab does (market/darkweb.ts darkwebPlugin). */
export function sitesWorld(input: WorldOptionsInput = SITES_WORLD, events?: EventOptions[]): Promise<SitesWorld> {
  return buildSitesLab(events ? { ...input, events } : input);
}

export class Visitor {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    readonly onion: string,
  ) {}

  url(path: string): string {
    return `/onion/${this.onion}${path.startsWith('/') ? path : `/${path}`}`;
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = String(c).split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(String(c))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get cookie(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get sessionId(): string {
    return this.cookies.get('sid') ?? '';
  }

  async get(path: string): Promise<LightMyRequestResponse> {
    const target = path.startsWith('/onion/') ? path : this.url(path);
    return this.keep(await this.app.inject({ method: 'GET', url: target, headers: { cookie: this.cookie } }));
  }

  async post(path: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url: this.url(path),
        headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      }),
    );
  }

  /** GETs a page with a form and POSTs `fields` with the page's form token (and captcha answer, given the site's secret). */
  async submit(formPage: string, action: string, fields: Record<string, string>, captchaSecret?: Uint8Array): Promise<LightMyRequestResponse> {
    const page = await this.get(formPage);
    const csrf = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1] ?? '';
    const round = /name="captcha_round" value="(\d+)"/.exec(page.body)?.[1];
    const extra: Record<string, string> = { _csrf: csrf };
    if (captchaSecret && round !== undefined) {
      extra.captcha_round = round;
      extra.captcha = new Captcha(captchaSecret).answer(this.sessionId, Number(round));
    }
    return this.post(action, { ...extra, ...fields });
  }
}

