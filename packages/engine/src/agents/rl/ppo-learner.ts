/**
 * PPO (Schulman et al., 2017) over a discrete action space, independent of the market: the
 * `rl_ppo` agent, `MarketEnv` training and the tests all drive this one learner.
 *
 * Acting: observations are normalised by running statistics, the actor's softmax is mixed with an
 * annealed uniform exploration weight, and the critic's estimate is kept with the transition.
 * Learning: after `rolloutLength` transitions (from one or several parallel streams), advantages by
 * GAE per stream, then `epochs` passes of shuffled minibatches of the clipped surrogate with an
 * entropy bonus (actor) and squared error to the GAE returns (critic), Adam with global-norm
 * gradient clipping. An update can be run in slices (`runUpdate(rng, n)`) so a live market never
 * waits for a whole update inside one tick.
 *
 * Deterministic: initial weights come from the Rng given to the constructor, action draws and the
 * minibatch shuffle from Rngs the caller passes in.
 */
import type { PpoHyperparameters } from '../../config.js';
import type { Rng } from '../../rng.js';
import { gae } from './gae.js';
import { Mlp, type MlpState } from './mlp.js';
import { clippedSurrogate, mixProb, softmax } from './policy-head.js';
import { RunningNorm, type RunningNormState } from './running-norm.js';
import { linearSchedule } from './schedule.js';

/** What the learner decided for one observation. */
export interface Decision {
  action: number;
  /** log π_ε(action) of the behaviour policy. */
  logp: number;
  /** Critic's V(s). */
  value: number;
  /** Exploration weight the action was drawn with. */
  epsilon: number;
  /** The normalised observation (what the networks saw). */
  obs: Float64Array;
}

/** One PPO update's diagnostics (a learning-curve point). */
export interface UpdateStats {
  update: number;
  /** Transitions collected so far, all streams. */
  steps: number;
  /** Caller's clock for the point (the market tick, or the env step). */
  tick: number;
  mean_reward: number;
  policy_loss: number;
  value_loss: number;
  entropy: number;
  /** Mean of (r − 1) − log r over the last epoch: an estimate of KL(old ‖ new). */
  approx_kl: number;
  /** Share of last-epoch samples whose surrogate gradient the clip removed. */
  clip_fraction: number;
  /** 1 − Var(returns − V)/Var(returns) of the rollout's value estimates. */
  explained_variance: number;
  learning_rate: number;
  exploration: number;
  /** Mean π(a|s) of the actor over the rollout's states, per action (last epoch). */
  action_probs: number[];
}

interface Transition {
  obs: Float64Array;
  action: number;
  logp: number;
  value: number;
  epsilon: number;
  reward: number;
  done: boolean;
}

interface SavedTransition extends Omit<Transition, 'obs'> {
  obs: number[];
}

/** A rollout flattened for the epochs, and how far through them the update is. */
interface UpdateJob {
  tick: number;
  obs: Float64Array[];
  action: Int32Array;
  oldLogp: Float64Array;
  epsilon: Float64Array;
  adv: Float64Array;
  ret: Float64Array;
  order: Int32Array;
  epoch: number;
  pos: number;
  lr: number;
  meanReward: number;
  explainedVariance: number;
  acc: { policyLoss: number; valueLoss: number; entropy: number; kl: number; clipped: number; count: number; probs: Float64Array };
}

/** A trained policy as a portable artefact (the `model.json` file, the store's model rows). */
export interface PpoModel {
  format: 'crowdalpha-ppo';
  version: 1;
  observation: string[];
  actions: string[];
  hiddenLayers: number;
  hiddenUnits: number;
  obsClip: number;
  /** Running observation statistics, or null when observations were not normalised. */
  obsNorm: RunningNormState | null;
  policy: number[];
  value: number[];
  steps: number;
  updates: number;
  /** Caller-supplied description (training command, seeds, date…); never read by the engine. */
  meta: Record<string, unknown>;
}

export interface PpoLearnerState {
  policy: MlpState;
  value: MlpState;
  norm: RunningNormState | null;
  steps: number;
  updates: number;
  curve: UpdateStats[];
  streams: SavedTransition[][];
  job: unknown;
}

