// Address and scripthash routes: balances as funded/spent statistics, history pages, unspent
// outputs, and the address-prefix search.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './index.ts';
import { S } from './params.ts';
import { sendJson, sendJsonBody } from './errors.ts';
import { ResponseCache } from './cache.ts';

export function addressRoutes(app: FastifyInstance, { reader }: ApiContext): void {
  const cache = new ResponseCache(reader);
  type A = { Params: { address: string } };
  type AL = { Params: { address: string; last_seen_txid: string } };
  type H = { Params: { scripthash: string } };
  type HL = { Params: { scripthash: string; last_seen_txid: string } };

  app.get<A>('/address/:address', { schema: S.address }, (req, reply) =>
    sendJsonBody(reply, cache.json(`a:${req.params.address}`, () => reader.address(req.params.address))),
  );
  app.get<A>('/address/:address/txs', { schema: S.address }, (req, reply) =>
    sendJsonBody(reply, cache.json(`t:${req.params.address}`, () => reader.addressTxs(req.params.address))),
  );
  app.get<A>('/address/:address/txs/chain', { schema: S.address }, (req, reply) =>
    sendJson(reply, reader.addressTxsChain(req.params.address)),
  );
  app.get<AL>('/address/:address/txs/chain/:last_seen_txid', { schema: S.addressLastSeen }, (req, reply) =>
    sendJson(reply, reader.addressTxsChain(req.params.address, req.params.last_seen_txid)),
  );
  app.get<A>('/address/:address/txs/mempool', { schema: S.address }, (req, reply) =>
    sendJson(reply, reader.addressTxsMempool(req.params.address)),
  );
  app.get<A>('/address/:address/utxo', { schema: S.address }, (req, reply) => sendJson(reply, reader.addressUtxo(req.params.address)));

  app.get<H>('/scripthash/:scripthash', { schema: S.scripthash }, (req, reply) =>
    sendJsonBody(reply, cache.json(`h:${req.params.scripthash}`, () => reader.scripthash(req.params.scripthash))),
  );
  app.get<H>('/scripthash/:scripthash/txs', { schema: S.scripthash }, (req, reply) =>
    sendJsonBody(reply, cache.json(`ht:${req.params.scripthash}`, () => reader.scripthashTxs(req.params.scripthash))),
  );
  app.get<H>('/scripthash/:scripthash/txs/chain', { schema: S.scripthash }, (req, reply) =>
    sendJson(reply, reader.scripthashTxsChain(req.params.scripthash)),
  );
  app.get<HL>('/scripthash/:scripthash/txs/chain/:last_seen_txid', { schema: S.scripthashLastSeen }, (req, reply) =>
    sendJson(reply, reader.scripthashTxsChain(req.params.scripthash, req.params.last_seen_txid)),
  );
  app.get<H>('/scripthash/:scripthash/txs/mempool', { schema: S.scripthash }, (req, reply) =>
    sendJson(reply, reader.scripthashTxsMempool(req.params.scripthash)),
  );
  app.get<H>('/scripthash/:scripthash/utxo', { schema: S.scripthash }, (req, reply) =>
    sendJson(reply, reader.scripthashUtxo(req.params.scripthash)),
  );

  app.get<{ Params: { prefix: string } }>('/address-prefix/:prefix', { schema: S.prefix }, (req, reply) =>
    sendJson(reply, reader.addressPrefix(req.params.prefix)),
  );
}
