// The lab's HTTP server: mounts the explorer, the Esplora API and the lab's own pages on one port.
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import Handlebars from 'handlebars';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Ledger } from '../chain/ledger.ts';
import { ChainReader } from '../chain/store/reader.ts';
import { esploraApi } from '../chain/api/index.ts';
import { explorerPlugin } from '../chain/explorer/index.ts';
import { txidHex } from '../chain/tx.ts';
import { onionBrowser, OnionRegistry } from '../market/browser/index.ts';
import { pgpToolPlugin } from '../market/pgp-tool/index.ts';
import { darkwebPlugin } from '../market/darkweb.ts'; // darkweb sites (market/darkweb.ts)
import { LiveWorld } from '../sim/live/index.ts';
import { labWalletPlugin } from './wallet/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The world as it goes on after generation: lab wallets, live orders; call live.onBlock after each live block. */
    live: LiveWorld;
  }
}

const here = fileURLToPath(new URL('.', import.meta.url));

export interface LabServerOptions {
  ledger: Ledger;
  /** pino options, or false for no logging (tests). */
  logger?: boolean | object;
}

export async function buildServer(opts: LabServerOptions): Promise<FastifyInstance> {
  const { ledger } = opts;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 1024 * 1024 });
  const reader = new ChainReader(ledger.db, ledger.settings.network);
  const live = LiveWorld.open(ledger, { onError: (err, context) => app.log.error({ err, context }, 'live world step failed') });
  app.decorate('live', live);

  app.get('/healthz', async () => ({ ok: true, tip: ledger.tip()?.height ?? null }));

  await app.register(esploraApi, {
    prefix: '/api',
    reader,
    submitTx: (raw: Uint8Array) => {
      const tip = ledger.tip();
      const { txid } = ledger.submitTx(raw, (tip?.time ?? ledger.settings.startTime) + 1);
      return { txid: txidHex(txid) };
    },
  });
  await app.register(explorerPlugin, { prefix: '/explorer', reader, network: ledger.settings.network });

  // The onion browser resolves only the lab's own sites; the world's sites register here.
  const onions = new OnionRegistry();
  // --- darkweb sites: the world's markets at /sites/<id>/, published in the registry (market/darkweb.ts) ---
  await app.register(darkwebPlugin, { db: ledger.db, seed: ledger.settings.seed, registry: onions, live });
  await app.register(onionBrowser, { resolver: onions });
  await app.register(pgpToolPlugin, { prefix: '/pgp', homeHref: '/' });
  await app.register(labWalletPlugin, { prefix: '/wallet', live });

  // The lab's own pages, in their own encapsulated context.
  await app.register(async (lab) => {
    await lab.register(fastifyView, { engine: { handlebars: Handlebars.create() }, root: join(here, 'views') });
    await lab.register(fastifyStatic, { root: join(here, 'static'), prefix: '/static/' });
    const countTxs = ledger.db.prepare('SELECT COUNT(*) AS n FROM txs');
    const firstHeight = ledger.db.prepare('SELECT MIN(height) AS h FROM blocks');
    lab.get('/', async (_req, reply) => {
      const first = firstHeight.get() as { h: number | null };
      return reply.view('home.hbs', {
        tip: ledger.tip(),
        txCount: (countTxs.get() as { n: number }).n.toLocaleString('en-US'),
        seed: ledger.settings.seed,
        network: ledger.settings.network,
        firstHeight: first.h,
      });
    });
  });

  return app;
}
