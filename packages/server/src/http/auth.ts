/**
 * The operator token (CROWDALPHA_ADMIN_TOKEN). Routes that steer the shared market (control,
 * submission review) and /metrics wrap their options in `guard.protect(...)`: with a token
 * configured they answer 401 CA_ERR_UNAUTHORIZED unless the request carries
 * `Authorization: Bearer <token>`; without one they behave exactly as before. Strategy authors'
 * routes (deploy, submit) are never wrapped: the dashboard's Deploy page is for them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, FastifySchema, onRequestAsyncHookHandler } from 'fastify';
import { apiError } from '../errors.js';
import { ErrorBodySchema } from '../schemas/common.js';

/** The OpenAPI security scheme name used on protected routes. */
export const OPERATOR_SCHEME = 'operatorToken';

export const operatorSecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  description:
    'The operator token the server was started with (CROWDALPHA_ADMIN_TOKEN). Required by market control, submission review and /metrics when the server has one; the other routes never need it.',
} as const;

export const REALM = 'Bearer realm="CrowdAlpha operator"';

/** The OpenAPI security scheme of an agent's manage key (POST /strategies/{agent_id}/stop). */
export const MANAGE_KEY_SCHEME = 'manageKey';
export const MANAGE_KEY_HEADER = 'X-Manage-Key';

export const manageKeySecurityScheme = {
  type: 'apiKey',
  in: 'header',
  name: MANAGE_KEY_HEADER,
  description:
    "An agent's manage key: returned once, as manage_key, by the deploy that created the agent (POST /strategies, POST /strategies/user with deploy, approve with deploy). Lets its holder stop that agent.",
} as const;

/** A new manage key (32 random bytes, base64url) and the SHA-256 (hex) the server keeps instead of it. */
export function newManageKey(): { key: string; hash: string } {
  const key = randomBytes(32).toString('base64url');
  return { key, hash: digest(key).toString('hex') };
}

/** Compared against when an agent has no key, so a refusal costs the same either way. */
const NO_KEY = randomBytes(32);

/** Constant-time check of a presented manage key against the stored digest (false when there is none). */
export function manageKeyMatches(storedHash: string | null | undefined, presented: string): boolean {
  const valid = typeof storedHash === 'string' && /^[0-9a-f]{64}$/.test(storedHash);
  const same = timingSafeEqual(valid ? Buffer.from(storedHash, 'hex') : NO_KEY, digest(presented));
  return valid && same;
}

export type TokenCheck = 'ok' | 'missing' | 'not-bearer' | 'wrong';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares the presented token with the expected digest in constant time. Both sides are SHA-256
 * digests, so the comparison never depends on (or leaks) the token's length.
 */
export function tokenMatches(expected: Buffer, presented: string): boolean {
  return timingSafeEqual(expected, digest(presented));
}

export interface RouteOptionsLike {
  schema?: FastifySchema & { description?: string; response?: Record<string | number, unknown> };
  onRequest?: unknown;
}

export class OperatorGuard {
  private readonly expected: Buffer | null;

  constructor(token: string | null) {
    this.expected = token === null ? null : digest(token);
  }

  /** Whether a token is configured (operator routes are closed to anonymous callers). */
  get enabled(): boolean {
    return this.expected !== null;
  }

  check(req: FastifyRequest): TokenCheck {
    if (this.expected === null) return 'ok';
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') return 'missing';
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m) return 'not-bearer';
    return tokenMatches(this.expected, m[1] as string) ? 'ok' : 'wrong';
  }

  /** True when no token is configured, or the request carries the right one. */
  isOperator(req: FastifyRequest): boolean {
    return this.check(req) === 'ok';
  }

  /** onRequest hook: runs before body parsing, so an anonymous caller learns nothing from validation errors. */
  readonly hook: onRequestAsyncHookHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    const result = this.check(req);
    if (result === 'ok') return;
    // RFC 6750 §3: a challenge on every 401; error="invalid_token" only when a token was sent.
    reply.header('www-authenticate', result === 'wrong' ? `${REALM}, error="invalid_token"` : REALM);
    const why =
      result === 'missing'
        ? 'the request had no Authorization header'
        : result === 'not-bearer'
          ? "the Authorization header is not of the form 'Bearer <token>'"
          : 'the token sent does not match';
    throw apiError('CA_ERR_UNAUTHORIZED', why);
  };

  /**
   * Route options for an operator route: the admin access rule (see http/access.ts, which checks
   * the operator token or an admin API key and documents the requirement in the OpenAPI document).
   */
  protect<T extends RouteOptionsLike>(route: T): T {
    const r = route as T & { config?: Record<string, unknown> };
    return { ...r, config: { ...(r.config ?? {}), access: 'admin' } };
  }
}

/** True for addresses only this machine can reach; anything else exposes the operator routes. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The start-up warning for a server reachable from other machines with no operator token, or null. */
export function openOperatorWarning(options: { host: string; adminToken: string | null }): string | null {
  if (options.adminToken !== null || isLoopbackHost(options.host)) return null;
  return (
    `operator endpoints (POST /market/control, submission approve/reject, GET /metrics) are open to anyone who can reach ${options.host}: ` +
    'set CROWDALPHA_ADMIN_TOKEN to a secret (e.g. `openssl rand -hex 32`) so they require "Authorization: Bearer <token>"'
  );
}