const MODEL_FORMAT = 'crowdalpha-ppo';

export class PpoLearner {
  readonly policy: Mlp;
  readonly value: Mlp;
  private readonly norm: RunningNorm | null;
  private streams: Transition[][] = [];
  private job: UpdateJob | null = null;
  /** Transitions collected (drives the schedules). */
  steps = 0;
  updates = 0;
  private curve: UpdateStats[] = [];
  private readonly probs: Float64Array;
  private readonly dLogits: Float64Array;
  private readonly dV = new Float64Array(1);
  private lastProbs: Float64Array;

  constructor(
    readonly obsSize: number,
    readonly actions: number,
    readonly hp: Readonly<PpoHyperparameters>,
    init: Rng,
  ) {
    const hidden = new Array<number>(Math.max(1, Math.floor(hp.hiddenLayers))).fill(Math.max(1, Math.floor(hp.hiddenUnits)));
    // Policy head starts near uniform (small last-layer weights); the critic at unit scale.
    this.policy = new Mlp(obsSize, hidden, actions, init, 0.01);
    this.value = new Mlp(obsSize, hidden, 1, init, 1);
    this.norm = hp.normalizeObservations ? new RunningNorm(obsSize) : null;
    this.probs = new Float64Array(actions);
    this.dLogits = new Float64Array(actions);
    this.lastProbs = new Float64Array(actions).fill(1 / actions);
  }

  /** Exploration weight now. */
  exploration(): number {
    return linearSchedule(this.hp.explorationStart, this.hp.explorationEnd, this.hp.scheduleSteps, this.steps);
  }

  /** Learning rate now. */
  learningRate(): number {
    return linearSchedule(this.hp.learningRate, this.hp.learningRateFinal, this.hp.scheduleSteps, this.steps);
  }

  /** The observation as the networks see it; `track` folds it into the running statistics first. */
  normalize(raw: ArrayLike<number>, track: boolean): Float64Array {
    const out = new Float64Array(this.obsSize);
    if (!this.norm) {
      for (let i = 0; i < this.obsSize; i++) out[i] = raw[i] as number;
      return out;
    }
    if (track) this.norm.update(raw);
    return this.norm.normalize(raw, out, this.hp.obsClip);
  }

  /** π(·|s) of the actor (no exploration) for a normalised observation; a view valid until the next call. */
  probabilities(obs: Float64Array): Float64Array {
    return softmax(this.policy.forward(obs), this.probs);
  }

  /**
   * Chooses an action for a raw observation with the uniform draw `u` ∈ [0,1).
   * `learning` = true explores with the scheduled ε and tracks observation statistics; false is
   * the frozen policy (ε = 0, statistics fixed).
   */
  decide(raw: ArrayLike<number>, u: number, learning: boolean): Decision {
    const obs = this.normalize(raw, learning);
    const p = this.probabilities(obs);
    this.lastProbs.set(p);
    const eps = learning ? this.exploration() : 0;
    let action = this.actions - 1;
    let left = u;
    for (let a = 0; a < this.actions; a++) {
      left -= mixProb(p[a] as number, eps, this.actions);
      if (left < 0) {
        action = a;
        break;
      }
    }
    const logp = Math.log(Math.max(mixProb(p[action] as number, eps, this.actions), 1e-12));
    const value = learning ? (this.value.forward(obs)[0] as number) : 0;
    return { action, logp, value, epsilon: eps, obs };
  }

  /** Actor probabilities at the last decision. */
  lastActionProbs(): number[] {
    return [...this.lastProbs];
  }

  /** Stores a finished transition of parallel stream `stream` (0 for a single agent). */
  record(stream: number, d: Decision, reward: number, done: boolean): void {
    while (this.streams.length <= stream) this.streams.push([]);
    (this.streams[stream] as Transition[]).push({ obs: d.obs, action: d.action, logp: d.logp, value: d.value, epsilon: d.epsilon, reward, done });
    this.steps++;
  }

  /** Transitions waiting for the next update. */
  collected(): number {
    let n = 0;
    for (const s of this.streams) n += s.length;
    return n;
  }

