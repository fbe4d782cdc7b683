/** WS /ws/market (the live event stream) and GET /ws/schema (its contract). */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { WsHub, type HubSocket } from '../hub/ws-hub.js';
import { WsSchemaResponse, describeEvents } from '@crowdalpha/engine/wire';

const WsQuery = Type.Object({
  types: Type.Optional(Type.String({ maxLength: 400, description: 'comma-separated event types to receive (default: all), e.g. TICK,CROWDING_MATRIX_UPDATED' })),
});

/**
 * The hub's view of a `ws` socket. Broadcast frames go straight to the TCP socket: with
 * permessage-deflate off, ws writes every frame synchronously and whole, so whole frames written
 * beside it (checked OPEN first) interleave safely with its pongs and close frame.
 */
function hubSocketOf(socket: WebSocket): HubSocket {
  const transport = (socket as unknown as { _socket?: Socket })._socket;
  const hub: HubSocket = {
    get readyState() {
      return socket.readyState;
    },
    send: (data, options, cb) => socket.send(data, options, cb),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
  };
  if (transport && typeof transport.write === 'function') {
    hub.writeFrame = (frame, cb) => {
      if (transport.destroyed) return cb(new Error('socket destroyed'));
      transport.write(frame, cb);
    };
  }
  return hub;
}

export const wsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { ws, options } = ctx;
  /** Open stream connections per client IP (CROWDALPHA_WS_MAX_PER_IP). */
  const perIp = new Map<string, number>();

  app.get(
    '/ws/schema',
    { schema: { tags: ['websocket'], summary: 'The event contract of /ws/market (docs/MODEL.md §7) and the stream limits', response: { 200: WsSchemaResponse } } },
    async () =>
      describeEvents({
        queue_max_events: options.wsQueueMax,
        send_high_water_bytes: options.wsSendHighWater,
        stuck_timeout_ms: options.wsStuckTimeoutMs,
        heartbeat_idle_ms: options.wsHeartbeatMs,
        max_clients: options.wsMaxClients,
        max_client_message_bytes: options.wsMaxPayload,
      }),
  );

  app.get<{ Querystring: { types?: string } }>(
    '/ws/market',
    { websocket: true, schema: { tags: ['websocket'], summary: 'Live event stream (WebSocket upgrade)', querystring: WsQuery } },
    (socket, req) => {
      if (ws.full) {
        socket.close(1013, `server is at its ${options.wsMaxClients}-client limit; retry later`);
        return;
      }
      const ip = req.ip;
      const open = perIp.get(ip) ?? 0;
      // The rate-limit allowlist (loopback by default: the local dashboard, the load script) is exempt.
      if (open >= options.wsMaxPerIp && !options.rateLimitAllowList.includes(ip)) {
        socket.close(1013, `at most ${options.wsMaxPerIp} stream connections per IP address; close one and retry`);
        return;
      }
      perIp.set(ip, open + 1);
      let counted = true;
      const uncount = () => {
        if (!counted) return;
        counted = false;
        const n = (perIp.get(ip) ?? 1) - 1;
        if (n <= 0) perIp.delete(ip);
        else perIp.set(ip, n);
      };
      socket.once('close', uncount);
      let types: Set<string> | null = null;
      if (req.query.types) {
        const parsed = WsHub.parseTypes(req.query.types.split(',').map((t) => t.trim()).filter(Boolean));
        if ('error' in parsed) {
          socket.close(1008, parsed.error.slice(0, 120));
          return;
        }
        types = parsed.types;
      }
      const client = ws.add(hubSocketOf(socket), types);
      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return ws.sendControl(client, 'ERROR', { message: 'binary messages are not supported; send text' });
        ws.handleMessage(client, Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
      });
      socket.on('close', () => ws.remove(client));
      socket.on('error', (err: Error) => {
        req.log.debug({ err: err.message }, 'websocket error');
        ws.remove(client);
      });
    },
  );
};
