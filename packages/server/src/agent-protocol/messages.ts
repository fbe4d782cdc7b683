/**
 * The outside-learner protocol (`WS /ws/agent`, docs/AGENT-PROTOCOL.md): JSON text messages.
 *
 * Private environment:   client {"type":"reset","seed":7,"episode_ticks"?:n,"config"?:{…}}
 *                         server {"type":"observation","obs":[…],"observation":[names],"actions":[names],"step":0}
 *                         client {"type":"act","action":3}
 *                         server {"type":"step","obs":[…],"reward":r,"terminated":b,"truncated":b,"info":{…}}
 * Live market:            client {"type":"join","agent_id"?,"owner"?,"timeout_ms"?}
 *                         server {"type":"joined","agent_id","manage_key",…}; then each tick
 *                         server {"type":"observation","tick":t,"obs":[…],"reward":r|null,"info":{…}}
 *                         client {"type":"act","tick":t,"action":a}
 * Keys:                   client {"type":"auth","key":"<API key>"} (or Authorization on the upgrade)
 *                         server {"type":"authenticated","role","name","key_id"} (http/ws-auth.ts)
 * Errors:                 server {"type":"error","code":"…","message":"…"}; a session closes after
 *                         `maxErrors` protocol errors, like a sandboxed strategy is silenced.
 */

export const AGENT_PROTOCOL_VERSION = 1;

export interface ResetMessage {
  type: 'reset';
  seed: number;
  episode_ticks?: number;
  config?: Record<string, unknown>;
}

export interface ActMessage {
  type: 'act';
  action: number;
  /** Live market only: the tick the action answers. */
  tick?: number;
}

/** Join the live market as an agent (see remote-agents.ts). */
export interface JoinMessage {
  type: 'join';
  agent_id?: string;
  owner?: string;
  /** Per-tick deadline for the action, ms (the sandbox's timeout_ms rule). */
  timeout_ms?: number;
}

export type ClientMessage = ResetMessage | ActMessage | JoinMessage | { type: 'hello' };

/** A client message parsed, or what is wrong with it (said so the client can fix it). */
export function parseClientMessage(text: string): ClientMessage | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'expected a JSON object with a "type"' };
  const m = v as Record<string, unknown>;
  switch (m.type) {
    case 'hello':
      return { type: 'hello' };
    case 'reset': {
      if (!Number.isSafeInteger(m.seed) || (m.seed as number) < 0) return { error: `reset.seed must be a non-negative integer, got ${JSON.stringify(m.seed)}` };
      if (m.episode_ticks !== undefined && (!Number.isSafeInteger(m.episode_ticks) || (m.episode_ticks as number) < 1)) {
        return { error: `reset.episode_ticks must be a positive integer, got ${JSON.stringify(m.episode_ticks)}` };
      }
      if (m.config !== undefined && (!m.config || typeof m.config !== 'object' || Array.isArray(m.config))) return { error: 'reset.config must be an object of market config overrides' };
      const out: ResetMessage = { type: 'reset', seed: m.seed as number };
      if (m.episode_ticks !== undefined) out.episode_ticks = m.episode_ticks as number;
      if (m.config !== undefined) out.config = m.config as Record<string, unknown>;
      return out;
    }
    case 'act': {
      if (!Number.isInteger(m.action)) return { error: `act.action must be an integer action index, got ${JSON.stringify(m.action)}` };
      const out: ActMessage = { type: 'act', action: m.action as number };
      if (m.tick !== undefined) {
        if (!Number.isSafeInteger(m.tick)) return { error: `act.tick must be an integer, got ${JSON.stringify(m.tick)}` };
        out.tick = m.tick as number;
      }
      return out;
    }
    case 'join': {
      const out: JoinMessage = { type: 'join' };
      if (m.agent_id !== undefined) {
        if (typeof m.agent_id !== 'string') return { error: 'join.agent_id must be a string' };
        out.agent_id = m.agent_id;
      }
      if (m.owner !== undefined) {
        if (typeof m.owner !== 'string' || m.owner.length === 0 || m.owner.length > 120) return { error: 'join.owner must be a string of 1..120 characters' };
        out.owner = m.owner;
      }
      if (m.timeout_ms !== undefined) {
        if (!Number.isInteger(m.timeout_ms)) return { error: `join.timeout_ms must be an integer number of ms, got ${JSON.stringify(m.timeout_ms)}` };
        out.timeout_ms = m.timeout_ms as number;
      }
      return out;
    }
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)}; expected "reset", "act", "join", "auth" or "hello"` };
  }
}
