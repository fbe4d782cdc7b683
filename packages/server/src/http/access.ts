/**
 * Who may call what. Every route declares one access rule in its options
 * (`config: { access: 'public' | 'user' | 'admin' | 'owner' }`; reads default to public, anything
 * else without a rule is admin-only, so a forgotten rule fails closed — and the auth matrix test
 * walks the OpenAPI document to catch it). One onRequest hook enforces the rule for every route.
 *
 * Identities: an API key (`Authorization: Bearer ca_…`, role admin or user, see ApiKeyStore), the
 * operator token (CROWDALPHA_ADMIN_TOKEN: the admin role), or anonymous. Modes:
 * - keyless (no key ever created): today's behaviour — anyone may deploy and submit; operator
 *   routes need the operator token when one is configured, else they are open too;
 * - keyed (from the first key on): `user` routes need a key, `admin` routes an admin key or the
 *   operator token, `owner` routes (an agent's stop, removal, private stats) its owner's key, an
 *   admin, or the agent's manage key.
 */
import type { FastifyReply, FastifyRequest, RouteOptions, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from '../errors.js';
import type { ApiKeyStore, ApiKeySummary } from '../store/api-key-store.js';
import { manageKeyMatches, tokenMatches, type OperatorGuard } from './auth.js';
import { createHash } from 'node:crypto';
import { ErrorBodySchema } from '../schemas/common.js';

/**
 * `socket`: a WebSocket route that checks each of its actions itself (http/ws-auth.ts), with the key
 * from the upgrade request or from an `auth` message; the hook only refuses a malformed or unknown
 * credential on the upgrade request.
 */
export type AccessRule = 'public' | 'user' | 'admin' | 'owner' | 'socket';
export const ACCESS_RULES: readonly AccessRule[] = ['public', 'user', 'admin', 'owner', 'socket'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (see http/access.ts). */
    access?: AccessRule;
  }
}

export interface Identity {
  kind: 'anonymous' | 'operator' | 'key';
  role: 'admin' | 'user' | null;
  keyId: string | null;
  /** The key's holder (becomes `owner` of what it deploys); 'operator' for the token. */
  name: string | null;
}

/** The OpenAPI scheme of API keys (the same header as the operator token). */
export const API_KEY_SCHEME = 'apiKey';
export const apiKeySecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  description:
    'An API key (`ca_…`, created with `crowdalpha admin create-key` or POST /admin/keys). Role user: deploy and register strategies, submit configs, stop/remove/read own agents. Role admin: everything. The operator token (CROWDALPHA_ADMIN_TOKEN) is accepted as an admin key.',
} as const;

export const ANONYMOUS: Identity = { kind: 'anonymous', role: null, keyId: null, name: null };
const REALM = 'Bearer realm="CrowdAlpha"';

/** The rule of a route: its declared one, else public for reads and admin for anything else. */
export function accessRuleOf(method: string | string[], config: { access?: AccessRule } | undefined): AccessRule {
  if (config?.access) return config.access;
  const methods = Array.isArray(method) ? method : [method];
  return methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS') ? 'public' : 'admin';
}

type Presented = { identity: Identity } | { invalid: 'not-bearer' | 'unknown' };

