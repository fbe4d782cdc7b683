/**
 * WS /ws/market (the live event stream) and GET /ws/schema (its contract). The stream is a read:
 * open while reads are public; when they need a key (CROWDALPHA_PUBLIC_READS=false on a server
 * with keys) a client sends it as `Authorization: Bearer` on the upgrade or as a first message
 * `{"type":"auth","key":…}` (http/ws-auth.ts), and gets no events until it has.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { WsHub, type HubSocket } from '../hub/ws-hub.js';
import { WsSchemaResponse, describeEvents } from '@crowdalpha/engine/wire';
import { SCHEMA_VERSION } from '@crowdalpha/engine';
import type { WsClient } from '../hub/ws-hub.js';
import { authMessageKey, authenticate, socketRefusal } from '../http/ws-auth.js';

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
  const { ws, options, access } = ctx;
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
    { websocket: true, config: { access: 'socket' }, schema: { tags: ['websocket'], summary: 'Live event stream (WebSocket upgrade)', querystring: WsQuery } },
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
      let client: WsClient | null = null;
      let authTimer: NodeJS.Timeout | null = null;
      /** A hub message before the client is admitted to the hub (the same envelope). */
      const reply = (type: string, payload: Record<string, unknown>) => {
        if (client) return ws.sendControl(client, type, payload);
        if (socket.readyState === 1) socket.send(JSON.stringify({ schema_version: SCHEMA_VERSION, type, timestamp: Date.now() * 1_000_000, payload }));
      };
      const admit = () => {
        if (client || socket.readyState !== 1) return;
        if (authTimer) clearTimeout(authTimer);
        authTimer = null;
        client = ws.add(hubSocketOf(socket), types);
      };
      // The upgrade's own credential (checked valid by the access hook) decides whether events flow at once.
      const ready = access.identity(req).then(async (who) => {
        const refused = await socketRefusal(access, who, 'stream');
        if (!refused) return admit();
        reply('AUTH_REQUIRED', { ...refused, timeout_ms: options.wsAuthTimeoutMs });
        authTimer = setTimeout(() => socket.close(1008, `no valid auth message within ${options.wsAuthTimeoutMs} ms`), options.wsAuthTimeoutMs);
      }).catch((err: Error) => {
        req.log.warn({ err: err.message }, 'could not check a stream connection\'s credentials');
        socket.close(1011, 'could not check credentials (store unavailable); retry');
      });
      const onText = async (text: string) => {
        const auth = authMessageKey(text);
        if (auth) {
          if ('error' in auth) return reply('ERROR', { code: 'CA_ERR_VALIDATION', message: auth.error });
          const out = await authenticate(access, auth.key);
          if ('code' in out) return reply('ERROR', { code: out.code, message: out.message });
          reply('AUTHENTICATED', { role: out.identity.role, name: out.identity.name, key_id: out.identity.keyId });
          const refused = await socketRefusal(access, out.identity, 'stream');
          if (!refused) admit();
          return;
        }
        if (!client) return reply('ERROR', { code: 'CA_ERR_UNAUTHORIZED', message: 'authenticate first: send {"type":"auth","key":"<API key>"}' });
        ws.handleMessage(client, text);
      };
      // One message at a time, in order: an auth message's key lookup finishes before the next message is read.
      let inOrder: Promise<void> = ready;
      socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        if (isBinary) return reply('ERROR', { message: 'binary messages are not supported; send text' });
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        inOrder = inOrder.then(() => onText(text)).catch((err: Error) => {
          req.log.warn({ err: err.message }, 'websocket message failed');
        });
      });
      socket.on('close', () => {
        if (authTimer) clearTimeout(authTimer);
        if (client) ws.remove(client);
      });
      socket.on('error', (err: Error) => {
        req.log.debug({ err: err.message }, 'websocket error');
        if (authTimer) clearTimeout(authTimer);
        if (client) ws.remove(client);
      });
    },
  );
};
