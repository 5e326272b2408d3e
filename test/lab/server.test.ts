// The lab as `npm start` serves it: a generated world behind the explorer, the API, the onion
// browser and the PGP tool on one port, with live blocks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateWorld } from '../../sim/world.ts';
import { Ledger } from '../../chain/ledger.ts';
import { BlockProducer } from '../../chain/producer.ts';
import { loadPools } from '../../chain/pools.ts';
import { buildServer } from '../../lab/server.ts';

describe('the lab server', () => {
  let ledger: Ledger;
  let app: FastifyInstance;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'onion-lab-')), 'world.sqlite');
    generateWorld({ days: 1, background: { users: 200, paymentsPerDay: 100, purchasesPerDay: 50, salesPerDay: 20 } }, file);
    ledger = Ledger.open(file);
    app = await buildServer({ ledger, logger: false });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    ledger.close();
  });

  it('serves every part of the lab with the synthetic mark', async () => {
    for (const url of ['/', '/explorer/', '/browser/', '/pgp/', '/wallet/']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toMatch(/SYNTHETIC TRAINING ENVIRONMENT/i);
    }
    const health = (await app.inject('/healthz')).json();
    expect(health.ok).toBe(true);
    expect(health.tip).toBe(ledger.tip()!.height);
  });

  it('serves the generated world through the API and explorer', async () => {
    const height = Number((await app.inject('/api/blocks/tip/height')).body);
    expect(height).toBe(ledger.tip()!.height);
    const hash = (await app.inject(`/api/block-height/${height}`)).body;
    const txids = (await app.inject(`/api/block/${hash}/txids`)).json() as string[];
    const page = await app.inject(`/explorer/tx/${txids[txids.length - 1]}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(txids[txids.length - 1]);
  });

  it('mines live blocks paying the world’s own pools', async () => {
    const before = ledger.tip()!.height;
    const producer = new BlockProducer(ledger, { intervalMs: 0, pools: loadPools(ledger) });
    const block = producer.mineNow();
    expect(block.height).toBe(before + 1);
    expect(Number((await app.inject('/api/blocks/tip/height')).body)).toBe(before + 1);
  });
});
