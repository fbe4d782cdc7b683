/** GET /analytics/{crowding,factor-space,decay,regime,fragility,snapshot}: the research layer's latest views. */
import type { FastifyPluginAsync } from 'fastify';
import type { MarketReads } from '../hub/market-reads.js';
import type { PluginOptions } from '../context.js';
import { ApiError } from '../errors.js';
import { EngineJson, errorResponses } from '../schemas/common.js';

const JSON_TYPE = 'application/json; charset=utf-8';

const VIEWS: Array<{ path: string; key: string; summary: string; read: (market: MarketReads) => unknown }> = [
  { path: 'crowding', key: 'crowding', summary: 'Crowding matrix C_ij, intensity, per-agent Phi and top crowded pairs', read: (m) => m.crowding() },
  { path: 'factor-space', key: 'factor_space', summary: 'Per-agent 6-D behavioural factor vectors (and projection)', read: (m) => m.factorSpace() },
  { path: 'decay', key: 'decay', summary: 'Alpha decay fit: alpha_max, lambda, half-life, R^2, fitted curve', read: (m) => m.decay() },
  { path: 'regime', key: 'regime', summary: 'Current regime (CALM, TRENDING, UNSTABLE, CRASH_PRONE) and its inputs/history', read: (m) => m.regime() },
  { path: 'fragility', key: 'fragility', summary: 'Liquidity Fragility Index, alert level and history', read: (m) => m.fragility() },
];

function disabled(): ApiError {
  return new ApiError('CA_ERR_NOT_FOUND', "analytics are disabled in this market's config (analytics: false); reset the market with config.analytics = true");
}

export const analyticsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const market = ctx.hub.market;
  for (const view of VIEWS) {
    app.get(
      `/analytics/${view.path}`,
      { schema: { tags: ['analytics'], summary: view.summary, response: { 200: EngineJson(`Simulation.${view.key} snapshot`), ...errorResponses(404) } } },
      async (_req, reply) => {
        const body = market.cached(`analytics:${view.key}`, () => {
          const v = view.read(market);
          return v === null || v === undefined ? '' : JSON.stringify(v);
        });
        if (body === '') throw disabled();
        return reply.type(JSON_TYPE).send(body);
      },
    );
  }

  app.get(
    '/analytics/snapshot',
    { schema: { tags: ['analytics'], summary: 'All analytics views in one response', response: { 200: EngineJson('{tick, crowding, factor_space, decay, regime, fragility}'), ...errorResponses(404) } } },
    async (_req, reply) => {
      const body = market.cached('analytics:all', () => {
        const out: Record<string, unknown> = { tick: market.tick };
        for (const view of VIEWS) out[view.key] = view.read(market);
        return out.crowding === null ? '' : JSON.stringify(out);
      });
      if (body === '') throw disabled();
      return reply.type(JSON_TYPE).send(body);
    },
  );
};
