/**
 * WS /ws/agent: outside learners (any language) over the protocol of docs/AGENT-PROTOCOL.md —
 * observation → action → reward. A connection either steps its own private `MarketEnv`
 * (`reset`/`act`) or, after `join`, acts as an agent in the live market (an observation each
 * tick, answered with `act` within its deadline). Limits: at most `agentWsMaxSessions` connections
 * at once (each private step runs on the server's event loop) and `agentWsMaxPerIp` from one
 * address (allowlisted addresses exempt), messages up to the server's WebSocket payload
 * limit, episodes up to 100,000 ticks; the per-tick deadline is `timeout_ms` (default 120, 5..1000)
 * and `maxErrors` faults (protocol errors, missed ticks) close a private session or silence a live
 * agent. A live agent that disconnects is stopped.
 *
 * Keys (http/ws-auth.ts): on a server with keys, stepping a private environment and joining the
 * market need one — `Authorization: Bearer <key>` on the upgrade request or a first message
 * `{"type":"auth","key":…}`; a joined agent belongs to the key (its owner is the key's name, and
 * only that key, an admin or the manage key may stop, remove or read it over REST), and counts
 * toward the key's live-agent cap. `hello` needs nothing. In keyless mode nothing changes.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '@crowdalpha/engine/wire';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, defaultLimits } from '@crowdalpha/sandbox';
import type { PluginOptions } from '../context.js';
import { ApiError } from '../errors.js';
import { ANONYMOUS, type Identity } from '../http/access.js';
import { deployRateLimit, ensureAgentRoom } from '../http/limits.js';
import { authMessageKey, authenticate, socketRefusal } from '../http/ws-auth.js';
import { EnvSession } from '../agent-protocol/env-session.js';
import { parseClientMessage, type JoinMessage } from '../agent-protocol/messages.js';
import { RL_ACTIONS, RL_FEATURES } from '@crowdalpha/engine';

export const agentWsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, deployer, access, store } = ctx;
  let sessions = 0;
  const perIp = new Map<string, number>();
  const { agentWsMaxSessions, agentWsMaxPerIp, rateLimitAllowList } = ctx.options;
  const maxErrors = defaultLimits().maxErrors;

  // The upgrade is rate limited like a deploy (a connection joins the market at most once).
  app.get('/ws/agent', { websocket: true, config: { access: 'socket', ...deployRateLimit(ctx.options) }, schema: { tags: ['websocket'], summary: 'Outside learners: a private MarketEnv or a live agent (docs/AGENT-PROTOCOL.md)' } }, (socket: WebSocket, req) => {
    if (sessions >= agentWsMaxSessions) {
      socket.close(1013, `at most ${agentWsMaxSessions} agent sessions at once; retry later`);
      return;
    }
    const ip = req.ip;
    const fromIp = perIp.get(ip) ?? 0;
    if (fromIp >= agentWsMaxPerIp && !rateLimitAllowList.includes(ip)) {
      socket.close(1013, `at most ${agentWsMaxPerIp} agent connections per IP address; close one and retry`);
      return;
    }
    perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    });
    sessions++;
    const session = new EnvSession({ maxEpisodeTicks: 100_000, maxErrors });
    let counted = true;
    let live: string | null = null;
    let joining = false;
    let usedEnv = false;
    let who: Identity = ANONYMOUS;
    // The upgrade's credential (checked valid by the access hook), then any auth message's.
    const identified = access.identity(req).then(
      (id) => {
        who = id;
      },
      (err: Error) => req.log.warn({ err: err.message }, 'could not check an agent connection\'s credentials; it stays anonymous'),
    );
    const send = (m: Record<string, unknown>) => {
      if (socket.readyState === 1) socket.send(JSON.stringify(m));
    };

    const join = async (m: JoinMessage) => {
      if (m.agent_id !== undefined && !new RegExp(AGENT_ID_PATTERN).test(m.agent_id)) {
        send({ type: 'error', code: 'CA_ERR_VALIDATION', message: `join.agent_id: ${AGENT_ID_RULE}` });
        return;
      }
      const timeoutMs = m.timeout_ms ?? DEFAULT_TIMEOUT_MS;
      if (timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
        send({ type: 'error', code: 'CA_ERR_VALIDATION', message: `join.timeout_ms must be in [${MIN_TIMEOUT_MS}, ${MAX_TIMEOUT_MS}], got ${timeoutMs}` });
        return;
      }
      joining = true;
      const refused = await socketRefusal(access, who, 'join');
      if (refused) {
        joining = false;
        send({ type: 'error', ...refused });
        return;
      }
      const keyId = who.kind === 'key' ? who.keyId : null;
      try {
        await ensureAgentRoom(ctx, keyId);
      } catch (e) {
        joining = false;
        if (e instanceof ApiError) return send({ type: 'error', code: e.code, message: e.message });
        throw e;
      }
      // A live agent does not occupy a private-environment slot.
      if (counted) {
        sessions--;
        counted = false;
      }
      const id = m.agent_id ?? `ext_${Math.random().toString(36).slice(2, 10)}`;
      if (hub.market.hasAgent(id) || hub.remote.has(id)) {
        joining = false;
        send({ type: 'error', code: 'CA_ERR_AGENT_EXISTS', message: `agent id ${id} is already taken; choose another agent_id or omit it` });
        return;
      }
      hub.remote.register(id, { send, close: (code: number, reason: string) => socket.close(code, reason) }, { timeoutMs, maxErrors });
      try {
        // With a key, the key's holder owns the agent (a message's owner is ignored), as on REST.
        const { manageKey } = await deployer.deployRemote({ agentId: id, owner: who.kind === 'key' ? who.name : (m.owner ?? null), timeoutMs });
        if (keyId) await store.setAgentOwnerKey(hub.simulationId, id, keyId);
        live = id;
        send({ type: 'joined', agent_id: id, manage_key: manageKey, observation: [...RL_FEATURES], actions: [...RL_ACTIONS], timeout_ms: timeoutMs, tick: hub.market.tick });
      } catch (e) {
        hub.remote.stop(id, 'join failed');
        send({ type: 'error', code: 'CA_ERR_VALIDATION', message: `could not join: ${(e as Error).message}` });
      } finally {
        joining = false;
      }
    };

    const onText = async (text: string, isBinary: boolean): Promise<void> => {
      if (live !== null) {
        const m = parseClientMessage(text);
        const problem = 'error' in m ? m.error : m.type !== 'act' ? `a live agent only sends {"type":"act","tick":t,"action":a}, got "${m.type}"` : hub.remote.answer(live, m.tick, m.action);
        if (problem) hub.remote.fault(live, problem);
        return;
      }
      if (joining) return send({ type: 'error', code: 'CA_ERR_VALIDATION', message: 'joining the market; wait for "joined"' });
      const auth = isBinary ? null : authMessageKey(text);
      if (auth) {
        if ('error' in auth) return send({ type: 'error', code: 'CA_ERR_VALIDATION', message: auth.error });
        const out = await authenticate(access, auth.key);
        if ('code' in out) return send({ type: 'error', ...out });
        who = out.identity;
        return send({ type: 'authenticated', role: who.role, name: who.name, key_id: who.keyId });
      }
      const m = parseClientMessage(text);
      if (!('error' in m) && m.type === 'join') {
        if (usedEnv) return send({ type: 'error', code: 'CA_ERR_VALIDATION', message: 'join the live market on a fresh connection: this one is stepping a private environment' });
        void join(m);
        return;
      }
      if (!('error' in m) && m.type !== 'hello') {
        const refused = await socketRefusal(access, who, 'environment');
        if (refused) return send({ type: 'error', ...refused });
      }
      usedEnv = true;
      const { reply, close } = session.handle(isBinary ? 'binary' : text);
      send(reply);
      if (close) socket.close(1008, 'too many protocol errors');
    };
    // Messages are handled one at a time, in order, after the upgrade's credential is known.
    let inOrder: Promise<void> = identified;
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      inOrder = inOrder
        .then(() => onText(text, isBinary))
        .catch((err: Error) => {
          req.log.warn({ err: err.message }, 'agent websocket message failed');
          send({ type: 'error', code: 'CA_ERR_INTERNAL', message: 'the server could not handle that message; retry' });
        });
    });
    const release = () => {
      if (counted) sessions--;
      counted = false;
      const id = live;
      live = null;
      if (id && hub.remote.has(id)) {
        hub.remote.stop(id, 'outside learner disconnected');
        deployer.stopAgent(id, { reason: 'outside learner disconnected', by: 'owner' }).catch(() => undefined);
      }
    };
    socket.on('close', release);
    socket.on('error', (err: Error) => {
      req.log.debug({ err: err.message }, 'agent websocket error');
      release();
    });
  });
};
