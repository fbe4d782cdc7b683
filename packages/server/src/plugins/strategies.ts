/**
 * GET/POST /strategies, POST /strategies/user, GET /strategies/{agent_id}/stats,
 * GET /strategies/leaderboard, POST /strategies/{agent_id}/stop: strategy types, live agents,
 * deployment, per-agent figures and withdrawing one agent.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { deployRateLimit, ensureAgentRoom as agentRoom } from '../http/limits.js';
import { ApiError, apiError } from '../errors.js';
import type { AgentConfigRecord, StoppedBy } from '../hub/agent-deployer.js';
import {
  AgentStatsResponse,
  AgentStatsWire,
  DeployResponse,
  LeaderboardResponse,
  StopResponse,
  StrategiesResponse,
  UserStrategyResponse,
  toSnakeKeys,
  type AgentStatsResponse as AgentStatsBody,
  type StrategiesResponse as Strategies,
} from '@crowdalpha/engine/wire';
import { ErrorBodySchema, errorResponses } from '../schemas/common.js';
import { AgentIdParams, DeployBody, ManageKeyField, ManageKeyHeaders, StopBody, UserStrategyBody } from '../schemas/strategies.js';

/** Optional body: none means no reason. */
async function emptyBodyIsEmptyObject(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}

/** The status reason a stop leaves on the agent. */
export function stopReason(by: StoppedBy, reason: string | undefined): string {
  const who = by === 'operator' ? 'stopped by the operator' : by === 'owner' ? 'stopped by its owner' : 'stopped';
  const why = reason?.trim();
  return why ? `${who}: ${why}` : who;
}

