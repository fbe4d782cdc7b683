/**
 * One outside learner stepping a private `MarketEnv` over `WS /ws/agent`: reset(seed) starts an
 * episode in a fresh market, act(action) steps it. Bounded like a sandboxed strategy: episode
 * length capped, at most `maxErrors` protocol errors (then the session ends), and the number of
 * sessions is capped by the caller.
 */
import { MarketEnv, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
import { parseClientMessage } from './messages.js';

export interface EnvSessionLimits {
  /** Longest episode a client may ask for, ticks. */
  maxEpisodeTicks: number;
  /** Protocol errors after which the session is closed (the sandbox's maxErrors). */
  maxErrors: number;
}

export const DEFAULT_ENV_SESSION_LIMITS: EnvSessionLimits = { maxEpisodeTicks: 100_000, maxErrors: 3 };

/** Default episode when reset does not say: the MarketEnv default. */
const DEFAULT_EPISODE_TICKS = 1000;

export type Reply = Record<string, unknown>;

export class EnvSession {
  private env: MarketEnv | null = null;
  private done = true;
  errors = 0;

  constructor(private readonly limits: EnvSessionLimits = DEFAULT_ENV_SESSION_LIMITS) {}

  /** The reply to one client text message, and whether the session must close after it. */
  handle(text: string): { reply: Reply; close: boolean } {
    const m = parseClientMessage(text);
    if ('error' in m) return this.fail('CA_ERR_VALIDATION', m.error);
    if (m.type === 'hello') return { reply: { type: 'hello', protocol: 1, modes: ['env', 'live'] }, close: false };
    if (m.type === 'reset') {
      const ticks = m.episode_ticks ?? DEFAULT_EPISODE_TICKS;
      if (ticks > this.limits.maxEpisodeTicks) return this.fail('CA_ERR_VALIDATION', `episode_ticks must be <= ${this.limits.maxEpisodeTicks}, got ${ticks}`);
      try {
        this.env = new MarketEnv({ episodeTicks: ticks, config: (m.config ?? {}) as DeepPartial<SimulationConfig> });
        const obs = this.env.reset(m.seed);
        this.done = false;
        return {
          reply: { type: 'observation', obs: [...obs], observation: [...this.env.observationNames], actions: [...this.env.actionSpace.names], step: 0, episode_ticks: ticks },
          close: false,
        };
      } catch (e) {
        this.env = null;
        return this.fail('CA_ERR_MARKET_CONFIG', (e as Error).message);
      }
    }
    if (m.type === 'join') return this.fail('CA_ERR_VALIDATION', 'join the live market on a fresh connection: this one is stepping a private environment');
    const env = this.env;
    if (!env || this.done) return this.fail('CA_ERR_VALIDATION', 'no episode in progress: send {"type":"reset","seed":n} first');
    if (m.action < 0 || m.action >= env.actions) {
      return this.fail('CA_ERR_VALIDATION', `action must be in [0, ${env.actions - 1}] (${env.actionSpace.names.join(', ')}), got ${m.action}`);
    }
    const r = env.step(m.action);
    this.done = r.terminated || r.truncated;
    return { reply: { type: 'step', obs: [...r.obs], reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info }, close: false };
  }

  private fail(code: string, message: string): { reply: Reply; close: boolean } {
    this.errors++;
    const close = this.errors >= this.limits.maxErrors;
    return { reply: { type: 'error', code, message: close ? `${message} (error ${this.errors} of ${this.limits.maxErrors}: closing the session)` : message }, close };
  }
}