export class AccessControl {
  private keyedCache = false;
  private readonly identities = new WeakMap<FastifyRequest, Presented>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly guard: OperatorGuard,
    private readonly operatorDigest: Buffer | null,
    private readonly options: { publicReads: boolean },
  ) {}

  static create(keys: ApiKeyStore, guard: OperatorGuard, adminToken: string | null, options: { publicReads: boolean }): AccessControl {
    const digest = adminToken === null ? null : createHash('sha256').update(adminToken, 'utf8').digest();
    return new AccessControl(keys, guard, digest, options);
  }

  /** Whether any API key was ever created: from then on the keyless mode is over (for good). */
  async keyed(): Promise<boolean> {
    if (this.keyedCache) return true;
    // Keys may be created by another process (the CLI) at any time: ask the store until one exists.
    this.keyedCache = await this.keys.any();
    return this.keyedCache;
  }

  /** Mark the keyless mode as over without asking the store (this process just created a key). */
  noteKeyCreated(): void {
    this.keyedCache = true;
  }

  /** Whether requests are checked at all: keys exist, or an operator token is configured. */
  async enforcing(): Promise<boolean> {
    return this.guard.enabled || (await this.keyed());
  }

  private async present(req: FastifyRequest): Promise<Presented> {
    const cached = this.identities.get(req);
    if (cached) return cached;
    let out: Presented;
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      out = { identity: ANONYMOUS };
    } else {
      const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (!m) out = { invalid: 'not-bearer' };
      else {
        const found = await this.identifySecret(m[1] as string);
        if (found) out = { identity: found };
        // Keyless and no operator token: an Authorization header has nothing to be checked against (as before).
        else if (!(await this.enforcing())) out = { identity: ANONYMOUS };
        else out = { invalid: 'unknown' };
      }
    }
    this.identities.set(req, out);
    return out;
  }

  /** The identity of a secret (an API key or the operator token), or null when it is neither. */
  async identifySecret(secret: string): Promise<Identity | null> {
    if (this.operatorDigest && tokenMatches(this.operatorDigest, secret)) return { kind: 'operator', role: 'admin', keyId: null, name: 'operator' };
    const key: ApiKeySummary | null = secret.length <= 512 ? await this.keys.findValid(secret) : null;
    return key ? { kind: 'key', role: key.role === 'admin' ? 'admin' : 'user', keyId: key.id, name: key.name } : null;
  }

  /** Whether market data may be read without a key right now (CROWDALPHA_PUBLIC_READS, or no key exists yet). */
  async readsOpen(): Promise<boolean> {
    return this.options.publicReads || !(await this.keyed());
  }

  /** The caller's identity; an unrecognised credential counts as anonymous here (public routes ignore it). */
  async identity(req: FastifyRequest): Promise<Identity> {
    const p = await this.present(req);
    return 'identity' in p ? p.identity : ANONYMOUS;
  }

  /** Admin rights: an admin key or the operator token, or anyone while nothing is enforced. */
  async isAdmin(req: FastifyRequest): Promise<boolean> {
    if (!(await this.enforcing())) return true;
    return (await this.identity(req)).role === 'admin';
  }

  private unauthorized(reply: FastifyReply, p: Presented, what: string): ApiError {
    const invalid = 'invalid' in p;
    reply.header('www-authenticate', invalid && p.invalid === 'unknown' ? `${REALM}, error="invalid_token"` : REALM);
    const why = !invalid
      ? 'the request had no Authorization header'
      : p.invalid === 'not-bearer'
        ? "the Authorization header is not of the form 'Bearer <key>'"
        : 'the key sent is not a valid API key (revoked, rotated, mistyped) nor the operator token';
    return new ApiError(
      'CA_ERR_UNAUTHORIZED',
      `${what} needs 'Authorization: Bearer <token>' with an API key (ask an admin: crowdalpha admin create-key) or the operator token (CROWDALPHA_ADMIN_TOKEN); ${why}`,
    );
  }

  /** The onRequest hook enforcing each route's rule (before the body is parsed). */
  readonly hook: onRequestAsyncHookHandler = async (req, reply) => {
    const rule = accessRuleOf(req.method, req.routeOptions.config as { access?: AccessRule } | undefined);
    if (rule === 'owner') return; // the route checks the agent's owner itself (authorizeAgent)
    const what = `${req.method} ${req.routeOptions.url ?? req.url}`;
    if (rule === 'socket') {
      // Each action is checked by the route (http/ws-auth.ts); a credential sent must still be a valid one.
      const p = await this.present(req);
      if ('invalid' in p) throw this.unauthorized(reply, p, `${what} (the upgrade request's credential)`);
      return;
    }
    if (rule === 'public') {
      if (this.options.publicReads || !(await this.keyed())) return;
      const p = await this.present(req);
      if ('identity' in p && p.identity.role !== null) return;
      throw this.unauthorized(reply, p, `${what} (reads need a key on this server: CROWDALPHA_PUBLIC_READS=false)`);
    }
    if (rule === 'user') {
      if (!(await this.keyed())) return;
      const p = await this.present(req);
      if ('identity' in p && p.identity.role !== null) return;
      throw this.unauthorized(reply, p, what);
    }
    // admin
    if (!(await this.enforcing())) return;
    const p = await this.present(req);
    if ('identity' in p && p.identity.role === 'admin') return;
    if ('identity' in p && p.identity.role === 'user') {
      throw new ApiError('CA_ERR_FORBIDDEN', `${what} is for admins; the key sent (${p.identity.keyId}, ${p.identity.name}) has the role user`, { rule: 'role admin' });
    }
    throw this.unauthorized(reply, p, `${what} is an admin route: it`);
  };

  /**
   * May this request act on (stop, remove, read the private stats of) an agent? An admin, the key
   * that deployed it, or the agent's manage key; anyone while nothing is enforced. Answers how the
   * caller was recognised, or throws 401/403.
   */
  async authorizeAgent(
    req: FastifyRequest,
    reply: FastifyReply,
    agent: { agent_id: string; owner_key_id?: string | null; manage_key_hash?: string | null } | null,
    action: string,
  ): Promise<'operator' | 'owner' | 'anyone'> {
    const id = agent?.agent_id ?? '';
    const p = await this.present(req);
    if ('identity' in p && p.identity.role === 'admin') return 'operator';
    if ('identity' in p && p.identity.keyId !== null && agent?.owner_key_id === p.identity.keyId) return 'owner';
    const header = req.headers['x-manage-key'];
    const presented = typeof header === 'string' && header.trim() !== '' ? header.trim() : null;
    if (presented !== null && manageKeyMatches(agent?.manage_key_hash, presented)) return 'owner';
    // A wrong manage key for an agent that has one is refused in every mode: a key was presented and it is not that key.
    if (presented !== null && agent?.manage_key_hash) {
      throw new ApiError('CA_ERR_FORBIDDEN', `the X-Manage-Key sent is not the manage key of agent ${id}; send the manage_key returned when ${id} was deployed, or its owner's or an admin's key as 'Authorization: Bearer <token>'`, { field: 'X-Manage-Key', rule: 'manage key of this agent' });
    }
    if (!(await this.enforcing())) return 'anyone';
    if (presented !== null) {
      const msg = agent?.manage_key_hash
        ? `the X-Manage-Key sent is not the manage key of agent ${id}; send the manage_key returned when ${id} was deployed, or its owner's or an admin's key as 'Authorization: Bearer <token>'`
        : `agent ${id} has no manage key (it was not deployed through the API); only the operator (an admin key or the operator token) can ${action} it`;
      throw new ApiError('CA_ERR_FORBIDDEN', msg, { field: 'X-Manage-Key', rule: 'manage key of this agent' });
    }
    if ('identity' in p && p.identity.role === 'user') {
      throw new ApiError('CA_ERR_FORBIDDEN', `agent ${id} belongs to another owner: only the key that deployed it, its manage key or an admin may ${action} it`, { rule: 'owner or admin' });
    }
    throw this.unauthorized(reply, p, `to ${action} agent ${id}, the request needs its manage key as 'X-Manage-Key: <manage_key>' (returned once when it was deployed), or`);
  }
}

