/**
 * WS /ws/agent: outside learners (any language) over the protocol of docs/AGENT-PROTOCOL.md —
 * observation → action → reward. Each connection steps its own private `MarketEnv`. Limits: at
 * most `MAX_ENV_SESSIONS` sessions at once, messages up to the server's WebSocket payload limit,
 * episodes up to 100,000 ticks, and a session is closed after 3 protocol errors (the sandbox's
 * `maxErrors`), so a misbehaving client costs the server as little as a faulty strategy does.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { defaultLimits } from '@crowdalpha/sandbox';
import type { PluginOptions } from '../context.js';
import { EnvSession } from '../agent-protocol/env-session.js';

/** Private environments stepped at once: each step runs on the server's event loop. */
export const MAX_ENV_SESSIONS = 8;

export const agentWsPlugin: FastifyPluginAsync<PluginOptions> = async (app) => {
  let sessions = 0;
  app.get('/ws/agent', { websocket: true, schema: { tags: ['websocket'], summary: 'Outside learners: step a private MarketEnv (docs/AGENT-PROTOCOL.md)' } }, (socket: WebSocket, req) => {
    if (sessions >= MAX_ENV_SESSIONS) {
      socket.close(1013, `at most ${MAX_ENV_SESSIONS} agent sessions at once; retry later`);
      return;
    }
    sessions++;
    const session = new EnvSession({ maxEpisodeTicks: 100_000, maxErrors: defaultLimits().maxErrors });
    let open = true;
    const release = () => {
      if (open) sessions--;
      open = false;
    };
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const { reply, close } = isBinary ? session.handle('binary') : session.handle(text);
      socket.send(JSON.stringify(reply));
      if (close) socket.close(1008, 'too many protocol errors');
    });
    socket.on('close', release);
    socket.on('error', (err: Error) => {
      req.log.debug({ err: err.message }, 'agent websocket error');
      release();
    });
  });
};
