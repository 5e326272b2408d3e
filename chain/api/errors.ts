// How the Esplora API answers: bodies and headers as electrs sends them, and every failure as a
// one-line plain-text reason (400 for bad input, 404 for unknown things), never a stack trace.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AddressError } from '../address.ts';

/** An answer other than 200, with the plain-text body to send. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);

/** electrs's cache lifetimes: long for content addressed by hash, short for anything that can change. */
export const TTL_LONG = 157_784_630;
export const TTL_SHORT = 10;
export const TTL_MEMPOOL_RECENT = 5;

export function sendText(reply: FastifyReply, body: string, ttl = TTL_SHORT): FastifyReply {
  return reply.code(200).header('cache-control', `public, max-age=${ttl}`).header('content-type', 'text/plain').send(body);
}

// electrs sends bare content types; fastify would append '; charset=utf-8' to a JSON string, but
// leaves a Buffer's content type as set.

/** JSON serialised here, so the field order is the order the reader built each object in. */
export function sendJson(reply: FastifyReply, value: unknown, ttl = TTL_SHORT): FastifyReply {
  return sendJsonBody(reply, Buffer.from(JSON.stringify(value)), ttl);
}

/** A JSON body already serialised (e.g. from the response cache). */
export function sendJsonBody(reply: FastifyReply, body: Buffer, ttl = TTL_SHORT): FastifyReply {
  return reply.code(200).header('cache-control', `public, max-age=${ttl}`).header('content-type', 'application/json').send(body);
}

export function sendBinary(reply: FastifyReply, bytes: Uint8Array, ttl = TTL_SHORT): FastifyReply {
  return reply
    .code(200)
    .header('cache-control', `public, max-age=${ttl}`)
    .header('content-type', 'application/octet-stream')
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** electrs's reply to a malformed path parameter, by parameter name. */
const PARAM_ERRORS: Record<string, string> = {
  hash: 'Invalid hex string',
  txid: 'Invalid hex string',
  last_seen_txid: 'Invalid hex string',
  height: 'Invalid number',
  start_height: 'Invalid number',
  start_index: 'Invalid number',
  index: 'Invalid number',
  vout: 'Invalid number',
  scripthash: 'Invalid scripthash',
  address: 'Invalid Bitcoin address',
  prefix: 'Invalid address prefix',
};

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function replyError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('content-type', 'text/plain').send(message);
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof HttpError) return replyError(reply, err.statusCode, err.message);
  const fe = err as FastifyError;
  if (fe.validation && fe.validation.length > 0) {
    const v = fe.validation[0];
    const name = (v.instancePath ?? '').replace(/^\//, '') || String((v.params as { missingProperty?: string })?.missingProperty ?? '');
    return replyError(reply, 400, PARAM_ERRORS[name] ?? `Invalid ${name || 'request'}`);
  }
  // fastify's own refusals (some of them RangeErrors) keep their status.
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return replyError(reply, 413, 'Request body too large');
  if (typeof fe.code === 'string' && fe.code.startsWith('FST_') && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return replyError(reply, fe.statusCode, firstLine(err.message));
  }
  // The reader's and the address parser's refusals of malformed input, already one line each.
  if (err instanceof AddressError || err instanceof RangeError || err instanceof TypeError) {
    return replyError(reply, 400, firstLine(err.message));
  }
  request.log.error({ err }, 'esplora api: unexpected error');
  return replyError(reply, 500, 'Internal server error');
}

/** electrs's answer to a path it does not serve. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return replyError(reply, 404, `endpoint does not exist ${JSON.stringify(request.url.split('?', 1)[0])}`);
}

/** bitcoind's RPC error codes for the ledger's reasons to refuse a transaction. */
const RPC_CODES: Record<string, number> = {
  malformed: -22,
  'missing-input': -25,
  'double-spend': -26,
  value: -26,
  'immature-coinbase': -26,
  coinbase: -26,
  'too-large': -26,
  duplicate: -27,
  state: -26,
};

/**
 * The body electrs relays when bitcoind refuses a broadcast, e.g.
 * `sendrawtransaction RPC error: {"code":-25,"message":"bad-txns-inputs-missingorspent"}`.
 */
export function rpcErrorMessage(err: unknown, fallbackCode = -26): string {
  const e = err as { code?: unknown; rpcCode?: unknown; message?: unknown };
  const code = typeof e.rpcCode === 'number' ? e.rpcCode : typeof e.code === 'string' && e.code in RPC_CODES ? RPC_CODES[e.code] : fallbackCode;
  const message = firstLine(typeof e.message === 'string' && e.message ? e.message : String(err));
  return `sendrawtransaction RPC error: ${JSON.stringify({ code, message })}`;
}
