/**
 * The `rl_ppo` agent (SPEC §6): a small actor-critic that learns online with PPO from the market it
 * trades in. It observes 14 normalised features, picks one of 7 actions (hold; buy or sell small
 * passive, medium, large aggressive) and is rewarded with its PnL change less an inventory-risk
 * term and the impact its action is expected to cost — so a crowded market teaches it to trade
 * smaller. With `learn: false` it runs a fixed stochastic policy instead (the SPEC's fallback).
 *
 * Everything is deterministic: weights are initialised and actions sampled from the agent's own
 * seeded stream, and the learner's state is part of the agent's checkpoint.
 */
import type { RlPpoConfig } from '../../config.js';
import type { MarketState, OrderIntent } from '../../types.js';
import { BaseAgent } from '../base-agent.js';
import { Mlp, type MlpState } from './mlp.js';

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

export const RL_ACTIONS = ['hold', 'buy_small', 'buy_medium', 'buy_large', 'sell_small', 'sell_medium', 'sell_large'] as const;

/** The fallback policy: mostly hold, otherwise a uniformly random trade. */
const FALLBACK_PROBS = [0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];

export interface LearningPoint {
  update: number;
  tick: number;
  mean_reward: number;
  policy_loss: number;
  value_loss: number;
  entropy: number;
}

interface Transition {
  obs: Float64Array;
  action: number;
  logp: number;
  value: number;
  reward: number;
}

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

export class RlPpoAgent extends BaseAgent {
  private policy: Mlp | null = null;
  private value: Mlp | null = null;
  private rollout: Transition[] = [];
  private pending: Transition | null = null;
  private lastPnl: number | null = null;
  private initialPnl: number | null = null;
  private updates = 0;
  private curve: LearningPoint[] = [];
  private lastAction = 0;
  private readonly probs: Float64Array;

  constructor(
    id: string,
    private readonly cfg: RlPpoConfig,
    private readonly eta = 0.01,
  ) {
    super(id, 'rl_ppo');
    this.probs = new Float64Array(RL_ACTIONS.length);
  }

  override attach(ctx: Parameters<BaseAgent['attach']>[0]): void {
    super.attach(ctx);
    if (this.cfg.learn && !this.policy) {
      // Networks are created on attach: their initial weights come from the agent's own stream.
      const init = ctx.rng.derive('rl-init');
      this.policy = new Mlp(RL_FEATURES.length, this.cfg.hiddenUnits, RL_ACTIONS.length, init, 0.01);
      this.value = new Mlp(RL_FEATURES.length, this.cfg.hiddenUnits, 1, init, 1);
    }
  }

  onTick(state: MarketState): OrderIntent[] {
    if (this.initialPnl === null) this.initialPnl = state.pnl;
    const obs = observe(state, this.cfg.maxInventory, this.initialPnl);

    // Reward for the previous action arrives with this tick's PnL.
    if (this.pending && this.lastPnl !== null) {
      const dPnl = state.pnl - this.lastPnl;
      const riskPenalty = this.cfg.riskAversion * state.position * state.position;
      const raw = (dPnl - riskPenalty - this.impactEstimate(this.pending.action, state)) * this.cfg.rewardScale;
      this.pending.reward = clip(raw, -this.cfg.rewardClip, this.cfg.rewardClip);
      this.rollout.push(this.pending);
      this.pending = null;
      if (this.policy && this.rollout.length >= this.cfg.rolloutLength) this.update(obs, state.tick);
      else if (!this.policy && this.rollout.length >= this.cfg.rolloutLength) this.rollout = [];
    }
    this.lastPnl = state.pnl;

    const action = this.act(obs);
    this.lastAction = action;
    const v = this.value ? (this.value.forward(obs)[0] as number) : 0;
    this.pending = { obs, action, logp: Math.log(Math.max(this.probs[action] as number, 1e-12)), value: v, reward: 0 };
    return this.ordersFor(action, state);
  }

  override factorVector(): number[] {
    return [this.lastAction];
  }

  override diagnostics(): Record<string, number | string | boolean | null> {
    const last = this.curve[this.curve.length - 1];
    return {
      rl_learning: this.policy !== null,
      rl_updates: this.updates,
      rl_mean_reward: last?.mean_reward ?? null,
      rl_entropy: last?.entropy ?? null,
    };
  }

  /** One point per PPO update, oldest first (bounded by `curveLength`). */
  learningCurve(): LearningPoint[] {
    return this.curve.slice();
  }

  override saveState(): unknown {
    return {
      policy: this.policy?.save() ?? null,
      value: this.value?.save() ?? null,
      rollout: this.rollout.map((t) => ({ ...t, obs: [...t.obs] })),
      pending: this.pending ? { ...this.pending, obs: [...this.pending.obs] } : null,
      lastPnl: this.lastPnl,
      initialPnl: this.initialPnl,
      updates: this.updates,
      curve: this.curve,
      lastAction: this.lastAction,
    };
  }

  override loadState(state: unknown): void {
    type Saved = Omit<Transition, 'obs'> & { obs: number[] };
    const s = state as {
      policy: MlpState | null;
      value: MlpState | null;
      rollout: Saved[];
      pending: Saved | null;
      lastPnl: number | null;
      initialPnl: number | null;
      updates: number;
      curve: LearningPoint[];
      lastAction: number;
    };
    if (s.policy && this.policy) this.policy.load(s.policy);
    if (s.value && this.value) this.value.load(s.value);
    this.rollout = s.rollout.map((t) => ({ ...t, obs: Float64Array.from(t.obs) }));
    this.pending = s.pending ? { ...s.pending, obs: Float64Array.from(s.pending.obs) } : null;
    this.lastPnl = s.lastPnl;
    this.initialPnl = s.initialPnl;
    this.updates = s.updates;
    this.curve = s.curve;
    this.lastAction = s.lastAction;
  }

