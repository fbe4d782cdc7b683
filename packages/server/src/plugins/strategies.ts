/**
 * GET/POST /strategies, POST /strategies/user, GET /strategies/{agent_id}/stats,
 * GET /strategies/leaderboard: strategy types, live agents, deployment and per-agent figures.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { apiError } from '../errors.js';
import { EngineJson, errorResponses } from '../schemas/common.js';
import { AgentIdParams, DeployBody, UserStrategyBody } from '../schemas/strategies.js';

export const strategiesPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, store } = ctx;

  app.get(
    '/strategies',
    {
      schema: {
        tags: ['strategies'],
        summary: 'Strategy types (built-in and registered user strategies) and the live agents',
        response: {
          200: Type.Object({
            strategy_types: Type.Array(EngineJson('{type, kind, description, params}')),
            agents: Type.Array(
              Type.Object(
                {
                  agent_id: Type.String(),
                  strategy_type: Type.String(),
                  kind: Type.String({ description: 'builtin | deployed | user' }),
                  owner: Type.Union([Type.String(), Type.Null()]),
                  status: Type.String(),
                  status_reason: Type.Union([Type.String(), Type.Null()]),
                  inventory: Type.Number(),
                  pnl: Type.Number(),
                },
                { additionalProperties: true },
              ),
            ),
          }),
        },
      },
    },
    async () => {
      const rows = new Map((await store.listAgents(hub.simulationId)).map((r) => [r.agent_id, r]));
      const agents = hub.sim.allAgentStats().map((s) => {
        const row = rows.get(s.agent_id);
        return {
          agent_id: s.agent_id,
          strategy_type: s.strategy,
          kind: row?.kind ?? 'builtin',
          owner: row?.owner ?? null,
          status: s.status,
          status_reason: s.status_reason,
          inventory: s.inventory,
          pnl: Math.round(s.pnl * 100) / 100,
        };
      });
      return { strategy_types: await hub.strategyTypes(), agents };
    },
  );

  app.post<{ Body: DeployBody }>(
    '/strategies',
    {
      schema: {
        tags: ['strategies'],
        summary: 'Deploy a built-in strategy type into the live market',
        body: DeployBody,
        response: {
          201: Type.Object({ agent_id: Type.String(), strategy_type: Type.String(), config: Type.Record(Type.String(), Type.Unknown()), tick: Type.Integer() }),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const row = await hub.deployBuiltin({ type: b.strategy_type, agentId: b.agent_id, params: b.config ?? {}, owner: b.owner ?? null });
      req.log.info({ agentId: row.agent_id, strategy: row.strategy }, 'agent deployed');
      return reply.code(201).send({ agent_id: row.agent_id, strategy_type: row.strategy, config: (JSON.parse(row.config) as { params: Record<string, unknown> }).params, tick: row.created_tick });
    },
  );

  app.post<{ Body: UserStrategyBody }>(
    '/strategies/user',
    {
      schema: {
        tags: ['strategies'],
        summary: 'Register a user strategy (TypeScript, sandboxed) and optionally deploy it',
        description:
          'The code is validated and probe-started by the sandbox before it is stored. With deploy=true an agent running it joins the market. Answers 501 when the sandbox is not available on this server.',
        body: UserStrategyBody,
        response: {
          201: Type.Object({
            registered: Type.String(),
            deployed: Type.Boolean(),
            agent_id: Type.Optional(Type.String()),
            strategy_type: Type.Optional(Type.String()),
          }),
          ...errorResponses(400, 409, 413, 415, 501),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const config: { timeout_ms?: number; params?: Record<string, unknown> } = {};
      if (b.config?.timeout_ms !== undefined) config.timeout_ms = b.config.timeout_ms;
      if (b.config?.params !== undefined) config.params = b.config.params;
      const out = await hub.registerUserStrategy({ name: b.strategy_name, code: b.code, deploy: b.deploy ?? false, agentId: b.agent_id, config, owner: b.owner ?? null });
      req.log.info(out, 'user strategy registered');
      return reply.code(201).send(out);
    },
  );

  app.get(
    '/strategies/leaderboard',
    {
      schema: {
        tags: ['strategies'],
        summary: 'All agents sorted by Sharpe (desc, nulls last, ties by id)',
        response: { 200: Type.Object({ tick: Type.Integer(), leaderboard: Type.Array(EngineJson('AgentStatsWire')) }) },
      },
    },
    async (_req, reply) =>
      reply.type('application/json; charset=utf-8').send(
        hub.cached('leaderboard', () => JSON.stringify({ tick: hub.sim.tick, leaderboard: hub.sim.leaderboard().map((row) => withRiskFigures(row, hub.sim.agentDiagnostics(row.agent_id))) })),
      ),
  );

  app.get<{ Params: AgentIdParams }>(
    '/strategies/:agent_id/stats',
    {
      schema: {
        tags: ['strategies'],
        summary: "One agent's accounting, status (and why it went silent) and diagnostics",
        params: AgentIdParams,
        response: { 200: EngineJson('AgentStatsWire + diagnostics'), ...errorResponses(404) },
      },
    },
    async (req) => {
      const id = req.params.agent_id;
      const stats = hub.sim.agentStats(id);
      if (!stats) throw apiError('CA_ERR_NOT_FOUND', 'agent', id).at('agent_id', 'exists');
      return { ...stats, tick: hub.sim.tick, diagnostics: hub.sim.agentDiagnostics(id), learning_curve: hub.sim.agentLearningCurve(id) };
    },
  );
};

/** The leaderboard's drawdown and turnover columns come from the agent's diagnostics. */
function withRiskFigures<T extends { extra: Record<string, unknown> }>(row: T, diagnostics: unknown): T {
  const d = (diagnostics ?? {}) as { max_drawdown?: unknown; turnover?: unknown };
  const pick = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { ...row, extra: { ...row.extra, max_drawdown: pick(d.max_drawdown), turnover: pick(d.turnover) } };
}
