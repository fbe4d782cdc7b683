/**
 * GET / (dashboard for browsers when built, JSON service info otherwise), GET /health (always
 * JSON), GET /status (market, store, stream and sandbox status).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { EngineJson } from '../schemas/common.js';
import { runtimeSupport } from '../runtime-support.js';

/** True when the client prefers HTML over JSON (a browser navigating to the page). */
export function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  if (!accept.includes('text/html')) return false;
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return json === -1 || html < json;
}

/** /ready calls a running market stalled after this long without a new tick (or 5 tick delays). */
export const READY_STALL_MIN_MS = 5000;

export const rootPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, store, ws, writer } = ctx;
  const info = () => ({
    status: 'ok',
    service: 'CrowdAlpha API',
    version: ctx.version,
    docs: '/docs',
    openapi: '/docs/json',
    websocket: '/ws/market',
    dashboard: ctx.webRoot !== null,
    operator_token: ctx.guard.enabled,
  });

  app.get(
    '/',
    {
      schema: {
        tags: ['health'],
        summary: 'Service info as JSON; browsers (Accept: text/html) get the dashboard when it is built',
        response: { 200: Type.Object({ status: Type.String(), service: Type.String() }, { additionalProperties: true }) },
      },
    },
    async (req: FastifyRequest, reply: FastifyReply) => {
      if (ctx.webRoot && wantsHtml(req)) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return info();
    },
  );

  /** The last tick seen to advance, and when: /ready calls the market stalled when it stops moving. */
  let advanced = { tick: hub.market.tick, at: Date.now() };
  const ReadyBody = Type.Object({ ready: Type.Boolean(), database: Type.Boolean(), ticking: Type.Boolean(), running: Type.Boolean(), tick: Type.Integer(), reason: Type.Union([Type.String(), Type.Null()]) });
  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: 200 when the store answers and the market is ticking; 503 otherwise, with the reason',
        description: `Ticking means running and the tick advanced within ${READY_STALL_MIN_MS} ms (or 5 tick delays, if longer). A paused market is not ready: a load balancer should not send users to it.`,
        response: { 200: ReadyBody, 503: ReadyBody },
      },
    },
    async (_req, reply) => {
      const now = Date.now();
      const tick = hub.market.tick;
      if (tick !== advanced.tick) advanced = { tick, at: now };
      const database = await store.ping();
      const running = hub.isRunning;
      const ticking = running && now - advanced.at <= Math.max(READY_STALL_MIN_MS, 5 * hub.tickDelayMs);
      const reason = !database ? 'the database does not answer' : !running ? 'the market is paused' : !ticking ? `no tick for ${now - advanced.at} ms` : null;
      return reply.code(reason === null ? 200 : 503).send({ ready: reason === null, database, ticking, running, tick, reason });
    },
  );

  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: always JSON; 503 when the database does not answer',
        response: { 200: Type.Object({ status: Type.String(), database: Type.Boolean(), tick: Type.Integer() }), 503: Type.Object({ status: Type.String(), database: Type.Boolean(), tick: Type.Integer() }) },
      },
    },
    async (_req, reply) => {
      const database = await store.ping();
      return reply.code(database ? 200 : 503).send({ status: database ? 'ok' : 'degraded', database, tick: hub.market.tick });
    },
  );

  app.get(
    '/status',
    {
      schema: {
        tags: ['health'],
        summary: 'Market state (running, tick, mid, regime) plus stream, store and sandbox figures',
        response: {
          200: Type.Object(
            {
              running: Type.Boolean(),
              tick: Type.Integer(),
              mid_price: Type.Union([Type.Number(), Type.Null()]),
              regime: Type.Union([Type.String(), Type.Null()]),
              market: EngineJson('MarketHub status'),
              websocket: EngineJson('WsHub stats'),
              store: EngineJson('backend, location, writer stats'),
              sandbox: EngineJson('{available, reason, python: {available, reason}}'),
              operator_token: Type.Boolean({ description: 'whether the server has an operator token (CROWDALPHA_ADMIN_TOKEN): operator routes and stopping agents then need credentials' }),
              uptime_s: Type.Number(),
              runtime: Type.Object(
                {
                  node: Type.String({ description: 'process.version of the server' }),
                  supported: Type.Boolean({ description: 'a Node.js major CrowdAlpha is tested on (20, 22, 24)' }),
                  end_of_life_date: Type.Union([Type.String(), Type.Null()], { description: 'upstream end of life of this release line' }),
                  end_of_life: Type.Boolean({ description: 'past that date: user strategies run on a V8 without security fixes' }),
                  recommended: Type.String(),
                  warning: Type.Union([Type.String(), Type.Null()]),
                },
                { description: 'the Node.js runtime and whether it still gets security fixes' },
              ),
            },
            { additionalProperties: true },
          ),
        },
      },
    },
    async () => {
      const latest = hub.market.latestTick();
      return {
        running: hub.isRunning,
        tick: hub.market.tick,
        mid_price: latest?.mid ?? null,
        regime: latest?.regime ?? null,
        market: hub.status(),
        websocket: ws.stats(),
        store: { backend: store.backend, location: store.location, ...writer.stats() },
        sandbox: { available: hub.sandboxAvailable, reason: hub.sandboxUnavailableReason, python: ctx.python },
        operator_token: ctx.guard.enabled,
        uptime_s: Math.round((Date.now() - ctx.startedAt) / 100) / 10,
        runtime: runtimeSupport(process.version, Date.now()),
      };
    },
  );
};