  private act(obs: Float64Array): number {
    if (this.policy) softmax(this.policy.forward(obs), this.probs);
    else this.probs.set(FALLBACK_PROBS);
    let u = this.random.next();
    for (let a = 0; a < this.probs.length; a++) {
      u -= this.probs[a] as number;
      if (u < 0) return a;
    }
    return this.probs.length - 1;
  }

  private ordersFor(action: number, s: MarketState): OrderIntent[] {
    if (action === 0) return [];
    const buy = action <= 3;
    const size = (action - 1) % 3; // 0 small, 1 medium, 2 large
    if (buy && s.position >= this.cfg.maxInventory) return [];
    if (!buy && s.position <= -this.cfg.maxInventory) return [];
    const side = buy ? 'BID' : 'ASK';
    if (size === 2) return [{ side, type: 'MARKET', qty: this.cfg.largeQty }];
    const qty = size === 0 ? this.cfg.smallQty : this.cfg.mediumQty;
    const offset = size === 0 ? this.cfg.smallOffset : this.cfg.mediumOffset;
    // Passive orders sit inside the spread, `offset` of the way from our own side to the far side.
    const bid = s.bestBid ?? s.mid - this.tickSize;
    const ask = s.bestAsk ?? s.mid + this.tickSize;
    const price = buy ? bid + offset * (ask - bid) : ask - offset * (ask - bid);
    return [{ side, type: 'LIMIT', price: this.roundPrice(price), qty }];
  }

  private impactEstimate(action: number, s: MarketState): number {
    if (action === 0) return 0;
    const buy = action <= 3;
    const size = (action - 1) % 3;
    const qty = size === 0 ? this.cfg.smallQty : size === 1 ? this.cfg.mediumQty : this.cfg.largeQty;
    const side = buy ? s.crowding.buyImpactMultiplier : s.crowding.sellImpactMultiplier;
    return this.eta * side * s.crowding.agentImpactMultiplier * Math.sqrt(qty) * qty;
  }

  /** PPO on the finished rollout: GAE advantages, clipped surrogate, value regression, entropy bonus. */
  private update(nextObs: Float64Array, tick: number): void {
    const policy = this.policy as Mlp;
    const value = this.value as Mlp;
    const cfg = this.cfg;
    const T = this.rollout.length;
    const adv = new Float64Array(T);
    const ret = new Float64Array(T);
    let next = value.forward(nextObs)[0] as number;
    let gae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const tr = this.rollout[t] as Transition;
      const delta = tr.reward + cfg.gamma * next - tr.value;
      gae = delta + cfg.gamma * cfg.gaeLambda * gae;
      adv[t] = gae;
      ret[t] = gae + tr.value;
      next = tr.value;
    }
    let mean = 0;
    for (let t = 0; t < T; t++) mean += adv[t] as number;
    mean /= T;
    let sd = 0;
    for (let t = 0; t < T; t++) sd += ((adv[t] as number) - mean) ** 2;
    sd = Math.sqrt(sd / T) + 1e-8;

    const probs = new Float64Array(RL_ACTIONS.length);
    const dLogits = new Float64Array(RL_ACTIONS.length);
    const dV = new Float64Array(1);
    let policyLoss = 0;
    let valueLoss = 0;
    let entropy = 0;
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      policyLoss = 0;
      valueLoss = 0;
      entropy = 0;
      for (let t = 0; t < T; t++) {
        const tr = this.rollout[t] as Transition;
        const a = ((adv[t] as number) - mean) / sd;
        softmax(policy.forward(tr.obs), probs);
        const logp = Math.log(Math.max(probs[tr.action] as number, 1e-12));
        const ratio = Math.exp(logp - tr.logp);
        const clipped = clip(ratio, 1 - cfg.clipEpsilon, 1 + cfg.clipEpsilon);
        policyLoss -= Math.min(ratio * a, clipped * a);
        let h = 0;
        for (let k = 0; k < probs.length; k++) {
          const p = probs[k] as number;
          if (p > 0) h -= p * Math.log(p);
        }
        entropy += h;
        const active = !((a > 0 && ratio > 1 + cfg.clipEpsilon) || (a < 0 && ratio < 1 - cfg.clipEpsilon));
        for (let k = 0; k < probs.length; k++) {
          const p = probs[k] as number;
          const dlogp = (k === tr.action ? 1 : 0) - p;
          const dH = p > 0 ? -p * (Math.log(p) + h) : 0;
          dLogits[k] = (active ? -ratio * a * dlogp : 0) - cfg.entropyCoef * dH;
        }
        policy.backward(tr.obs, dLogits);
        const v = value.forward(tr.obs)[0] as number;
        dV[0] = v - (ret[t] as number);
        valueLoss += 0.5 * (dV[0] as number) ** 2;
        value.backward(tr.obs, dV);
      }
      policy.applyGradients(cfg.learningRate, T);
      value.applyGradients(cfg.learningRate, T);
    }
    let meanReward = 0;
    for (const tr of this.rollout) meanReward += tr.reward;
    this.updates++;
    this.curve.push({
      update: this.updates,
      tick,
      mean_reward: meanReward / T,
      policy_loss: policyLoss / T,
      value_loss: valueLoss / T,
      entropy: entropy / T,
    });
    if (this.curve.length > cfg.curveLength) this.curve.shift();
    this.rollout = [];
  }
}

function softmax(logits: ArrayLike<number>, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < out.length; k++) max = Math.max(max, logits[k] as number);
  let sum = 0;
  for (let k = 0; k < out.length; k++) {
    const e = Math.exp((logits[k] as number) - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / sum;
}
