/**
 * The outside-learner protocol (`WS /ws/agent`, docs/AGENT-PROTOCOL.md): JSON text messages.
 *
 * Private environment:   client {"type":"reset","seed":7,"episode_ticks"?:n,"config"?:{…}}
 *                         server {"type":"observation","obs":[…],"observation":[names],"actions":[names],"step":0}
 *                         client {"type":"act","action":3}
 *                         server {"type":"step","obs":[…],"reward":r,"terminated":b,"truncated":b,"info":{…}}
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

export type ClientMessage = ResetMessage | ActMessage | { type: 'hello' };

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
    default:
      return { error: `unknown message type ${JSON.stringify(m.type)}; expected "reset" or "act"` };
  }
}
