/**
 * WS /ws/agent: outside learners (any language) over the protocol of docs/AGENT-PROTOCOL.md —
 * observation → action → reward. A connection either steps its own private `MarketEnv`
 * (`reset`/`act`) or, after `join`, acts as an agent in the live market (an observation each
 * tick, answered with `act` within its deadline). Limits are the sandbox's: at most
 * `MAX_ENV_SESSIONS` private environments at once, messages up to the server's WebSocket payload
 * limit, episodes up to 100,000 ticks; the per-tick deadline is `timeout_ms` (default 120, 5..1000)
 * and `maxErrors` faults (protocol errors, missed ticks) close a private session or silence a live
 * agent. A live agent that disconnects is stopped.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '@crowdalpha/engine/wire';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, MIN_TIMEOUT_MS, defaultLimits } from '@crowdalpha/sandbox';
import type { PluginOptions } from '../context.js';
import { EnvSession } from '../agent-protocol/env-session.js';
import { parseClientMessage, type JoinMessage } from '../agent-protocol/messages.js';
import { RL_ACTIONS, RL_FEATURES } from '@crowdalpha/engine';

/** Private environments stepped at once: each step runs on the server's event loop. */
export const MAX_ENV_SESSIONS = 8;

export const agentWsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { hub, deployer } = ctx;
  let sessions = 0;
  const maxErrors = defaultLimits().maxErrors;

  app.get('/ws/agent', { websocket: true, schema: { tags: ['websocket'], summary: 'Outside learners: a private MarketEnv or a live agent (docs/AGENT-PROTOCOL.md)' } }, (socket: WebSocket, req) => {
    if (sessions >= MAX_ENV_SESSIONS) {
      socket.close(1013, `at most ${MAX_ENV_SESSIONS} agent sessions at once; retry later`);
      return;
    }
    sessions++;
    const session = new EnvSession({ maxEpisodeTicks: 100_000, maxErrors });
    let counted = true;
    let live: string | null = null;
    let joining = false;
    let usedEnv = false;
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
        const { manageKey } = await deployer.deployRemote({ agentId: id, owner: m.owner ?? null, timeoutMs });
        live = id;
        send({ type: 'joined', agent_id: id, manage_key: manageKey, observation: [...RL_FEATURES], actions: [...RL_ACTIONS], timeout_ms: timeoutMs, tick: hub.market.tick });
      } catch (e) {
        hub.remote.stop(id, 'join failed');
        send({ type: 'error', code: 'CA_ERR_VALIDATION', message: `could not join: ${(e as Error).message}` });
      } finally {
        joining = false;
      }
    };

    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (live !== null) {
        const m = parseClientMessage(text);
        const problem = 'error' in m ? m.error : m.type !== 'act' ? `a live agent only sends {"type":"act","tick":t,"action":a}, got "${m.type}"` : hub.remote.answer(live, m.tick, m.action);
        if (problem) hub.remote.fault(live, problem);
        return;
      }
      if (joining) return send({ type: 'error', code: 'CA_ERR_VALIDATION', message: 'joining the market; wait for "joined"' });
      const m = parseClientMessage(text);
      if (!('error' in m) && m.type === 'join') {
        if (usedEnv) return send({ type: 'error', code: 'CA_ERR_VALIDATION', message: 'join the live market on a fresh connection: this one is stepping a private environment' });
        void join(m);
        return;
      }
      usedEnv = true;
      const { reply, close } = session.handle(isBinary ? 'binary' : text);
      send(reply);
      if (close) socket.close(1008, 'too many protocol errors');
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
