/**
 * GET / (dashboard for browsers when built, JSON service info otherwise), GET /health (always
 * JSON), GET /status (market, store, stream and sandbox status).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { HealthResponse, RootResponse, StatusResponse, toSnakeKeys, type StatusResponse as Status, type StoreStatusWire, type StreamStatusWire } from '@crowdalpha/engine/wire';
import type { PluginOptions } from '../context.js';
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
        response: { 200: RootResponse },
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
        response: { 200: HealthResponse, 503: HealthResponse },
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
        response: { 200: StatusResponse },
      },
    },
    async (): Promise<Status> => {
      const latest = hub.market.latestTick();
      return {
        running: hub.isRunning,
        tick: hub.market.tick,
        mid_price: latest?.mid_price ?? null,
        regime: latest?.regime ?? null,
        market: hub.status(),
        websocket: toSnakeKeys<StreamStatusWire>(ws.stats()),
        store: toSnakeKeys<StoreStatusWire>({ backend: store.backend, location: store.location, ...writer.stats() }),
        sandbox: { available: hub.sandboxAvailable, reason: hub.sandboxUnavailableReason, python: ctx.python },
        operator_token: ctx.guard.enabled,
        uptime_s: Math.round((Date.now() - ctx.startedAt) / 100) / 10,
        runtime: runtimeSupport(process.version, Date.now()),
      };
    },
  );
};
