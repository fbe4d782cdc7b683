/**
 * The Fastify application: validation, errors, CORS, rate limiting, request metrics, OpenAPI at
 * /docs, the WebSocket upgrade, the dashboard's static files, and one plugin per resource.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { ServerContext } from './context.js';
import { ApiError, apiError } from './errors.js';
import { MANAGE_KEY_SCHEME, OPERATOR_SCHEME, manageKeySecurityScheme, operatorSecurityScheme } from './http/auth.js';
import { makeErrorHandler } from './http/error-handler.js';
import { enforceErrorShape, frameworkErrors } from './http/error-shape.js';
import { firstNonFinite, nonFiniteError } from './http/finite-numbers.js';
import { guardUpgradeSockets } from './http/upgrade-guard.js';
import { trackWrites } from './http/in-flight.js';
import { API_KEY_SCHEME, accessRuleOf, apiKeySecurityScheme, documentAccess, type AccessRule } from './http/access.js';
import { rateLimitBucket } from './http/limits.js';
import { createValidatorCompiler } from './http/validator.js';
import { analyticsPlugin } from './plugins/analytics.js';
import { controlPlugin } from './plugins/control.js';
import { metricsPlugin } from './plugins/metrics.js';
import { marketPlugin } from './plugins/market.js';
import { rootPlugin, wantsHtml } from './plugins/root.js';
import { simulationsPlugin } from './plugins/simulations.js';
import { strategiesPlugin } from './plugins/strategies.js';
import { submissionsPlugin } from './plugins/submissions.js';
import { wsPlugin } from './plugins/ws.js';
import { mePlugin } from './plugins/me.js';
import { keysPlugin } from './plugins/keys.js';
import { experimentsPlugin } from './plugins/experiments.js';
import { modelsPlugin } from './plugins/models.js';
import { agentWsPlugin } from './plugins/agent-ws.js';

function corsOrigin(setting: string): boolean | string[] {
  const s = setting.trim();
  if (s === '*' || s === 'true') return true;
  if (s === '' || s === 'false') return false;
  return s.split(',').map((o) => o.trim()).filter(Boolean);
}

/** Longest path parameter the router accepts (ids are at most 64 characters); longer → 400. */
export const MAX_PARAM_LENGTH = 100;

export async function buildApp(ctx: ServerContext, logger: Logger): Promise<FastifyInstance> {
  const o = ctx.options;
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: o.bodyLimit,
    logController: new LogController({ disableRequestLogging: !o.logRequests }),
    return503OnClosing: false,
    forceCloseConnections: true,
    // `//status` is /status, not a path the static files (or nothing) answer with "Forbidden".
    routerOptions: { ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
  });
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON only: a text/plain body is a 415, not a string that fails validation later. An empty
  // JSON body is "no body" (routes whose body is optional accept it; others say it is missing).
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    parseJson(req, body.toString(), (err, value) => {
      if (err) return done(err, undefined);
      const bad = firstNonFinite(value);
      return bad ? done(nonFiniteError(bad, 'body'), undefined) : done(null, value);
    });
  });
  app.setErrorHandler(makeErrorHandler(o.bodyLimit));
  app.addHook('onSend', enforceErrorShape);
  app.setNotFoundHandler((req, reply) => {
    if (ctx.webRoot && req.method === 'GET' && wantsHtml(req)) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    const err = apiError('CA_ERR_ROUTE_NOT_FOUND', req.method, req.url.split('?')[0] ?? req.url);
    return reply.code(err.statusCode).send(err.toBody());
  });

  // Hooks every request runs are callback style: no promise per request on the hot reads.
  app.addHook('onRequest', (_req, _reply, done) => {
    if (ctx.closing) return done(apiError('CA_ERR_UNAVAILABLE', 'the server is shutting down; retry in a moment'));
    done();
  });
  trackWrites(app, ctx.writes);
  const metrics = ctx.metrics;
  if (metrics) {
    // Labelled by route pattern (routeOptions.url), never the raw URL, so ids and typos add no series.
    app.addHook('onResponse', (req, reply, done) => {
      metrics.observeHttp(req.method, req.routeOptions.url, reply.statusCode, reply.elapsedTime);
      done();
    });
  }
  await app.register(cors, { origin: corsOrigin(o.corsOrigins) });

  if (o.rateLimitMax > 0) {
    await app.register(rateLimit, {
      max: o.rateLimitMax,
      timeWindow: o.rateLimitWindowMs,
      allowList: o.rateLimitAllowList,
      // Per API key when the request carries a valid one (a class behind one NAT is not one client), else per IP.
      keyGenerator: rateLimitBucket(ctx.access),
      errorResponseBuilder: (_req, c) =>
        new ApiError('CA_ERR_RATE_LIMITED', `rate limit exceeded: at most ${c.max} requests per ${o.rateLimitWindowMs} ms; retry in ${c.ttl} ms`),
    });
  }
  // Every route's access rule (http/access.ts), checked before its body is parsed; routes the
  // router does not know (404) have none. A route-level hook (after the rate limiter's, which is
  // also added per route), and none at all on public reads while CROWDALPHA_PUBLIC_READS holds:
  // those pass in every mode, and the hot reads (GET /market/book) skip a hook per request.
  const access = ctx.access;
  const mode = { keyed: await access.keyed(), token: ctx.guard.enabled };
  app.addHook('onRoute', (route) => {
    documentAccess(route, mode);
    if (o.publicReads && accessRuleOf(route.method, route.config as { access?: AccessRule } | undefined) === 'public') return;
    const own = route.onRequest;
    route.onRequest = [...(own === undefined ? [] : Array.isArray(own) ? own : [own]), access.hook];
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CrowdAlpha API',
        version: ctx.version,
        description:
          'Live multi-agent limit order book market: market data, crowding analytics, strategy deployment and review, market control, run history. ' +
          'Errors are `{ "error": { "code", "message", "field"?, "rule"? } }` with stable CA_ERR_* codes. The event stream is WS /ws/market (see GET /ws/schema).',
      },
      tags: ['health', 'admin', 'market', 'analytics', 'strategies', 'submissions', 'control', 'simulations', 'experiments', 'websocket', 'metrics'].map((name) => ({ name })),
      components: { securitySchemes: { [API_KEY_SCHEME]: apiKeySecurityScheme, [OPERATOR_SCHEME]: operatorSecurityScheme, [MANAGE_KEY_SCHEME]: manageKeySecurityScheme } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(websocket, { options: { maxPayload: o.wsMaxPayload, perMessageDeflate: false } });
  // After @fastify/websocket's own 'upgrade' listener: it has just given the request its response.
  guardUpgradeSockets(app);
  if (ctx.webRoot) {
    await app.register(fastifyStatic, { root: ctx.webRoot, prefix: '/', wildcard: true, index: false });
  }

  const opts = { ctx };
  await app.register(rootPlugin, opts);
  await app.register(marketPlugin, opts);
  await app.register(controlPlugin, opts);
  await app.register(analyticsPlugin, opts);
  await app.register(strategiesPlugin, opts);
  await app.register(submissionsPlugin, opts);
  await app.register(simulationsPlugin, opts);
  await app.register(experimentsPlugin, opts);
  await app.register(modelsPlugin, opts);
  await app.register(agentWsPlugin, opts);
  await app.register(wsPlugin, opts);
  await app.register(keysPlugin, opts);
  await app.register(mePlugin, opts);
  await app.register(metricsPlugin, opts);
  return app;
}
