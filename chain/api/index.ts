// Blockstream Esplora's REST API over a world's ledger, as a fastify plugin:
//   await app.register(esploraApi, { prefix: '/api', reader, submitTx })
// Routes, bodies, content types and error texts follow electrs (see docs/api.md for every route
// and where the lab differs). The plugin is encapsulated: its body parser, error and not-found
// handlers and CORS header apply under its prefix only.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ChainReader } from '../store/reader.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { blockRoutes } from './blocks.ts';
import { txRoutes } from './txs.ts';
import { addressRoutes } from './addresses.ts';
import { mempoolRoutes } from './mempool.ts';

export interface EsploraApiOptions {
  reader: ChainReader;
  /**
   * Accepts a raw transaction for the mempool and returns its txid (display hex). Throws an Error
   * whose message (and `code`, for the ledger's LedgerError) becomes the 400 body, as
   * `sendrawtransaction RPC error: {"code":…,"message":…}`. Without it, POST /tx answers 503.
   */
  submitTx?: (raw: Uint8Array) => { txid: string };
}

export type ApiContext = EsploraApiOptions;

export const esploraApi: FastifyPluginAsync<EsploraApiOptions> = async (app: FastifyInstance, opts) => {
  if (!opts.reader) throw new TypeError('esploraApi needs a reader');
  const ctx: ApiContext = { reader: opts.reader, submitTx: opts.submitTx };

  // POST /tx takes the hex as the whole body whatever the content type (curl -d sends a form type).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Esplora servers answer cross-origin requests, so wallets in a browser can use them.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    return payload;
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  blockRoutes(app, ctx);
  txRoutes(app, ctx);
  addressRoutes(app, ctx);
  mempoolRoutes(app, ctx);
};
