// The store's one error shape, `{error: {code, message}}`, on every error a store listener answers:
// our own ServiceErrors, fastify's (validation, body too large, bad JSON, bad content type), unknown
// routes, requests that arrive while the server closes, and the connection-level errors node's HTTP
// server answers by itself (request timeout, header overflow, unparseable request).
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { httpStatusFor } from '../lib/store-client/errors.js';
import type { StoreErrorBody, StoreErrorCode } from '../lib/store-client/protocol.js';
import { ServiceError } from './service.js';

export function errorBody(code: StoreErrorCode, message: string, extra: ServiceError['extra'] = {}): StoreErrorBody {
  return { error: { code, message, ...extra } };
}

/** Fastify constructor options that keep fastify from answering errors in its own shape. */
export const ERROR_SHAPE_OPTIONS = {
  // Fastify's own 503 while closing has a body of another shape; our onRequest hook answers instead.
  return503OnClosing: false,
  clientErrorHandler: answerClientError,
} satisfies FastifyServerOptions;

/** Installs the handlers that give every error answer of `app` the store's shape. */
export function installErrorShape(app: FastifyInstance, opts: { bodyLimit: number }): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_req, reply) => {
    if (!closing) return;
    // Not handled at all, so safe to retry elsewhere.
    reply.header('connection', 'close');
    return reply.code(503).send(errorBody('stopped', 'the member is shutting down'));
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err, opts.bodyLimit));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorBody('notFound', `no such endpoint: ${req.method} ${req.url}`));
  });
}

export function sendError(reply: FastifyReply, err: unknown, bodyLimit: number): FastifyReply {
  if (err instanceof ServiceError) return reply.code(httpStatusFor(err.code)).send(errorBody(err.code, err.message, err.extra));
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (e.validation) return reply.code(400).send(errorBody('badRequest', `invalid request: ${e.message}`));
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Answer only once the client has finished sending (within bounds): answering mid-upload makes
    // node close the socket under the client, which sees EPIPE instead of the 413.
    drainThen(reply.request.raw, () => void reply.code(413).send(errorBody('requestTooLarge', `request is larger than ${bodyLimit} bytes`)));
    return reply;
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return reply.code(e.statusCode).send(errorBody('badRequest', e.message ?? 'bad request'));
  reply.log.error({ err }, 'internal error');
  return reply.code(500).send(errorBody('internal', e.message ?? String(err)));
}

/** Node's HTTP server reports malformed or too-slow requests here, before any route runs. */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const reason = status === 408 ? 'the request was not received in time' : status === 431 ? 'request headers are too large' : `malformed HTTP request (${err.code ?? err.message})`;
  const body = JSON.stringify(errorBody('badRequest', reason));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

/** How much of an oversized request body is read and discarded before answering, and for how long. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_LIMIT_MS = 2000;

function drainThen(req: IncomingMessage, answer: () => void): void {
  if (req.complete || req.destroyed) return answer();
  let seen = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.removeListener('data', onData);
    answer();
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT_BYTES) finish();
  };
  const timer = setTimeout(finish, DRAIN_LIMIT_MS);
  req.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
  req.resume();
}
