/**
 * The `rl_ppo` agent (docs/MODEL.md §6): an actor-critic that learns online with PPO (`PpoLearner`) from the
 * market it trades in. It observes 14 features, picks one of 7 actions (hold; buy or sell small
 * passive, medium, large aggressive) and is rewarded with its PnL change less an inventory-risk
 * term and (again) the impact the engine charged it — so a crowded market teaches it to trade
 * smaller.
 *
 * Modes: `learning` (default), `frozen` (a loaded model acts, never updates: `frozen: true`) and
 * `fallback` (`learn: false` and no model: a fixed stochastic policy, the fallback of docs/MODEL.md §6).
 *
 * Everything is deterministic: weights are initialised, actions sampled and minibatches shuffled
 * from the agent's own seeded stream, and the learner's state (weights, optimiser, observation
 * statistics, the rollout and any half-done update) is part of the agent's checkpoint.
 */
import type { RlPpoConfig } from '../../config.js';
import type { MarketState, OrderIntent } from '../../types.js';
import { BaseAgent } from '../base-agent.js';
import { RL_ACTIONS, rlActionOrders } from './action-space.js';
import type { MlpState } from './mlp.js';
import { anchorOf, rlReward, type RewardAnchor } from './reward.js';
import { PpoLearner, modelProblem, type Decision, type PpoLearnerState, type PpoModel, type UpdateStats } from './ppo-learner.js';

export const RL_FEATURES = [
  'price_vs_vwap',
  'relative_spread',
  'inventory',
  'pnl',
  'volatility',
  'momentum_5',
  'momentum_20',
  'depth_imbalance',
  'trade_imbalance',
  'crowding',
  'side_pressure',
  'impact_skew',
  'buy_impact_multiplier',
  'sell_impact_multiplier',
] as const;

export { RL_ACTIONS };

/** The fallback policy: mostly hold, otherwise a uniformly random trade. */
export const FALLBACK_PROBS: readonly number[] = [0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];

/** One learning-curve point (a PPO update's diagnostics). */
export type LearningPoint = UpdateStats;

export type RlMode = 'learning' | 'frozen' | 'fallback';

const clip = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

export function observe(s: MarketState, maxInventory: number, initialPnl: number): Float64Array {
  const x = new Float64Array(RL_FEATURES.length);
  const h = s.priceHistory;
  const past = (k: number) => (h.length > k ? (h[h.length - 1 - k] as number) : s.mid);
  let bidQty = 0;
  let askQty = 0;
  for (const l of s.depth.bids) bidQty += l.qty;
  for (const l of s.depth.asks) askQty += l.qty;
  let signed = 0;
  let total = 0;
  for (const t of s.recentTrades) {
    total += t.qty;
    signed += t.aggressor === 'BID' ? t.qty : -t.qty;
  }
  const c = s.crowding;
  x[0] = ((s.mid - s.vwap) / s.vwap) * 100;
  x[1] = s.spread === null ? 0 : (s.spread / s.mid) * 1000;
  x[2] = s.position / maxInventory;
  x[3] = Math.tanh((s.pnl - initialPnl) / 1000);
  x[4] = s.volatility * 100;
  x[5] = (s.mid / past(5) - 1) * 100;
  x[6] = (s.mid / past(20) - 1) * 100;
  x[7] = bidQty + askQty > 0 ? (bidQty - askQty) / (bidQty + askQty) : 0;
  x[8] = total > 0 ? signed / total : 0;
  x[9] = c.intensity;
  x[10] = c.sidePressure;
  x[11] = c.buyImpactMultiplier - c.sellImpactMultiplier;
  x[12] = c.buyImpactMultiplier - 1;
  x[13] = c.sellImpactMultiplier - 1;
  for (let i = 0; i < x.length; i++) x[i] = Number.isFinite(x[i]) ? clip(x[i] as number, -5, 5) : 0;
  return x;
}


/** Reward EMA weight for the diagnostics of agents that do not update (frozen, fallback). */
const REWARD_EMA = 0.01;

interface SavedDecision extends Omit<Decision, 'obs'> {
  obs: number[];
}

export class RlPpoAgent extends BaseAgent {
  private learner: PpoLearner | null = null;
  private model: PpoModel | null = null;
  private pending: Decision | null = null;
  private anchor: RewardAnchor | null = null;
  private initialPnl: number | null = null;
  private lastAction = 0;
  private rewardEma: number | null = null;

