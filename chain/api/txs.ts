// Transaction routes: one transaction as JSON, hex or bytes, its status, spends and inclusion
// proofs, and broadcasting a new one.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './index.ts';
import { S, toNumber } from './params.ts';
import { badRequest, notFound, rpcErrorMessage, sendBinary, sendJson, sendText, HttpError, TTL_LONG } from './errors.ts';
import { isHex, hexToBytes } from '../bytes.ts';
import { encodeTx, parseTx, txidHex } from '../tx.ts';

const TX_NOT_FOUND = 'Transaction not found';
const NOT_CONFIRMED = 'Transaction not found or is unconfirmed';
/** electrs's MAX_BODY_SIZE. */
const MAX_BODY_BYTES = 1_000_000;

export function txRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { reader } = ctx;

  app.get<{ Params: { txid: string } }>('/tx/:txid', { schema: S.txid }, (req, reply) => {
    const tx = reader.tx(req.params.txid);
    if (tx === null) throw notFound(TX_NOT_FOUND);
    return sendJson(reply, tx);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/status', { schema: S.txid }, (req, reply) => {
    const status = reader.txStatus(req.params.txid);
    if (status === null) throw notFound(TX_NOT_FOUND);
    return sendJson(reply, status);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/hex', { schema: S.txid }, (req, reply) => {
    const raw = reader.txRaw(req.params.txid);
    if (raw === null) throw notFound(TX_NOT_FOUND);
    return sendText(reply, Buffer.from(raw).toString('hex'), TTL_LONG);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/raw', { schema: S.txid }, (req, reply) => {
    const raw = reader.txRaw(req.params.txid);
    if (raw === null) throw notFound(TX_NOT_FOUND);
    return sendBinary(reply, raw, TTL_LONG);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/merkle-proof', { schema: S.txid }, (req, reply) => {
    const proof = reader.merkleProof(req.params.txid);
    if (proof === null) throw notFound(NOT_CONFIRMED);
    return sendJson(reply, proof);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/merkleblock-proof', { schema: S.txid }, (req, reply) => {
    const proof = reader.merkleBlockProof(req.params.txid);
    if (proof === null) throw notFound(NOT_CONFIRMED);
    return sendText(reply, proof);
  });

  app.get<{ Params: { txid: string; vout: string } }>('/tx/:txid/outspend/:vout', { schema: S.txidVout }, (req, reply) => {
    const vout = toNumber(req.params.vout);
    const spend = reader.outspend(req.params.txid, vout);
    if (spend === null) {
      throw notFound(reader.txStatus(req.params.txid) === null ? TX_NOT_FOUND : `Transaction has no output ${vout}`);
    }
    return sendJson(reply, spend);
  });

  app.get<{ Params: { txid: string } }>('/tx/:txid/outspends', { schema: S.txid }, (req, reply) => {
    const spends = reader.outspends(req.params.txid);
    if (spends === null) throw notFound(TX_NOT_FOUND);
    return sendJson(reply, spends);
  });

  const broadcast = (body: unknown): string => {
    const submit = ctx.submitTx;
    if (!submit) throw new HttpError(503, 'Transaction broadcast is disabled on this server');
    const hex = typeof body === 'string' ? body.trim() : '';
    if (hex === '' || !isHex(hex)) throw badRequest(rpcErrorMessage({ code: 'malformed', message: 'TX decode failed: the body must be the transaction in hex' }));
    const raw = hexToBytes(hex);
    try {
      return submit(raw).txid;
    } catch (err) {
      // bitcoind accepts a transaction it already holds in its mempool and answers with its txid.
      if ((err as { code?: unknown }).code === 'duplicate') {
        const txid = txidOf(raw);
        const status = txid === null ? null : reader.txStatus(txid);
        if (txid !== null && status && !status.confirmed) return txid;
        throw badRequest(rpcErrorMessage({ code: 'duplicate', message: 'Transaction already in block chain' }));
      }
      throw badRequest(rpcErrorMessage(err));
    }
  };

  app.post('/tx', { bodyLimit: MAX_BODY_BYTES }, (req, reply) => sendText(reply, broadcast(req.body), 0));

  // electrs keeps the old GET form for backward compatibility.
  app.get<{ Querystring: { tx?: string } }>('/broadcast', (req, reply) => {
    if (typeof req.query.tx !== 'string') throw badRequest('Missing tx');
    return sendText(reply, broadcast(req.query.tx), 0);
  });
}

function txidOf(raw: Uint8Array): string | null {
  try {
    return txidHex(encodeTx(parseTx(raw)).txid);
  } catch {
    return null;
  }
}