  /** A full rollout is waiting and no update is in progress. */
  readyToUpdate(): boolean {
    return this.job === null && this.collected() >= this.hp.rolloutLength;
  }

  /** An update has begun and not finished. */
  updating(): boolean {
    return this.job !== null;
  }

  /**
   * Freezes the collected rollout into an update: GAE per stream, bootstrapped from the normalised
   * observation after each stream's last transition (`bootstrap[s]`; null or a terminal last step = 0).
   */
  beginUpdate(bootstrap: readonly (Float64Array | null)[], tick: number): void {
    if (this.job) throw new Error('a PPO update is already in progress; finish it with runUpdate() first');
    const obs: Float64Array[] = [];
    const actions: number[] = [];
    const oldLogp: number[] = [];
    const eps: number[] = [];
    const adv: number[] = [];
    const ret: number[] = [];
    const values: number[] = [];
    let rewardSum = 0;
    for (let s = 0; s < this.streams.length; s++) {
      const tr = this.streams[s] as Transition[];
      if (tr.length === 0) continue;
      const next = bootstrap[s];
      const last = tr[tr.length - 1] as Transition;
      const lastValue = next && !last.done ? (this.value.forward(next)[0] as number) : 0;
      const g = gae(
        tr.map((t) => t.reward),
        tr.map((t) => t.value),
        tr.map((t) => t.done),
        lastValue,
        this.hp.gamma,
        this.hp.gaeLambda,
      );
      for (let t = 0; t < tr.length; t++) {
        const x = tr[t] as Transition;
        obs.push(x.obs);
        actions.push(x.action);
        oldLogp.push(x.logp);
        eps.push(x.epsilon);
        adv.push(g.advantages[t] as number);
        ret.push(g.returns[t] as number);
        values.push(x.value);
        rewardSum += x.reward;
      }
    }
    this.streams = [];
    const n = obs.length;
    if (n === 0) return;
    // Advantages standardised per rollout: the step size then does not depend on the reward scale.
    let mean = 0;
    for (const a of adv) mean += a;
    mean /= n;
    let sd = 0;
    for (const a of adv) sd += (a - mean) ** 2;
    sd = Math.sqrt(sd / n) + 1e-8;
    const advN = Float64Array.from(adv, (a) => (a - mean) / sd);
    this.job = {
      tick,
      obs,
      action: Int32Array.from(actions),
      oldLogp: Float64Array.from(oldLogp),
      epsilon: Float64Array.from(eps),
      adv: advN,
      ret: Float64Array.from(ret),
      order: Int32Array.from({ length: n }, (_, i) => i),
      epoch: 0,
      pos: 0,
      lr: this.learningRate(),
      meanReward: rewardSum / n,
      explainedVariance: explainedVariance(values, ret),
      acc: freshAcc(this.actions),
    };
  }

  /**
   * Runs up to `maxMinibatches` minibatch steps of the update in progress; true when it finished
   * (a learning-curve point is then recorded). `rng` shuffles each epoch's minibatches.
   */
  runUpdate(rng: Rng, maxMinibatches = Infinity): boolean {
    const job = this.job;
    if (!job) return true;
    const hp = this.hp;
    const n = job.order.length;
    const mb = Math.max(1, Math.min(Math.floor(hp.minibatchSize), n));
    let budget = maxMinibatches;
    while (budget > 0) {
      if (job.pos === 0) {
        shuffleInts(job.order, rng);
        job.acc = freshAcc(this.actions);
      }
      const end = Math.min(n, job.pos + mb);
      this.minibatch(job, job.pos, end);
      job.pos = end;
      budget--;
      if (job.pos >= n) {
        job.pos = 0;
        job.epoch++;
        if (job.epoch >= hp.epochs) {
          this.finish(job);
          return true;
        }
      }
    }
    return false;
  }

  /** beginUpdate + the whole of runUpdate. */
  update(bootstrap: readonly (Float64Array | null)[], tick: number, rng: Rng): void {
    this.beginUpdate(bootstrap, tick);
    this.runUpdate(rng);
  }

  /** Learning curve, oldest first (bounded by `curveLength`). */
  learningCurve(): UpdateStats[] {
    return this.curve.slice();
  }

  lastUpdate(): UpdateStats | null {
    return this.curve[this.curve.length - 1] ?? null;
  }