  constructor(
    id: string,
    private readonly cfg: RlPpoConfig,
  ) {
    super(id, 'rl_ppo');
  }

  /** What the agent does each tick: frozen when asked to (or given a model with learning off), else learn or fall back. */
  get mode(): RlMode {
    if (this.cfg.frozen || (this.model && !this.cfg.learn)) return 'frozen';
    return this.cfg.learn ? 'learning' : 'fallback';
  }

  override attach(ctx: Parameters<BaseAgent['attach']>[0]): void {
    super.attach(ctx);
    if (!this.learner) {
      // Networks are created on attach: their initial weights come from the agent's own stream.
      this.learner = new PpoLearner(RL_FEATURES.length, RL_ACTIONS.length, this.cfg, ctx.rng.derive('rl-init'));
      if (this.model) this.learner.loadModel(this.model);
    }
  }

  /**
   * Starts from a trained model (weights and observation statistics): it then acts from the model,
   * and keeps learning unless `frozen`. Throws when the model does not fit this agent's networks.
   */
  loadModel(model: PpoModel): void {
    const problem = modelFitProblem(model, this.cfg);
    if (problem) throw new Error(problem);
    this.model = model;
    this.learner?.loadModel(model);
  }

  /** The agent's current policy as a portable model. */
  exportModel(meta: Record<string, unknown> = {}): PpoModel {
    if (!this.learner) throw new Error(`agent ${this.id} has no policy until it is added to a simulation`);
    return this.learner.exportModel(RL_FEATURES, RL_ACTIONS, meta);
  }

  onTick(state: MarketState): OrderIntent[] {
    if (this.initialPnl === null) this.initialPnl = state.pnl;
    const raw = observe(state, this.cfg.maxInventory, this.initialPnl);
    const mode = this.mode;
    const learner = this.learner;

    // Reward for the previous action arrives with this tick's PnL.
    if (this.pending && this.anchor) {
      const reward = rlReward(this.anchor, state, this.cfg);
      this.rewardEma = this.rewardEma === null ? reward : this.rewardEma + REWARD_EMA * (reward - this.rewardEma);
      if (mode === 'learning' && learner) learner.record(0, this.pending, reward, false);
      this.pending = null;
    }
    this.anchor = anchorOf(state);

    let action: number;
    if (mode === 'fallback' || !learner) {
      action = sample(FALLBACK_PROBS, this.random.next());
    } else {
      if (mode === 'learning') this.advanceUpdate(learner, raw, state.tick);
      const d = learner.decide(raw, this.random.next(), mode === 'learning');
      action = d.action;
      // Frozen agents keep the decision too: the next tick scores its reward for the diagnostics.
      this.pending = d;
    }
    this.lastAction = action;
    if (!this.pending) this.pending = { action, logp: 0, value: 0, epsilon: 0, obs: raw };
    return this.ordersFor(action, state);
  }

  /** Begins an update when a rollout is full and runs this tick's share of it. */
  private advanceUpdate(learner: PpoLearner, raw: Float64Array, tick: number): void {
    const perTick = this.cfg.minibatchesPerTick > 0 ? this.cfg.minibatchesPerTick : autoMinibatchesPerTick(this.cfg, learner.policy.size + learner.value.size);
    if (!learner.updating() && learner.readyToUpdate()) learner.beginUpdate([learner.normalize(raw, false)], tick);
    if (learner.updating()) learner.runUpdate(this.random, perTick);
  }

  override factorVector(): number[] {
    return [this.lastAction];
  }

  override diagnostics(): Record<string, number | string | boolean | null> {
    const learner = this.learner;
    const last = learner?.lastUpdate() ?? null;
    const mode = this.mode;
    const out: Record<string, number | string | boolean | null> = {
      rl_mode: mode,
      rl_learning: mode === 'learning',
      rl_updates: learner?.updates ?? 0,
      rl_steps: learner?.steps ?? 0,
      rl_mean_reward: mode === 'learning' ? (last?.mean_reward ?? null) : this.rewardEma,
      rl_entropy: last?.entropy ?? null,
      rl_value_loss: last?.value_loss ?? null,
      rl_approx_kl: last?.approx_kl ?? null,
      rl_clip_fraction: last?.clip_fraction ?? null,
      rl_explained_variance: last?.explained_variance ?? null,
      rl_exploration: mode === 'learning' && learner ? learner.exploration() : 0,
      rl_learning_rate: mode === 'learning' && learner ? learner.learningRate() : 0,
    };
    const probs = mode === 'fallback' || !learner ? FALLBACK_PROBS : learner.lastActionProbs();
    for (let a = 0; a < RL_ACTIONS.length; a++) out[`rl_prob_${RL_ACTIONS[a]}`] = probs[a] ?? null;
    return out;
  }

