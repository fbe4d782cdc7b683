/**
 * The window and sample-count options both alpha-decay estimators (alpha-decay.ts, the original;
 * agent-decay.ts, per agent over time) check when constructed directly, outside `resolveConfig`.
 */
import type { AlphaDecayConfig } from '../config.js';

type IntegerKey = 'sharpeWindow' | 'maxSamples' | 'agentWindow' | 'agentMaxSamples';

/** Throws a RangeError naming `alphaDecay.<key>` unless it is an integer >= `min`. */
export function requireDecayInteger(opts: AlphaDecayConfig, key: IntegerKey, min: 1 | 2): void {
  const v = opts[key];
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`alphaDecay.${key} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got ${v}`);
  }
}