  /** The trained policy as a portable model. */
  exportModel(observation: readonly string[], actionNames: readonly string[], meta: Record<string, unknown> = {}): PpoModel {
    return {
      format: MODEL_FORMAT,
      version: 1,
      observation: [...observation],
      actions: [...actionNames],
      hiddenLayers: this.hp.hiddenLayers,
      hiddenUnits: this.hp.hiddenUnits,
      obsClip: this.hp.obsClip,
      obsNorm: this.norm ? this.norm.save() : null,
      policy: this.policy.saveWeights(),
      value: this.value.saveWeights(),
      steps: this.steps,
      updates: this.updates,
      meta: { ...meta },
    };
  }

  /** Loads a model's weights and statistics (optimiser state starts fresh). */
  loadModel(model: PpoModel): void {
    const problem = modelProblem(model, this.obsSize, this.actions);
    if (problem) throw new Error(problem);
    if (model.hiddenLayers !== this.hp.hiddenLayers || model.hiddenUnits !== this.hp.hiddenUnits) {
      throw new Error(
        `model has ${model.hiddenLayers} hidden layer(s) of ${model.hiddenUnits}, the learner ${this.hp.hiddenLayers} of ${this.hp.hiddenUnits}; configure hiddenLayers/hiddenUnits to match the model`,
      );
    }
    if ((model.obsNorm === null) !== (this.norm === null)) {
      throw new Error(`model was trained with normalizeObservations=${model.obsNorm !== null}; configure the learner the same way`);
    }
    this.policy.load({ params: model.policy });
    this.value.load({ params: model.value });
    if (this.norm && model.obsNorm) this.norm.load(model.obsNorm);
    this.steps = model.steps;
    this.updates = model.updates;
  }

  save(): PpoLearnerState {
    const saveT = (t: Transition): SavedTransition => ({ ...t, obs: [...t.obs] });
    const job = this.job;
    return {
      policy: this.policy.save(),
      value: this.value.save(),
      norm: this.norm ? this.norm.save() : null,
      steps: this.steps,
      updates: this.updates,
      curve: this.curve,
      streams: this.streams.map((s) => s.map(saveT)),
      job: job
        ? {
            ...job,
            obs: job.obs.map((o) => [...o]),
            action: [...job.action],
            oldLogp: [...job.oldLogp],
            epsilon: [...job.epsilon],
            adv: [...job.adv],
            ret: [...job.ret],
            order: [...job.order],
            acc: { ...job.acc, probs: [...job.acc.probs] },
          }
        : null,
    };
  }

  load(s: PpoLearnerState): void {
    this.policy.load(s.policy);
    this.value.load(s.value);
    if (this.norm && s.norm) this.norm.load(s.norm);
    this.steps = s.steps;
    this.updates = s.updates;
    this.curve = s.curve;
    this.streams = s.streams.map((st) => st.map((t) => ({ ...t, obs: Float64Array.from(t.obs) })));
    const j = s.job as (Omit<UpdateJob, 'obs' | 'action' | 'oldLogp' | 'epsilon' | 'adv' | 'ret' | 'order' | 'acc'> & Record<string, unknown>) | null;
    if (!j) {
      this.job = null;
      return;
    }
    const acc = j.acc as UpdateJob['acc'] & { probs: number[] };
    this.job = {
      ...(j as unknown as UpdateJob),
      obs: (j.obs as number[][]).map((o) => Float64Array.from(o)),
      action: Int32Array.from(j.action as number[]),
      oldLogp: Float64Array.from(j.oldLogp as number[]),
      epsilon: Float64Array.from(j.epsilon as number[]),
      adv: Float64Array.from(j.adv as number[]),
      ret: Float64Array.from(j.ret as number[]),
      order: Int32Array.from(j.order as number[]),
      acc: { ...acc, probs: Float64Array.from(acc.probs) },
    };
  }

