// World events on the sites: a market the world's ground truth marks seized shows the seizure banner
// (naming the event's agency) on every one of its addresses; a market whose operators exit-scammed
// answers every page with its maintenance notice; an untouched market runs as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITES_WORLD, buildSitesLab, textOf, type SitesLab } from './sites-world.ts';

let lab: SitesLab;

beforeAll(async () => {
  lab = await buildSitesLab({
    ...SITES_WORLD,
    seed: 'darkweb-sites-events',
    events: [
      { kind: 'seizure', target: 'market:silkway', day: 1.5, params: { agency: 'Northern Cyber Unit', country: 'NL' } },
      { kind: 'exit_scam', target: 'market:polarnaya', day: 1, params: { freezeDays: 1 } },
    ],
  });
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

describe('world events on the onion sites', () => {
  it('the world records the seizure and the exit scam on the markets', () => {
    expect(lab.darkweb.marketStatus('silkway')).toMatchObject({ status: 'seized', banner: { agency: 'Northern Cyber Unit', country: 'NL' } });
    expect(lab.darkweb.marketStatus('polarnaya')).toMatchObject({ status: 'exit_scam', notice: 'maintenance' });
  });

  it('a seized market shows the seizure banner at every address, naming the agency', async () => {
    const site = lab.darkweb.site('silkway')!;
    expect(site.addresses.length).toBeGreaterThan(1);
    for (const address of site.addresses) {
      expect(lab.registry.resolve(address)).toMatchObject({ status: 'seized', seizure: { agencies: ['Northern Cyber Unit'] } });
      const res = await lab.app.inject(`/onion/${address}/`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Northern Cyber Unit');
      expect(res.body).toContain('Silkway Bazaar');
      expect(res.body).not.toContain('id="site-name"');
    }
    // Applying the ground truth again changes nothing.
    expect(lab.darkweb.applyWorldStatus()).toEqual(['silkway']);
  });

  it('an exit-scammed market answers every page with its maintenance notice, in its language', async () => {
    const site = lab.darkweb.site('polarnaya')!;
    expect(lab.registry.resolve(site.onion)?.status).toBe('online');
    for (const path of ['/', '/register', '/rules']) {
      const res = await lab.app.inject(`/onion/${site.onion}${path}`);
      expect(res.statusCode).toBe(503);
      expect(textOf(res.body, 'error-text')).toMatch(/технические работы/i);
    }
    const en = await lab.app.inject(`/onion/${site.onion}/?lang=en`);
    expect(en.statusCode).toBe(503);
    expect(en.body).toContain('Down for maintenance');
    expect(en.body).toContain('SYNTHETIC TRAINING ENVIRONMENT');
    // Its stylesheet still loads, so the notice looks like the market's own.
    expect((await lab.app.inject(`/onion/${site.onion}/static/site.css`)).statusCode).toBe(200);
  });
});