/**
 * OpenAPI for a route's rule, as the server starts: the schemes that satisfy it (the operator
 * token when one is configured, API keys once they exist, an agent's manage key for owner routes)
 * and its 401/403 answers. Routes that nothing guards in this configuration get no requirement.
 */
export function documentAccess(route: RouteOptions, mode: { keyed: boolean; token: boolean }): void {
  const rule = accessRuleOf(route.method, route.config as { access?: AccessRule } | undefined);
  if (rule === 'public' || rule === 'socket' || !route.schema) return;
  const enforced = rule === 'user' ? mode.keyed : mode.keyed || mode.token;
  if (!enforced) return;
  const schema = route.schema as { security?: unknown; response?: Record<string, unknown>; description?: string };
  const note =
    rule === 'admin'
      ? 'Admin only: an admin API key or the operator token as `Authorization: Bearer …` (401 without, 403 with a user key).'
      : rule === 'user'
        ? 'Needs an API key (`Authorization: Bearer …`) once the server has keys (401 without).'
        : "Its owner's API key, the agent's manage key (X-Manage-Key) or an admin (401 without credentials, 403 with someone else's).";
  if (!schema.description?.includes(note)) schema.description = schema.description ? `${schema.description}\n\n${note}` : note;
  const schemes: Array<Record<string, never[]>> = [];
  if (mode.token && rule !== 'user') schemes.push({ operatorToken: [] });
  if (mode.keyed) schemes.push({ [API_KEY_SCHEME]: [] });
  if (rule === 'owner') schemes.push({ manageKey: [] });
  schema.security ??= schemes;
  schema.response = { ...(schema.response ?? {}), 401: ErrorBodySchema, 403: ErrorBodySchema };
}