export const strategiesPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, deployer, store, access } = ctx;
  const market = hub.market;
  /** Who a stop request was authorised as, set by its onRequest check. */
  const stopAuth = new WeakMap<FastifyRequest, StoppedBy>();

  /**
   * Credentials for acting on one agent, checked before the body is parsed (http/access.ts): an
   * admin (key or operator token), the key that deployed it, or its manage key; anyone while the
   * server enforces nothing (no keys, no operator token).
   */
  const authorizeAgentAction = (action: string) => async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const id = (req.params as { agent_id?: string }).agent_id ?? '';
    if (!market.hasAgent(id)) throw apiError('CA_ERR_NOT_FOUND', 'agent', id).at('agent_id', 'exists');
    const row = await store.getAgent(hub.simulationId, id);
    stopAuth.set(req, await access.authorizeAgent(req, reply, row ?? { agent_id: id }, action));
  };

  const ensureAgentRoom = (keyId: string | null): Promise<void> => agentRoom(ctx, keyId);

  /** Who the caller is when it deploys: with a key, the key's holder owns the agent (body `owner` is ignored). */
  const ownerOf = async (req: FastifyRequest, fallback: string | undefined): Promise<{ owner: string | null; keyId: string | null }> => {
    const who = await access.identity(req);
    return who.kind === 'key' ? { owner: who.name, keyId: who.keyId } : { owner: fallback ?? null, keyId: null };
  };

  app.get(
    '/strategies',
    {
      schema: {
        tags: ['strategies'],
        summary: 'Strategy types (built-in and registered user strategies) and the live agents',
        response: { 200: StrategiesResponse },
      },
    },
    async (): Promise<Strategies> => {
      const rows = new Map((await store.listAgents(hub.simulationId)).map((r) => [r.agent_id, r]));
      const agents = market.allAgentStats().map((s) => {
        const row = rows.get(s.agent_id);
        return {
          agent_id: s.agent_id,
          strategy_type: s.strategy_type,
          kind: (row?.kind ?? 'builtin') as Strategies['agents'][number]['kind'],
          owner: row?.owner ?? null,
          strategy_version: deployment(row)?.strategy_version ?? null,
          status: s.status,
          status_reason: s.status_reason,
          inventory: s.inventory,
          pnl: Math.round(s.pnl * 100) / 100,
          config: deployer.configOf(s.strategy_type, row),
        };
      });
      const info = await deployer.strategyTypes();
      return { strategy_types: info.map((t) => t.type), strategy_type_info: info, agents };
    },
  );

  app.post<{ Body: DeployBody }>(
    '/strategies',
    {
      config: { access: 'user', ...deployRateLimit(ctx.options) },
      schema: {
        tags: ['strategies'],
        summary: 'Deploy a built-in strategy type into the live market',
        body: DeployBody,
        response: {
          201: DeployResponse,
          ...errorResponses(400, 404, 409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const who = await ownerOf(req, b.owner);
      await ensureAgentRoom(who.keyId);
      const { row, manageKey, modelId } = await deployer.deployBuiltin({
        type: b.strategy_type,
        agentId: b.agent_id,
        params: b.config ?? {},
        owner: who.owner,
        ...(b.model !== undefined ? { model: b.model } : {}),
      });
      if (who.keyId) await store.setAgentOwnerKey(hub.simulationId, row.agent_id, who.keyId);
      req.log.info({ agentId: row.agent_id, strategy: row.strategy, modelId, keyId: who.keyId }, 'agent deployed');
      return reply.code(201).send({
        agent_id: row.agent_id,
        strategy_type: row.strategy,
        config: deployer.configOf(row.strategy, row),
        tick: row.created_tick,
        manage_key: manageKey,
        ...(modelId ? { model_id: modelId } : {}),
      });
    },
  );

  app.post<{ Body: UserStrategyBody }>(
    '/strategies/user',
    {
      config: { access: 'user', ...deployRateLimit(ctx.options) },
      schema: {
        tags: ['strategies'],
        summary: 'Register a user strategy (or a new version of it) and optionally deploy it',
        description:
          'The code is validated (type-checked against the SDK) and probe-started by the sandbox before it is stored. Registering a name again with other code adds the next version ' +
          '(a name registered with an owner takes versions from that owner only, else 409); identical code reuses its version. Every version stays listed in GET /strategies. ' +
          'With deploy=true an agent running that version joins the market; config.params naming an option the code never reads is refused (400). Answers 501 when the sandbox is not available on this server.',
        body: UserStrategyBody,
        response: {
          201: UserStrategyResponse,
          ...errorResponses(400, 409, 413, 415, 501),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const config: { timeout_ms?: number; params?: Record<string, unknown> } = {};
      if (b.config?.timeout_ms !== undefined) config.timeout_ms = b.config.timeout_ms;
      if (b.config?.params !== undefined) config.params = b.config.params;
      const who = await ownerOf(req, b.owner);
      if (b.deploy) await ensureAgentRoom(who.keyId);
      const out = await deployer.registerUserStrategy({ name: b.strategy_name, code: b.code, language: b.language, deploy: b.deploy ?? false, agentId: b.agent_id, config, owner: who.owner });
      if (who.keyId) {
        await store.setUserStrategyOwnerKey(b.strategy_name, who.keyId);
        if (out.agent_id) await store.setAgentOwnerKey(hub.simulationId, out.agent_id, who.keyId);
      }
      req.log.info({ registered: out.registered, deployed: out.deployed, agentId: out.agent_id }, 'user strategy registered');
      return reply.code(201).send(out);
    },
  );

  app.get(
    '/strategies/leaderboard',
    {
      schema: {
        tags: ['strategies'],
        summary: 'Active agents by full-run Sharpe (sharpe_full desc, nulls last, ties by id), then silenced and stopped ones',
        description:
          'Each row has extra.rank_group: "active" rows come first and are the ranking; "inactive" rows (silenced by the sandbox or stopped) follow in the same order, listed apart because a frozen position keeps moving their figures.',
        response: { 200: LeaderboardResponse },
      },
    },
    async (_req, reply) =>
      reply.type('application/json; charset=utf-8').send(
        market.cached('leaderboard', () => reply.serialize({ tick: market.tick, leaderboard: rankActiveFirst(market.leaderboard()) }) as string),
      ),
  );

  app.get<{ Params: AgentIdParams }>(
    '/strategies/:agent_id/stats',
    {
      schema: {
        tags: ['strategies'],
        summary: "One agent's accounting, status (and why it went silent), diagnostics and its own alpha-decay fit (alpha_decay)",
        description: "Public for the default population and keyless deploys; an agent deployed with an API key is private to that key and admins (401/403 for others).",
        params: AgentIdParams,
        response: { 200: AgentStatsResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply): Promise<AgentStatsBody> => {
      const id = req.params.agent_id;
      const stats = market.agentStats(id);
      if (!stats) throw apiError('CA_ERR_NOT_FOUND', 'agent', id).at('agent_id', 'exists');
      // An agent deployed with an API key is its owner's: its figures are private to them and admins.
      const row = await store.getAgent(hub.simulationId, id);
      if (row?.owner_key_id) await access.authorizeAgent(req, reply, row, 'read the stats of');
      return {
        ...stats,
        tick: market.tick,
        diagnostics: market.agentDiagnostics(id),
        alpha_decay: market.agentDecay(id),
        learning_curve: market.agentLearningCurve(id),
        // Sandboxed agents: why orders were dropped, the console tail, the last fault at line:column.
        sandbox_details: deployer.sandboxDetails(id),
        // What the agent says it does (factorVector()), beside what the market observes (/analytics/factor-space).
        declared_factors: market.declaredFactors(id),
        // What was deployed: strategy name and version, params, timeout (null for the default population).
        deployment: toSnakeKeys<AgentStatsBody['deployment']>(deployment(await store.getAgent(hub.simulationId, id))),
      };
    },
  );

  app.post<{ Params: AgentIdParams; Body: StopBody }>(
    '/strategies/:agent_id/stop',
    {
      config: { access: 'owner' },
      onRequest: authorizeAgentAction('stop'),
      preValidation: emptyBodyIsEmptyObject,
      schema: {
        tags: ['strategies'],
        summary: 'Stop one agent: it is silenced with the reason, its resting orders are cancelled on the next tick, and its position is flattened or frozen',
        description:
          "Needs the API key that deployed the agent, an admin's (or the operator token), or the agent's manage key (header X-Manage-Key, returned once by the deploy that created it). " +
          'On a server without keys or operator token a request without X-Manage-Key may stop any agent; a wrong X-Manage-Key is 403 in any mode. Agents without a manage key or owner (the default population) ' +
          'can then be stopped only by an admin. The stop is kept across restarts and resets. 401 without credentials, 403 with someone else\'s, 404 unknown agent, 409 already silenced.',
        params: AgentIdParams,
        headers: ManageKeyHeaders,
        body: StopBody,
        response: {
          200: StopResponse,
          401: ErrorBodySchema,
          ...errorResponses(400, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const id = req.params.agent_id;
      const by = stopAuth.get(req) ?? 'anyone';
      const position = req.body.position ?? 'freeze';
      const stats = await deployer.stopAgent(id, { reason: stopReason(by, req.body.reason), by, position });
      req.log.info({ agentId: id, by }, 'agent stop requested');
      return { agent_id: id, stopped: true as const, stopped_by: by, position, stats };
    },
  );

  app.delete<{ Params: AgentIdParams }>(
    '/strategies/:agent_id',
    {
      config: { access: 'owner' },
      onRequest: authorizeAgentAction('remove'),
      schema: {
        tags: ['strategies'],
        summary: 'Remove one agent from the market: stopped (orders cancelled on the next tick, position frozen) and taken out of the roster for good',
        description:
          'The same credentials as stop. Afterwards the agent is in no agent list, leaderboard, crowding view or event, its stats are 404 and its id is not taken again in this run; ' +
          'the removal survives restarts and is not carried into the next run by a reset. Its history (fills, snapshots, its row in GET /simulations/{id}) stays in the stored run. ' +
          'Works on a stopped or silenced agent too; POST /strategies/{agent_id}/stop is the stop that keeps the agent listed. 404 unknown or already removed.',
        params: AgentIdParams,
        response: {
          200: Type.Object({ agent_id: Type.String(), removed: Type.Literal(true), removed_by: Type.String({ description: 'operator | owner | anyone' }), stats: AgentStatsWire }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const id = req.params.agent_id;
      const by = stopAuth.get(req) ?? 'anyone';
      const stats = await deployer.removeAgent(id, { reason: stopReason(by, undefined).replace(/^stopped/, 'removed'), by });
      return { agent_id: id, removed: true as const, removed_by: by, stats };
    },
  );
};

/** Active agents first (the ranking, by full-run Sharpe), then silenced and stopped ones in the same order. */
export function rankActiveFirst<T extends { agent_id: string; status: string; sharpe_full?: number | null; extra: Record<string, unknown> }>(rows: T[]): T[] {
  const tag = (row: T, group: string): T => ({ ...row, extra: { ...row.extra, rank_group: group } });
  // Full-run Sharpe, best first, agents without one last, ties by id.
  const key = (r: T): number => (typeof r.sharpe_full === 'number' && Number.isFinite(r.sharpe_full) ? r.sharpe_full : -Infinity);
  const byFullSharpe = (a: T, b: T): number => key(b) - key(a) || (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0);
  const active = rows.filter((r) => r.status === 'active').sort(byFullSharpe);
  const inactive = rows.filter((r) => r.status !== 'active').sort(byFullSharpe);
  return [...active.map((r) => tag(r, 'active')), ...inactive.map((r) => tag(r, 'inactive'))];
}

/** The deploy record on an agent's row (user strategies: name, version, params, timeout). */
function deployment(row: { config: string } | null | undefined): AgentConfigRecord | null {
  if (!row) return null;
  try {
    return JSON.parse(row.config) as AgentConfigRecord;
  } catch {
    return null;
  }
}