  /** One point per PPO update, oldest first (bounded by `curveLength`). */
  learningCurve(): LearningPoint[] {
    return this.learner?.learningCurve() ?? [];
  }

  override saveState(): unknown {
    return {
      version: 2,
      learner: this.learner?.save() ?? null,
      model: this.model,
      pending: this.pending ? { ...this.pending, obs: [...this.pending.obs] } : null,
      anchor: this.anchor,
      initialPnl: this.initialPnl,
      lastAction: this.lastAction,
      rewardEma: this.rewardEma,
    };
  }

  override loadState(state: unknown): void {
    const s = state as {
      version?: number;
      learner?: PpoLearnerState | null;
      model?: PpoModel | null;
      pending: SavedDecision | null;
      anchor?: RewardAnchor | null;
      initialPnl: number | null;
      lastAction: number;
      rewardEma?: number | null;
      // version 1 (one-layer nets, no learner object)
      policy?: MlpState | null;
      value?: MlpState | null;
    };
    if (s.model) this.loadModel(s.model);
    if (s.learner && this.learner) this.learner.load(s.learner);
    else if (s.policy && s.value && this.learner) {
      // A checkpoint from before the learner existed: keep its weights, drop its rollout.
      this.learner.policy.load(s.policy);
      this.learner.value.load(s.value);
    }
    const p = s.version === 2 ? s.pending : null;
    this.pending = p ? { ...p, obs: Float64Array.from(p.obs) } : null;
    this.anchor = s.anchor ?? null;
    this.initialPnl = s.initialPnl;
    this.lastAction = s.lastAction;
    this.rewardEma = s.rewardEma ?? null;
  }

  private ordersFor(action: number, s: MarketState): OrderIntent[] {
    return rlActionOrders(action, s, this.cfg);
  }

}

/**
 * Why `model` cannot drive an `rl_ppo` agent configured as `cfg` (features, actions, layer sizes,
 * observation normalisation), or null when it can.
 */
export function modelFitProblem(model: unknown, cfg: Pick<RlPpoConfig, 'hiddenLayers' | 'hiddenUnits' | 'normalizeObservations'>): string | null {
  const problem = modelProblem(model, RL_FEATURES.length, RL_ACTIONS.length);
  if (problem) return problem;
  const m = model as PpoModel;
  if (m.hiddenLayers !== cfg.hiddenLayers || m.hiddenUnits !== cfg.hiddenUnits) {
    return `model has ${m.hiddenLayers} hidden layer(s) of ${m.hiddenUnits}, the agent ${cfg.hiddenLayers} of ${cfg.hiddenUnits}; set hiddenLayers/hiddenUnits to match the model`;
  }
  if ((m.obsNorm !== null) !== cfg.normalizeObservations) return `model was trained with normalizeObservations=${m.obsNorm !== null}; set the agent's normalizeObservations the same`;
  return null;
}

/**
 * Minibatch steps per tick that keep one tick's update work (samples × parameters) within
 * `updateWorkPerTick`; Infinity (the whole update) when the budget is 0 or the update fits in it.
 */
export function autoMinibatchesPerTick(cfg: Pick<RlPpoConfig, 'updateWorkPerTick' | 'minibatchSize' | 'rolloutLength' | 'epochs'>, params: number): number {
  if (cfg.updateWorkPerTick <= 0) return Infinity;
  const whole = cfg.rolloutLength * cfg.epochs * params;
  if (whole <= cfg.updateWorkPerTick) return Infinity;
  return Math.max(1, Math.floor(cfg.updateWorkPerTick / (Math.max(1, cfg.minibatchSize) * params)));
}

/** Index drawn from `probs` with the uniform `u`. */
function sample(probs: readonly number[], u: number): number {
  let left = u;
  for (let a = 0; a < probs.length; a++) {
    left -= probs[a] as number;
    if (left < 0) return a;
  }
  return probs.length - 1;
}
