// Mempool routes and fee estimates.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './index.ts';
import { sendJson, TTL_MEMPOOL_RECENT } from './errors.ts';

export function mempoolRoutes(app: FastifyInstance, { reader }: ApiContext): void {
  app.get('/mempool', (_req, reply) => sendJson(reply, reader.mempool()));
  app.get('/mempool/txids', (_req, reply) => sendJson(reply, reader.mempoolTxids()));
  app.get('/mempool/recent', (_req, reply) => sendJson(reply, reader.mempoolRecent(), TTL_MEMPOOL_RECENT));
  app.get('/fee-estimates', (_req, reply) => sendJson(reply, reader.feeEstimates()));
}
