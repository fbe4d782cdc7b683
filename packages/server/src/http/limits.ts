/**
 * Quotas of a shared server: live agents per owner and in total, stored submissions per owner.
 * Rate limits (per key, else per IP; stricter on deploys and registrations) are @fastify/rate-limit
 * with the bucket chosen here; WebSocket connections per IP are counted in plugins/ws.ts. Every
 * refusal is 429 with a Retry-After header and names the setting that would raise the limit.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { ServerContext } from '../context.js';
import type { AccessControl } from './access.js';

/** The rate-limit bucket of a request: its API key when it carries a valid one, else its IP. */
export function rateLimitBucket(access: AccessControl) {
  return async (req: FastifyRequest): Promise<string> => {
    const who = await access.identity(req);
    return who.keyId ? `key:${who.keyId}` : `ip:${req.ip}`;
  };
}

/** Seconds a client should wait before a quota might have room again (an agent stopping, a review). */
export const QUOTA_RETRY_AFTER_S = 60;

export function quotaError(message: string, setting: string): ApiError {
  return new ApiError('CA_ERR_LIMIT_REACHED', `${message}; stop or remove one first, or ask the operator to raise ${setting}`, { rule: setting });
}

/**
 * Refuses a deploy that would exceed the total (CROWDALPHA_MAX_AGENTS) or the owner's
 * (CROWDALPHA_MAX_AGENTS_PER_USER) number of live (active) agents. Keyless deploys have no owner
 * identity and count only towards the total.
 */
export function checkAgentQuota(input: {
  liveAgents: number;
  ownersLiveAgents: number | null;
  maxAgents: number;
  maxAgentsPerUser: number;
}): void {
  if (input.liveAgents >= input.maxAgents) {
    throw quotaError(`the market already has ${input.liveAgents} live agents, the limit`, 'CROWDALPHA_MAX_AGENTS');
  }
  if (input.ownersLiveAgents !== null && input.ownersLiveAgents >= input.maxAgentsPerUser) {
    throw quotaError(`your key already has ${input.ownersLiveAgents} live agents, the limit per user`, 'CROWDALPHA_MAX_AGENTS_PER_USER');
  }
}

/** Room for one more live agent (REST deploys, WS joins): the total cap, and the caller's own when it uses a key. */
export async function ensureAgentRoom(ctx: Pick<ServerContext, 'hub' | 'store' | 'options'>, keyId: string | null): Promise<void> {
  const { hub, store, options } = ctx;
  const live = new Set(hub.market.allAgentStats().filter((a) => a.status === 'active').map((a) => a.agent_id));
  const mine = keyId === null ? null : (await store.listAgents(hub.simulationId)).filter((r) => r.owner_key_id === keyId && live.has(r.agent_id)).length;
  checkAgentQuota({ liveAgents: live.size, ownersLiveAgents: mine, maxAgents: options.maxAgents, maxAgentsPerUser: options.maxAgentsPerUser });
}

/** Route config of deploys, registrations, submissions and uploads: the stricter rate limit, when set. */
export function deployRateLimit(o: { deployRateLimitMax: number; rateLimitWindowMs: number }): { rateLimit?: { max: number; timeWindow: number } } {
  return o.deployRateLimitMax > 0 ? { rateLimit: { max: o.deployRateLimitMax, timeWindow: o.rateLimitWindowMs } } : {};
}
