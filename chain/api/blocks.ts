// Block routes: the tip, blocks by height and hash, their transactions and raw bytes.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './index.ts';
import { S, toNumber } from './params.ts';
import { notFound, sendBinary, sendJson, sendText, TTL_LONG, TTL_SHORT } from './errors.ts';

const BLOCK_NOT_FOUND = 'Block not found';

export function blockRoutes(app: FastifyInstance, { reader }: ApiContext): void {
  app.get('/blocks/tip/height', (_req, reply) => {
    const height = reader.tipHeight();
    if (height === null) throw notFound(BLOCK_NOT_FOUND);
    return sendText(reply, String(height));
  });

  app.get('/blocks/tip/hash', (_req, reply) => {
    const hash = reader.tipHash();
    if (hash === null) throw notFound(BLOCK_NOT_FOUND);
    return sendText(reply, hash);
  });

  app.get('/blocks', (_req, reply) => sendJson(reply, reader.blocks() ?? []));

  app.get<{ Params: { start_height: string } }>('/blocks/:start_height', { schema: S.startHeight }, (req, reply) => {
    const blocks = reader.blocks(toNumber(req.params.start_height));
    if (blocks === null) throw notFound(BLOCK_NOT_FOUND);
    return sendJson(reply, blocks);
  });

  app.get<{ Params: { height: string } }>('/block-height/:height', { schema: S.height }, (req, reply) => {
    const hash = reader.blockHashAtHeight(toNumber(req.params.height));
    if (hash === null) throw notFound(BLOCK_NOT_FOUND);
    return sendText(reply, hash, TTL_SHORT);
  });

  app.get<{ Params: { hash: string } }>('/block/:hash', { schema: S.hash }, (req, reply) => {
    const block = reader.block(req.params.hash);
    if (block === null) throw notFound(BLOCK_NOT_FOUND);
    return sendJson(reply, block, TTL_LONG);
  });

  app.get<{ Params: { hash: string } }>('/block/:hash/status', { schema: S.hash }, (req, reply) => {
    const status = reader.blockStatus(req.params.hash);
    if (status === null) throw notFound(BLOCK_NOT_FOUND);
    return sendJson(reply, status);
  });

  app.get<{ Params: { hash: string } }>('/block/:hash/header', { schema: S.hash }, (req, reply) => {
    const header = reader.blockHeaderHex(req.params.hash);
    if (header === null) throw notFound(BLOCK_NOT_FOUND);
    return sendText(reply, header, TTL_LONG);
  });

  app.get<{ Params: { hash: string } }>('/block/:hash/raw', { schema: S.hash }, (req, reply) => {
    const raw = reader.blockRaw(req.params.hash);
    if (raw === null) throw notFound(BLOCK_NOT_FOUND);
    return sendBinary(reply, raw, TTL_LONG);
  });

  app.get<{ Params: { hash: string } }>('/block/:hash/txids', { schema: S.hash }, (req, reply) => {
    const txids = reader.blockTxids(req.params.hash);
    if (txids === null) throw notFound(BLOCK_NOT_FOUND);
    return sendJson(reply, txids, TTL_LONG);
  });

  app.get<{ Params: { hash: string; index: string } }>('/block/:hash/txid/:index', { schema: S.hashIndex }, (req, reply) => {
    const index = toNumber(req.params.index);
    if (reader.blockHeight(req.params.hash) === null) throw notFound(BLOCK_NOT_FOUND);
    const txid = reader.blockTxid(req.params.hash, index);
    if (txid === null) throw notFound('tx index out of range');
    return sendText(reply, txid, TTL_LONG);
  });

  const blockTxs = (hash: string, start: number) => {
    const txs = reader.blockTxs(hash, start);
    if (txs === null) throw notFound(BLOCK_NOT_FOUND);
    return txs;
  };
  app.get<{ Params: { hash: string } }>('/block/:hash/txs', { schema: S.hash }, (req, reply) =>
    sendJson(reply, blockTxs(req.params.hash, 0), TTL_LONG),
  );
  app.get<{ Params: { hash: string; start_index: string } }>('/block/:hash/txs/:start_index', { schema: S.hashStart }, (req, reply) =>
    sendJson(reply, blockTxs(req.params.hash, toNumber(req.params.start_index)), TTL_LONG),
  );
}
