/**
 * POST /market/control: pause, resume, reset {seed?, config?}, speed {tick_delay_ms}, step {ticks?}.
 * Operator only when the server has a token: it steers the market everyone shares.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ControlResponse } from '@crowdalpha/engine/wire';
import { configFromWire } from '../http/wire-config.js';
import type { PluginOptions } from '../context.js';
import { ApiError } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import { ControlBody } from '../schemas/market.js';

function missing(field: string, action: string): ApiError {
  return new ApiError('CA_ERR_VALIDATION', `body.${field} is required for action "${action}"`, { field, rule: 'required' });
}
function notFor(field: string, action: string, allowed: string): ApiError {
  return new ApiError('CA_ERR_VALIDATION', `body.${field} is not allowed for action "${action}" (it takes ${allowed})`, { field, rule: 'additionalProperties' });
}

export const controlPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub } = ctx;
  app.post<{ Body: ControlBody }>(
    '/market/control',
    ctx.guard.protect({
      schema: {
        tags: ['control'],
        summary: 'Pause, resume, reset (keeps registered strategies, submissions and deployed agents), change speed, or step a paused market',
        body: ControlBody,
        response: { 200: ControlResponse, ...errorResponses(400, 409, 413, 415) },
      },
    }),
    async (req) => {
      const b = req.body;
      const allowed: Record<string, string[]> = { pause: [], resume: [], reset: ['seed', 'config'], speed: ['tick_delay_ms'], step: ['ticks'] };
      for (const k of ['seed', 'config', 'tick_delay_ms', 'ticks'] as const) {
        if (b[k] !== undefined && !(allowed[b.action] ?? []).includes(k)) throw notFor(k, b.action, (allowed[b.action] ?? []).join(', ') || 'no other fields');
      }
      switch (b.action) {
        case 'pause':
          hub.pause();
          await hub.betweenTicks();
          break;
        case 'resume':
          hub.start();
          break;
        case 'reset':
          await hub.reset(b.seed, b.config === undefined ? undefined : configFromWire(b.config));
          break;
        case 'speed':
          if (b.tick_delay_ms === undefined) throw missing('tick_delay_ms', 'speed');
          hub.setSpeed(b.tick_delay_ms);
          break;
        case 'step':
          if (hub.isRunning) {
            throw new ApiError('CA_ERR_VALIDATION', 'step is only allowed while the market is paused; send {"action":"pause"} first', { field: 'action', rule: 'paused' });
          }
          await hub.stepTicks(b.ticks ?? 1);
          break;
      }
      req.log.info({ action: b.action }, 'market control');
      return { ok: true, action: b.action, status: hub.status() };
    },
  );
};