  private minibatch(job: UpdateJob, from: number, to: number): void {
    const hp = this.hp;
    const acc = job.acc;
    const probs = this.probs;
    for (let k = from; k < to; k++) {
      const i = job.order[k] as number;
      const obs = job.obs[i] as Float64Array;
      softmax(this.policy.forward(obs), probs);
      const s = clippedSurrogate(
        probs,
        job.action[i] as number,
        job.oldLogp[i] as number,
        job.adv[i] as number,
        hp.clipEpsilon,
        hp.entropyCoef,
        job.epsilon[i] as number,
        this.dLogits,
      );
      this.policy.backward(this.dLogits);
      const v = this.value.forward(obs)[0] as number;
      const err = v - (job.ret[i] as number);
      this.dV[0] = hp.valueCoef * err;
      this.value.backward(this.dV);
      acc.policyLoss += s.loss;
      acc.valueLoss += 0.5 * err * err;
      acc.entropy += s.entropy;
      acc.kl += s.ratio - 1 - Math.log(Math.max(s.ratio, 1e-12));
      if (s.clipped) acc.clipped++;
      acc.count++;
      for (let a = 0; a < probs.length; a++) acc.probs[a] = (acc.probs[a] as number) + (probs[a] as number);
    }
    const batch = to - from;
    this.policy.applyGradients(job.lr, batch, hp.maxGradNorm);
    this.value.applyGradients(job.lr, batch, hp.maxGradNorm);
  }

  private finish(job: UpdateJob): void {
    const acc = job.acc;
    const c = Math.max(1, acc.count);
    this.updates++;
    this.curve.push({
      update: this.updates,
      steps: this.steps,
      tick: job.tick,
      mean_reward: job.meanReward,
      policy_loss: acc.policyLoss / c,
      value_loss: acc.valueLoss / c,
      entropy: acc.entropy / c,
      approx_kl: acc.kl / c,
      clip_fraction: acc.clipped / c,
      explained_variance: job.explainedVariance,
      learning_rate: job.lr,
      exploration: this.exploration(),
      action_probs: Array.from(acc.probs, (p) => p / c),
    });
    if (this.curve.length > this.hp.curveLength) this.curve.splice(0, this.curve.length - this.hp.curveLength);
    this.job = null;
  }
}

function freshAcc(actions: number): UpdateJob['acc'] {
  return { policyLoss: 0, valueLoss: 0, entropy: 0, kl: 0, clipped: 0, count: 0, probs: new Float64Array(actions) };
}

function shuffleInts(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

/** 1 − Var(y − ŷ)/Var(y); 0 when the targets do not vary. */
export function explainedVariance(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  const n = target.length;
  if (n === 0) return 0;
  let my = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    my += target[i] as number;
    md += (target[i] as number) - (pred[i] as number);
  }
  my /= n;
  md /= n;
  let vy = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vy += ((target[i] as number) - my) ** 2;
    vd += ((target[i] as number) - (pred[i] as number) - md) ** 2;
  }
  return vy > 0 ? 1 - vd / vy : 0;
}

/** What is wrong with `m` as a model for `obsSize` features and `actions` actions, or null. */
export function modelProblem(m: unknown, obsSize?: number, actions?: number): string | null {
  if (!m || typeof m !== 'object') return 'a model must be a JSON object';
  const o = m as Partial<PpoModel>;
  if (o.format !== MODEL_FORMAT) return `model.format must be "${MODEL_FORMAT}", got ${JSON.stringify(o.format)}`;
  if (o.version !== 1) return `model.version must be 1, got ${JSON.stringify(o.version)}`;
  if (!Array.isArray(o.observation) || !Array.isArray(o.actions)) return 'model.observation and model.actions must be arrays of names';
  if (obsSize !== undefined && o.observation.length !== obsSize) return `model observes ${o.observation.length} features, expected ${obsSize}`;
  if (actions !== undefined && o.actions.length !== actions) return `model has ${o.actions.length} actions, expected ${actions}`;
  for (const k of ['hiddenLayers', 'hiddenUnits'] as const) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 1) return `model.${k} must be a positive integer, got ${JSON.stringify(o[k])}`;
  }
  if (!Array.isArray(o.policy) || !o.policy.every(Number.isFinite)) return 'model.policy must be an array of finite numbers';
  if (!Array.isArray(o.value) || !o.value.every(Number.isFinite)) return 'model.value must be an array of finite numbers';
  return null;
}

