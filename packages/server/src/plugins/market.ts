/** GET /market/book, /market/trades, /market/metrics, /market/snapshot, /market/config. */
import type { FastifyPluginAsync } from 'fastify';
import { configToWire } from '../http/wire-config.js';
import type { PluginOptions } from '../context.js';
import { apiError } from '../errors.js';
import { depthToWire } from '@crowdalpha/engine';
import { BookResponse, MarketConfigResponse, MarketSnapshotResponse, MetricsWire, TradesResponse, type TradesResponse as Trades } from '../wire.js';
import { errorResponses } from '../schemas/common.js';
import { BookQuery, TRADES_LIMIT_DEFAULT, TRADES_LIMIT_MAX, TRADES_LIMIT_MIN, TradesQuery } from '../schemas/market.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export const marketPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub } = ctx;
  const market = hub.market;

  app.get<{ Querystring: BookQuery }>(
    '/market/book',
    {
      schema: {
        tags: ['market'],
        summary: 'Order book depth: top levels per side aggregated by price',
        querystring: BookQuery,
        response: { 200: BookResponse, ...errorResponses(400) },
      },
    },
    async (req, reply) => {
      const levels = req.query.levels ?? market.config.depthLevels;
      // The book only changes once per tick: serialise once per tick and level count.
      const body = market.cached(`book:${levels}`, () => reply.serialize({ tick: market.tick, ...depthToWire(market.depth(levels)) }) as string);
      return reply.type(JSON_TYPE).send(body);
    },
  );

  app.get<{ Querystring: TradesQuery }>(
    '/market/trades',
    {
      schema: {
        tags: ['market'],
        summary: 'Recent fills from the trade tape, oldest first',
        querystring: TradesQuery,
        response: { 200: TradesResponse, ...errorResponses(400) },
      },
    },
    async (req): Promise<Trades> => {
      const limit = Math.min(TRADES_LIMIT_MAX, Math.max(TRADES_LIMIT_MIN, req.query.limit ?? TRADES_LIMIT_DEFAULT));
      const opts: { limit: number; sinceTick?: number } = { limit };
      if (req.query.since_tick !== undefined) opts.sinceTick = req.query.since_tick;
      const fills = market.trades(opts);
      return { tick: market.tick, count: fills.length, fills };
    },
  );

  app.get(
    '/market/metrics',
    { schema: { tags: ['market'], summary: 'Key market figures: mid, spread, VWAP, volatility, regime, LFI, crowding, volume', response: { 200: MetricsWire } } },
    async (_req, reply) => reply.type(JSON_TYPE).send(market.cached('metrics', () => reply.serialize(market.metrics()) as string)),
  );

  app.get(
    '/market/snapshot',
    {
      schema: {
        tags: ['market'],
        summary: 'The latest TICK event (envelope + payload), for re-hydrating a client after RESYNC',
        response: { 200: MarketSnapshotResponse, ...errorResponses(404) },
      },
    },
    async (_req, reply) => {
      const tick = market.latestTick();
      if (!tick) throw apiError('CA_ERR_NO_TICK_YET');
      const body = market.cached('snapshot', () => reply.serialize(market.lastTickEvent() ?? { schema_version: 1, type: 'TICK', timestamp: 0, payload: tick }) as string);
      return reply.type(JSON_TYPE).send(body);
    },
  );

  app.get(
    '/market/config',
    {
      schema: {
        tags: ['control'],
        summary: 'The running market: simulation id, seed, tick period, state, and the full resolved engine config',
        response: {
          200: MarketConfigResponse,
        },
      },
    },
    async () => ({
      simulation_id: hub.simulationId,
      seed: hub.currentSeed,
      running: hub.isRunning,
      tick: market.tick,
      tick_delay_ms: hub.tickDelayMs,
      checkpoint_every: ctx.options.checkpointEvery,
      snapshot_every: ctx.options.snapshotEvery,
      config: configToWire(market.config),
    }),
  );
};
