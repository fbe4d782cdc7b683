/** GET /simulations and /simulations/{id}: past and current runs with a sampled tick history. */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { apiError } from '../errors.js';
import { SimulationDetailResponse, SimulationsResponse, SimulationSummaryWire, toSnakeKeys, type SimulationDetailResponse as Detail } from '@crowdalpha/engine/wire';
import { errorResponses } from '../schemas/common.js';
import type { SimulationRow } from '../store/store.js';

/** Largest offset of GET /simulations: a whole number the database can take (1e20 cannot). */
export const SIMULATIONS_OFFSET_MAX = 1_000_000_000;

const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: SIMULATIONS_OFFSET_MAX, default: 0, description: `runs to skip, 0..${SIMULATIONS_OFFSET_MAX}` })),
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const DetailQuery = Type.Object({ points: Type.Optional(Type.Integer({ minimum: 2, maximum: 2000, default: 200, description: 'tick history samples' })) });


export const simulationsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, store } = ctx;
  const summary = (r: SimulationRow): SimulationSummaryWire => {
    const current = r.id === hub.simulationId;
    return {
      id: r.id,
      seed: r.seed,
      status: r.status,
      current,
      created_at: r.created_at,
      ended_at: r.ended_at,
      last_tick: current ? hub.market.tick : r.last_tick,
      last_mid: current ? (hub.market.latestTick()?.mid_price ?? r.last_mid) : r.last_mid,
      config: toSnakeKeys<Record<string, unknown>>(JSON.parse(r.config)),
    };
  };

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/simulations',
    {
      schema: {
        tags: ['simulations'],
        summary: 'Runs of this server, newest first',
        querystring: ListQuery,
        response: { 200: SimulationsResponse, ...errorResponses(400) },
      },
    },
    async (req) => {
      const rows = await store.listSimulations(req.query.limit ?? 50, req.query.offset ?? 0);
      return { total: await store.countSimulations(), items: rows.map(summary) };
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DetailQuery> }>(
    '/simulations/:id',
    {
      schema: {
        tags: ['simulations'],
        summary: 'One run: summary, its agents with their latest stored stats, fill count and a sampled tick history',
        params: IdParams,
        querystring: DetailQuery,
        response: {
          200: SimulationDetailResponse,
          ...errorResponses(400, 404),
        },
      },
    },
    async (req): Promise<Detail> => {
      const row = await store.getSimulation(req.params.id);
      if (!row) throw apiError('CA_ERR_NOT_FOUND', 'simulation', req.params.id).at('id', 'exists');
      const live = row.id === hub.simulationId;
      const agents = (await store.listAgents(row.id)).map((a) => ({
        agent_id: a.agent_id,
        strategy_type: a.strategy,
        kind: a.kind,
        owner: a.owner,
        status: a.status,
        status_reason: a.status_reason,
        created_tick: a.created_tick,
        config: toSnakeKeys<Record<string, unknown>>(JSON.parse(a.config)),
        stats: live ? hub.market.agentStats(a.agent_id) : a.final_stats ? (JSON.parse(a.final_stats) as Record<string, unknown>) : null,
      }));
      const history = (await store.sampledTickHistory(row.id, req.query.points ?? 200)).map((h) => ({
        tick: h.tick,
        mid_price: h.mid,
        spread: h.spread,
        vwap: h.vwap,
        volatility: h.volatility,
        regime: h.regime,
        lfi: h.lfi,
        crowding: h.crowding,
        created_at: h.created_at,
        agents: (JSON.parse(h.agents) as Array<Record<string, unknown>>).map((x) => ({
          agent_id: String(x.agent_id),
          strategy_type: String(x.strategy_type ?? x.strategy),
          pnl: Number(x.pnl),
          sharpe: typeof x.sharpe === 'number' ? x.sharpe : null,
          inventory: Number(x.inventory),
          status: String(x.status),
        })),
      }));
      return { simulation: summary(row), fill_count: await store.countFills(row.id), agents, history };
    },
  );
};
