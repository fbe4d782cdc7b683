/**
 * Sockets of HTTP upgrade requests (`Connection: upgrade`) that are not upgraded are closed.
 *
 * Node hands an upgrade request's socket to the 'upgrade' listeners and forgets it: the HTTP
 * server no longer tracks it, keep-alive and `closeAllConnections()` never touch it.
 * @fastify/websocket routes every such request through Fastify; when the answer is an ordinary
 * HTTP response instead of a 101 (a 400 for `OPTIONS /market/control`, a 404, a 503 while closing)
 * nobody closes the socket, so it sits in CLOSE-WAIT for good and a later shutdown waits on it.
 * This listener runs after the plugin's: once that response is written, or the client hangs up,
 * the socket is ended; the sockets still pending are destroyed when the app closes.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How long an ended socket may take to flush its response before it is destroyed. */
export const UPGRADE_LINGER_MS = 2000;

export function guardUpgradeSockets(app: FastifyInstance): void {
  const pending = new Set<Socket>();
  app.server.on('upgrade', (_req, socket: Socket) => {
    pending.add(socket);
    const release = () => pending.delete(socket);
    socket.once('close', release);
    const finish = () => {
      if (socket.destroyed) return;
      socket.end();
      setTimeout(() => socket.destroy(), UPGRADE_LINGER_MS).unref();
    };
    // The response @fastify/websocket created for this request (assigned to the socket synchronously).
    const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (res) res.once('finish', finish);
    // A client that half-closes (before an answer, or after a WebSocket) must not leave us in CLOSE-WAIT.
    socket.once('end', finish);
  });
  app.addHook('onClose', async () => {
    for (const s of pending) s.destroy();
    pending.clear();
  });
}
