/** Parsing shared by `train` and `evaluate`: PPO hyperparameters from JSON or --set, curve columns. */
import { InvalidArgumentError } from 'commander';
import { RL_ACTIONS, defaultConfig, pickHyper, type PpoHyperparameters } from '@crowdalpha/engine';

export const CURVE_COLUMNS: readonly string[] = [
  'update', 'steps', 'mean_reward', 'recent_episode_net_pnl', 'policy_loss', 'value_loss', 'entropy', 'approx_kl', 'clip_fraction',
  'explained_variance', 'learning_rate', 'exploration', ...RL_ACTIONS.map((a) => `p_${a}`),
];

/** Validated PPO hyperparameters from an object; unknown keys and wrong types name the valid ones. */
export function parseHyperparameters(raw: Record<string, unknown>, flag: string): Partial<PpoHyperparameters> {
  const defaults = pickHyper(defaultConfig().rlPpo) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in defaults)) throw new InvalidArgumentError(`${flag}: unknown PPO hyperparameter "${k}"; valid: ${Object.keys(defaults).join(', ')}`);
    const want = typeof defaults[k];
    if (typeof v !== want || (typeof v === 'number' && (!Number.isFinite(v) || v < 0))) {
      throw new InvalidArgumentError(`${flag}: ${k} must be ${want === 'boolean' ? 'true or false' : 'a finite number >= 0'}, got ${JSON.stringify(v)}`);
    }
    out[k] = v;
  }
  return out as Partial<PpoHyperparameters>;
}
