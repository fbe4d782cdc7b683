/**
 * Every error response has the documented body `{ "error": { "code", "message", ... } }`, also the
 * ones Fastify and its plugins write themselves: URL errors the router raises before any route runs
 * (`frameworkErrors`: bad percent-encoding, over-long path parameters), and — as a last net — any
 * 4xx/5xx whose body is not already that shape (e.g. @fastify/cors's plain-text "Invalid Preflight
 * Request"), rewritten in an onSend hook with a code chosen by status.
 */
import type { FastifyError, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { ApiError, type ErrorCode } from '../errors.js';

/** The catalogue code for a status when the writer of the response did not choose one. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'CA_ERR_UNAUTHORIZED';
  if (status === 403) return 'CA_ERR_FORBIDDEN';
  if (status === 404) return 'CA_ERR_ROUTE_NOT_FOUND';
  if (status === 413) return 'CA_ERR_BODY_TOO_LARGE';
  if (status === 415) return 'CA_ERR_UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'CA_ERR_RATE_LIMITED';
  if (status === 503) return 'CA_ERR_UNAVAILABLE';
  if (status >= 500) return 'CA_ERR_INTERNAL';
  return 'CA_ERR_BAD_REQUEST';
}

const pathOf = (req: FastifyRequest): string => (req.raw.url ?? req.url).split('?')[0] ?? '';

/** Fastify's `frameworkErrors` option: router-level failures in the catalogue's shape. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const path = JSON.stringify(pathOf(req).slice(0, 200));
  let api: ApiError;
  if (err.code === 'FST_ERR_BAD_URL') {
    api = new ApiError('CA_ERR_BAD_REQUEST', `the URL path ${path} is not valid: it has a malformed percent-encoding (e.g. %zz); encode reserved characters as %XX with two hex digits`, {
      field: 'url',
      rule: 'percent-encoding',
    });
  } else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    api = new ApiError('CA_ERR_BAD_REQUEST', `a path parameter of ${path} is too long; ids in paths are at most 100 characters`, { field: 'url', rule: 'maxParamLength' });
  } else {
    api = new ApiError('CA_ERR_BAD_REQUEST', `the request could not be routed (${err.code ?? 'bad request'}); see /docs for the API`);
  }
  void reply.code(api.statusCode).type('application/json; charset=utf-8').send(api.toBody());
}

/**
 * True when the body may stay: our error shape, or a route's own documented JSON (e.g. /health's
 * and /ready's 503 bodies). Not: text, or Fastify's default `{statusCode, error, message}`.
 */
function hasErrorShape(payload: unknown): boolean {
  if (typeof payload !== 'string') return false;
  try {
    const body = JSON.parse(payload) as { error?: unknown; statusCode?: unknown; message?: unknown } | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
    return !(typeof body.error === 'string' && typeof body.statusCode === 'number');
  } catch {
    return false;
  }
}

/** Plugins' own short texts, said the way the catalogue says things. */
function messageFor(status: number, req: FastifyRequest, original: string): string {
  const text = original.trim().slice(0, 200);
  if (text === 'Invalid Preflight Request') {
    return `a CORS preflight (OPTIONS ${pathOf(req)}) needs the headers Origin and Access-Control-Request-Method`;
  }
  if (status === 403 || text === 'Forbidden') return `the path ${JSON.stringify(pathOf(req).slice(0, 200))} is not allowed (it is malformed or leaves the served directory)`;
  if (status === 404) return `no route ${req.method} ${pathOf(req).slice(0, 200)}; see /docs for the API`;
  return text ? `${text} (${req.method} ${pathOf(req).slice(0, 200)})` : `request refused with status ${status}`;
}

/**
 * onSend: rewrites an error response that is not in the documented shape; leaves others untouched.
 * Callback style, not async: every response passes here, and a success costs one comparison
 * instead of a promise per request.
 */
export const enforceErrorShape: onSendHookHandler<unknown> = (req, reply, payload, done) => {
  if (reply.statusCode < 400) return done(null, payload);
  done(null, errorShaped(req, reply, payload));
};

function errorShaped(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  const status = reply.statusCode;
  if (hasErrorShape(payload)) return payload;
  // A streamed body (a file) with an error status is not ours to rewrite; none exist today.
  if (payload !== null && payload !== undefined && typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  const original = payload === null || payload === undefined ? '' : payload.toString();
  const api = new ApiError(codeForStatus(status), messageFor(status, req, original));
  reply.type('application/json; charset=utf-8');
  reply.removeHeader('content-length');
  return JSON.stringify(api.toBody());
}
