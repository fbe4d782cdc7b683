/** GET /metrics: Prometheus text exposition of this server's registry (operator token when configured). */
import type { FastifyPluginAsync } from 'fastify';
import type { PluginOptions } from '../context.js';

export const metricsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const metrics = ctx.metrics;
  if (!metrics) return;
  app.get(
    '/metrics',
    ctx.guard.protect({
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text exposition format): ticks, tick time, agents, stream, HTTP, store, sandbox, process',
        description:
          'Scrape it with Prometheus; when the server has an operator token, configure the scrape job with `authorization: {type: Bearer, credentials: <token>}`. CROWDALPHA_METRICS=false removes the route.',
        response: { 200: { description: 'text/plain; version=0.0.4 exposition', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    }),
    async (_req, reply) => reply.type(metrics.contentType).send(await metrics.scrape()),
  );
};
