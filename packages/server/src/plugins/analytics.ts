/** GET /analytics/{crowding,factor-space,decay,regime,fragility,snapshot}: the research layer's latest views. */
import type { FastifyPluginAsync } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import {
  AnalyticsSnapshotWire,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  FactorSpaceWire,
  FragilitySnapshotWire,
  RegimeSnapshotWire,
  type AnalyticsSnapshotWire as AnalyticsSnapshot,
} from '@crowdalpha/engine/wire';
import type { PluginOptions } from '../context.js';
import { ApiError } from '../errors.js';
import type { MarketReads } from '../hub/market-reads.js';
import { errorResponses } from '../schemas/common.js';

const JSON_TYPE = 'application/json; charset=utf-8';

const VIEWS: Array<{ path: string; summary: string; schema: TSchema; read: (market: MarketReads) => unknown }> = [
  { path: 'crowding', summary: 'Crowding matrix C_ij, crowding_intensity, per-agent Phi (agent_crowding_intensity) and top crowded pairs', schema: CrowdingSnapshotWire, read: (m) => m.crowding() },
  { path: 'factor-space', summary: 'Per-agent 6-D behavioural factor vectors (and projection)', schema: FactorSpaceWire, read: (m) => m.factorSpace() },
  { path: 'decay', summary: 'Alpha decay: market-wide and per-agent fits (alpha_max, lambda, half-life, R^2, curve), crowding and side-pressure history', schema: DecaySnapshotWire, read: (m) => m.decay() },
  { path: 'regime', summary: 'Current regime (CALM, TRENDING, UNSTABLE, CRASH_PRONE), its inputs, thresholds and history', schema: RegimeSnapshotWire, read: (m) => m.regime() },
  { path: 'fragility', summary: 'Liquidity Fragility Index, alert level and history', schema: FragilitySnapshotWire, read: (m) => m.fragility() },
];

function disabled(): ApiError {
  return new ApiError('CA_ERR_NOT_FOUND', "analytics are disabled in this market's config (analytics: false); reset the market with config.analytics = true");
}

/** Every view in one object (null when analytics are off). */
function snapshotOf(market: MarketReads): AnalyticsSnapshot | null {
  const crowding = market.crowding();
  const factorSpace = market.factorSpace();
  const decay = market.decay();
  const regime = market.regime();
  const fragility = market.fragility();
  if (!crowding || !factorSpace || !decay || !regime || !fragility) return null;
  const latest = market.latestTick();
  const metrics = market.metrics();
  return {
    tick: market.tick,
    market: {
      mid_price: latest?.mid_price ?? metrics.mid_price,
      spread: latest ? latest.spread : metrics.spread,
      volatility: metrics.volatility,
      regime: metrics.regime,
      lfi: fragility.lfi,
      lfi_near_depth_ratio: fragility.near_depth_ratio,
      lfi_adjusted_ratio: fragility.adjusted_ratio,
      crowding: crowding.crowding_intensity,
    },
    agent_diagnostics: latest?.agent_stats ?? market.allAgentStats(),
    crowding,
    factor_space: factorSpace,
    decay,
    alpha_decay: decay,
    regime,
    fragility,
  };
}

export const analyticsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const market = ctx.hub.market;
  for (const view of VIEWS) {
    app.get(
      `/analytics/${view.path}`,
      { schema: { tags: ['analytics'], summary: view.summary, response: { 200: view.schema, ...errorResponses(404) } } },
      async (_req, reply) => {
        const body = market.cached(`analytics:${view.path}`, () => {
          const v = view.read(market);
          return v === null || v === undefined ? '' : (reply.serialize(v) as string);
        });
        if (body === '') throw disabled();
        return reply.type(JSON_TYPE).send(body);
      },
    );
  }

  app.get(
    '/analytics/snapshot',
    {
      schema: {
        tags: ['analytics'],
        summary: 'All analytics views in one response, with the market summary and every agent\'s figures (agent_diagnostics)',
        response: { 200: AnalyticsSnapshotWire, ...errorResponses(404) },
      },
    },
    async (_req, reply) => {
      const body = market.cached('analytics:all', () => {
        const out = snapshotOf(market);
        return out === null ? '' : (reply.serialize(out) as string);
      });
      if (body === '') throw disabled();
      return reply.type(JSON_TYPE).send(body);
    },
  );
};
