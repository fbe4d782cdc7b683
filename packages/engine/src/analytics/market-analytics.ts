/**
 * The one object the Simulation talks to for crowding and analytics (docs/MODEL.md §2 steps 2, 9, 10).
 *
 * Per tick it costs O(orders + fills + N) plus the N×N crowding update on pipeline ticks
 * (config.crowding.updateEvery); everything served over REST (snapshots, the decay fit, PCA,
 * full per-agent diagnostics) is computed only when asked.
 *
 * Timing contract: `executionMultipliers()` (before matching) uses the crowding of the previous
 * pipeline run and this tick's orders; `agentView()` shows what agents see at the start of a tick,
 * i.e. the figures of the previous tick; `endTick()` (after fills) updates everything.
 */
import { sharpeTicksPerYear, type SimulationConfig } from '../config.js';
import type {
  AgentDiagnosticsWire,
  CrowdedPairWire as CrowdedPair,
  CrowdingMatrixPayload as CrowdingPayload,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  FactorSpaceWire,
  FragilitySnapshotWire,
  RegimeSnapshotWire,
} from '../wire/index.js';
import { Float64Ring } from '../util/ring-buffer.js';
import type { Rng } from '../rng.js';
import type { DepthSnapshot, OrderType, Side, CrowdingView } from '../types.js';
import { AgentDecay, type DecayParams } from '../crowding/agent-decay.js';
import { AlphaDecay } from '../crowding/alpha-decay.js';
import { CrowdingMatrix, nestedRows, similarityPass } from '../crowding/crowding-matrix.js';
import { FACTOR_COUNT, FACTOR_NAMES, FactorSpace } from '../crowding/factor-space.js';
import { pca2d } from '../crowding/pca.js';
import { orderFlowImbalance, sideMultipliers, type SideMultipliers } from '../crowding/side-multipliers.js';
import { Diagnostics, type AgentDiagnostics, type AgentRisk } from './diagnostics.js';
import { FragilityIndex } from './fragility-index.js';
import { RegimeDetector } from './regime-detector.js';
import { loadFields, saveFields, StateCodecError, type EncodedState } from '../util/state-codec.js';

const ANALYTICS_FIELDS = ['side', 'hasCrowding', 'intensity', 'crowdingTick', 'ticks', 'lastTick'] as const;

/** A non-cancel order accepted this tick. */
export interface TickOrderInfo {
  agent: number;
  side: Side;
  type: OrderType;
  price: number | null;
  qty: number;
}

export interface TickFillInfo {
  buyer: number;
  seller: number;
  price: number;
  qty: number;
  aggressor: Side;
}

export interface TickAnalyticsInput {
  tick: number;
  orders: readonly TickOrderInfo[];
  fills: readonly TickFillInfo[];
  preTrade: { mid: number; bestBid: number | null; bestAsk: number | null; depth: DepthSnapshot };
  postTrade: { mid: number; spread: number | null; depth: DepthSnapshot };
  /** ln(mid_t / mid_{t-1}), 0 on the first tick. */
  logReturn: number;
  /** Per agent index, after fills: the same PnL as execution. */
  pnl: Float64Array;
  inventory: Float64Array;
  cash: Float64Array;
  tickSize: number;
}

export interface ExecutionMultipliers {
  buy: number;
  sell: number;
  sidePressure: number;
  orderFlowImbalance: number;
  /** Per agent index: clip(1 + kappa * Phi_i, min, max), 1 before any crowding exists. */
  agent: Float64Array;
}

export interface TickAnalyticsOutput {
  /** Null on ticks the crowding pipeline skipped (config.crowding.updateEvery). */
  crowding: CrowdingPayload | null;
  intensity: number;
  regime: string;
  prevRegime: string | null;
  /** True on the first tick and whenever the regime changes. */
  regimeChanged: boolean;
  lfi: number;
  lfiAlert: string;
  lfiNearDepthRatio: number;
}

/** What an agent's MarketState.crowding shows. */
export type AgentCrowdingView = CrowdingView;

/** Overrides of `config.crowding.eventMatrixMaxAgents` / `eagerPairsMaxAgents` (tests, benches). */
export interface MarketAnalyticsOptions {
  /**
   * Largest population whose full N×N matrix is put in each CROWDING_MATRIX_UPDATED payload;
   * above it the event carries `matrix: []` (everything else intact) and the matrix is served by
   * `crowdingSnapshot()` on demand, because N² numbers per tick would dominate the loop. The
   * payload's `matrix` and `top_pairs` are enumerable getters, computed on first read from the
   * tick's own unit vectors, so JSON.stringify and structuredClone see ordinary arrays.
   */
  eventMatrixMaxAgents?: number;
  /**
   * Up to this population the payload's matrix and top pairs are computed eagerly as plain data
   * (cheaper than lazy getters for a few hundred pairs); above it they are lazy getters.
   */
  eagerPairsMaxAgents?: number;
}

export class MarketAnalytics {
  readonly config: Readonly<SimulationConfig>;
  readonly factorSpace: FactorSpace;
  readonly crowding: CrowdingMatrix;
  readonly alphaDecay: AlphaDecay;
  readonly agentDecay: AgentDecay;
  readonly diagnostics: Diagnostics;
  readonly fragility: FragilityIndex;
  readonly regime: RegimeDetector;
  private readonly eventMatrixMaxAgents: number;
  private readonly eagerPairsMaxAgents: number;
  private readonly ids: string[] = [];
  private readonly strategies: string[] = [];
  private idsCopy: string[] = [];
  /** Capacity-doubling store of the per-agent multipliers; `agentMult` is its length-N view. */
  private agentMultStore = new Float64Array(8);
  private agentMult = this.agentMultStore.subarray(0, 0);
  private readonly multOut: ExecutionMultipliers = { buy: 1, sell: 1, sidePressure: 0, orderFlowImbalance: 0, agent: this.agentMult };
  private side: SideMultipliers = { buy: 1, sell: 1, sidePressure: 0, orderFlowImbalance: 0 };
  private hasCrowding = false;
  private intensity = 0;
  private crowdingTick: number | null = null;
  private ticks = 0;
  private lastTick: number | null = null;
  /**
   * Recent crowding intensity and side pressure for /analytics/decay (display windows of
   * config.fragility.historyLength ticks, checkpointed as optional display state).
   */
  private readonly intensityHistory: Float64Ring;
  private readonly sidePressureHistory: Float64Ring;

  constructor(config: Readonly<SimulationConfig>, rng: Rng, options: MarketAnalyticsOptions = {}) {
    this.config = config;
    this.intensityHistory = new Float64Ring(Math.max(1, Math.floor(config.fragility.historyLength)));
    this.sidePressureHistory = new Float64Ring(Math.max(1, Math.floor(config.fragility.historyLength)));
    const c = config.crowding;
    this.factorSpace = new FactorSpace({ window: c.factorWindow, scalePercentile: c.scalePercentile });
    this.crowding = new CrowdingMatrix({
      phiNormalization: c.phiNormalization,
      kappa: c.kappa,
      agentMultiplierMin: c.agentMultiplierMin,
      agentMultiplierMax: c.agentMultiplierMax,
      topPairs: c.topPairs,
    });
    this.alphaDecay = new AlphaDecay(config.alphaDecay, rng);
    this.agentDecay = new AgentDecay(config.alphaDecay, rng);
    this.diagnostics = new Diagnostics({ ...config.diagnostics, ticksPerYear: sharpeTicksPerYear(config) });
    this.fragility = new FragilityIndex(config.fragility);
    this.regime = new RegimeDetector(config.regime);
    this.eventMatrixMaxAgents = options.eventMatrixMaxAgents ?? c.eventMatrixMaxAgents;
    this.eagerPairsMaxAgents = options.eagerPairsMaxAgents ?? c.eagerPairsMaxAgents;
  }

  /**
   * Registers an agent; returns its index (0, 1, 2, ... in call order; never reused). `initialPnl`
   * (its starting cash) anchors its full-run Sharpe.
   */
  addAgent(agentId: string, strategy: string, initialPnl?: number): number {
    const i = this.ids.length;
    this.ids.push(agentId);
    this.strategies.push(strategy);
    this.factorSpace.addAgent();
    this.alphaDecay.addAgent();
    this.agentDecay.addAgent();
    this.diagnostics.addAgent(initialPnl);
    if (this.agentMultStore.length < this.ids.length) {
      const m = new Float64Array(this.agentMultStore.length * 2);
      m.set(this.agentMultStore);
      this.agentMultStore = m;
    }
    return i;
  }

  get agentCount(): number {
    return this.ids.length;
  }

  /**
   * docs/MODEL.md §2 step 2 + §4: multipliers for this tick's matching, from the previous crowding update
   * and this tick's non-cancel orders. All 1 before any crowding exists. The returned object and
   * its `agent` view are reused: valid until the next call.
   */
  executionMultipliers(orders: readonly TickOrderInfo[]): ExecutionMultipliers {
    const n = this.ids.length;
    this.side = sideMultipliers(orderFlowImbalance(orders), this.hasCrowding ? this.intensity : 0, this.config.crowding);
    const agent = this.agentMult.length === n ? this.agentMult : (this.agentMult = this.agentMultStore.subarray(0, n));
    const computed = this.hasCrowding ? this.crowding.size : 0;
    const mult = this.crowding.multipliers;
    for (let i = 0; i < n; i++) agent[i] = i < computed ? mult[i]! : 1;
    const out = this.multOut;
    out.buy = this.side.buy;
    out.sell = this.side.sell;
    out.sidePressure = this.side.sidePressure;
    out.orderFlowImbalance = this.side.orderFlowImbalance;
    out.agent = agent;
    return out;
  }

  /** docs/MODEL.md §2 steps 9–10. */
  endTick(input: TickAnalyticsInput): TickAnalyticsOutput {
    const n = this.ids.length;
    this.factorSpace.observe(input.tick, input.orders, input.fills, input.preTrade, input.logReturn);
    this.alphaDecay.recordPnl(input.pnl);
    this.diagnostics.observe(input.fills, input.preTrade.mid, input.postTrade.mid, input.pnl, input.inventory);

    let payload: CrowdingPayload | null = null;
    const every = Math.max(1, Math.floor(this.config.crowding.updateEvery));
    if (this.ticks % every === 0 && n > 0) {
      this.factorSpace.compute(input.tick);
      this.crowding.compute(this.factorSpace.factors, this.factorSpace.weights, n);
      this.alphaDecay.observeCrowding(this.crowding.phi.subarray(0, n), this.factorSpace.activity);
      this.intensity = this.crowding.intensity;
      this.hasCrowding = true;
      this.crowdingTick = input.tick;
      payload = this.crowdingPayload(input.tick);
    }
    this.agentDecay.observe(input.tick, input.pnl, this.alphaDecay.exposure);
    this.ticks++;
    this.lastTick = input.tick;
    this.intensityHistory.push(this.intensity);
    this.sidePressureHistory.push(this.side.sidePressure);

    const depth = input.postTrade.depth;
    const lfi = this.fragility.observe(input.tick, depth, input.postTrade.mid, input.fills, input.preTrade.mid, input.tickSize);
    let total = 0;
    for (const l of depth.bids) total += l.qty;
    for (const l of depth.asks) total += l.qty;
    const reading = this.regime.observe({
      tick: input.tick,
      logReturn: input.logReturn,
      lfi: lfi.lfi,
      spread: input.postTrade.spread,
      depth: total,
      fillImbalance: lfi.fillImbalance,
      crowding: this.intensity,
    });
    return {
      crowding: payload,
      intensity: this.intensity,
      regime: reading.regime,
      prevRegime: reading.prevRegime,
      regimeChanged: reading.changed,
      lfi: lfi.lfi,
      lfiAlert: lfi.alert,
      lfiNearDepthRatio: lfi.nearDepthRatio,
    };
  }

  /**
   * Exact snapshot of every window, running sum and last reading (plain JSON, for checkpoints):
   * restored into analytics with the same config and agents, the run continues bit for bit.
   */
  saveState(): EncodedState {
    return {
      agents: this.ids.length,
      ...saveFields(this, ANALYTICS_FIELDS),
      factorSpace: this.factorSpace.saveState(),
      crowding: this.crowding.saveState(),
      alphaDecay: this.alphaDecay.saveState(),
      agentDecay: this.agentDecay.saveState(),
      diagnostics: this.diagnostics.saveState(),
      fragility: this.fragility.saveState(),
      regime: this.regime.saveState(),
      // Display windows (plain JSON); optional on restore, so older checkpoints still load.
      display: {
        intensity: this.intensityHistory.tail(this.intensityHistory.length),
        sidePressure: this.sidePressureHistory.tail(this.sidePressureHistory.length),
        regime: this.regime.displayState(),
        fragility: this.fragility.displayState(),
      },
    };
  }

  /** Restores a `saveState` snapshot; call after the same agents were added in the same order. */
  loadState(state: unknown): void {
    const s = (state ?? {}) as Record<string, unknown>;
    if (s['agents'] !== this.ids.length) {
      throw new StateCodecError(`analytics snapshot is for ${String(s['agents'])} agents, this market has ${this.ids.length}`);
    }
    loadFields(this, ANALYTICS_FIELDS, state, 'analytics', { nullable: ['crowdingTick', 'lastTick'] });
    this.factorSpace.loadState(s['factorSpace'], 'analytics.factorSpace');
    this.crowding.loadState(s['crowding'], 'analytics.crowding');
    this.alphaDecay.loadState(s['alphaDecay'], 'analytics.alphaDecay');
    // Checkpoints written before the per-agent fit existed resume with an empty one.
    if (s['agentDecay'] !== undefined) this.agentDecay.loadState(s['agentDecay'], 'analytics.agentDecay');
    this.diagnostics.loadState(s['diagnostics'], 'analytics.diagnostics');
    this.fragility.loadState(s['fragility'], 'analytics.fragility');
    this.regime.loadState(s['regime'], 'analytics.regime');
    const display = s['display'] as { intensity?: unknown; sidePressure?: unknown; regime?: unknown; fragility?: unknown } | undefined;
    this.intensityHistory.clear();
    this.sidePressureHistory.clear();
    if (display) {
      for (const v of Array.isArray(display.intensity) ? display.intensity : []) if (typeof v === 'number') this.intensityHistory.push(v);
      for (const v of Array.isArray(display.sidePressure) ? display.sidePressure : []) if (typeof v === 'number') this.sidePressureHistory.push(v);
      this.regime.loadDisplayState(display.regime);
      this.fragility.loadDisplayState(display.fragility);
    }
    this.idsCopy = [];
  }

  /** What agent `index` sees in MarketState.crowding (the previous tick's figures). */
  agentView(index: number): AgentCrowdingView {
    const computed = this.hasCrowding ? this.crowding.size : 0;
    const known = index >= 0 && index < computed;
    return {
      intensity: this.intensity,
      phi: this.agentPhi(index),
      sidePressure: this.side.sidePressure,
      buyImpactMultiplier: this.side.buy,
      sellImpactMultiplier: this.side.sell,
      agentImpactMultiplier: known ? this.crowding.multipliers[index]! : 1,
    };
  }

  /** Phi of one agent from the last crowding update (0 before its first). */
  agentPhi(index: number): number {
    return this.hasCrowding && index >= 0 && index < this.crowding.size ? this.crowding.phi[index]! : 0;
  }

  /** Risk figures of one agent in O(1), into a record reused by the next call (`Diagnostics.risk`). */
  agentRisk(index: number): AgentRisk {
    return this.diagnostics.risk(index);
  }

  /** Rolling annualised Sharpe of one agent in O(1) (for per-tick AgentStats); null when undefined. */
  agentSharpe(index: number): number | null {
    return this.diagnostics.sharpe(index);
  }

  /** Full-run annualised Sharpe of one agent in O(1); null when undefined. */
  agentSharpeFull(index: number): number | null {
    return this.diagnostics.sharpeFull(index);
  }

  /** Full diagnostics of one agent (O(1)), plus its Phi and cumulative crowding exposure. */
  agentDiagnostics(index: number): AgentDiagnostics {
    const d = this.diagnostics.agent(index);
    d['phi'] = this.agentView(index).phi;
    d['crowding_exposure'] = this.alphaDecay.exposure[index] ?? 0;
    d['sharpe_proxy'] = this.alphaDecay.sharpeProxy(index);
    return d;
  }

  /** `agentDiagnostics` as sent on the wire (GET /strategies/{id}/stats → diagnostics). */
  agentDiagnosticsWire(index: number): AgentDiagnosticsWire {
    const d = this.agentDiagnostics(index);
    return {
      pnl: d.pnl,
      sharpe: d.sharpe,
      sortino: d.sortino,
      max_drawdown: d.max_drawdown,
      hit_rate: d.hit_rate,
      excess_kurtosis: d.excess_kurtosis,
      abs_change_autocorr: d.abs_change_autocorr,
      turnover: d.turnover,
      spread_cost: d.spread_cost,
      impact_cost: d.impact_cost,
      fill_count: d.fill_count,
      avg_fill_size: d.avg_fill_size,
      inventory: d.inventory,
      window_changes: d.window_changes,
      phi: d['phi'] ?? 0,
      crowding_exposure: d['crowding_exposure'] ?? 0,
      sharpe_proxy: d['sharpe_proxy'] ?? null,
    };
  }

  /** Agent indices, best Sharpe first, agents without a Sharpe last, ties by agent id. */
  leaderboard(): number[] {
    return this.diagnostics.leaderboard(this.ids);
  }

  crowdingSnapshot(): CrowdingSnapshotWire {
    const n = this.hasCrowding ? this.crowding.size : 0;
    const ids = this.ids.slice(0, n);
    const phi: Record<string, number> = {};
    const mult: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      phi[ids[i]!] = this.crowding.phi[i]!;
      mult[ids[i]!] = this.crowding.multipliers[i]!;
    }
    return {
      tick: this.crowdingTick,
      crowding_intensity: this.intensity,
      phi_normalization: this.config.crowding.phiNormalization,
      kappa: this.config.crowding.kappa,
      agent_ids: ids,
      matrix: n > 0 ? this.crowding.toNested() : [],
      activity_weights: Array.from(this.factorSpace.weights.subarray(0, n)),
      agent_crowding_intensity: phi,
      agent_multipliers: mult,
      top_crowded_pairs: this.topPairs(),
      side: {
        buy_multiplier: this.side.buy,
        sell_multiplier: this.side.sell,
        side_pressure: this.side.sidePressure,
        order_flow_imbalance: this.side.orderFlowImbalance,
      },
    };
  }

  factorSpaceSnapshot(): FactorSpaceWire {
    const n = this.hasCrowding ? this.crowding.size : 0;
    const fs = this.factorSpace;
    const proj = pca2d(fs.factors.subarray(0, n * FACTOR_COUNT), n, FACTOR_COUNT);
    const agents = [];
    for (let i = 0; i < n; i++) {
      agents.push({
        agent_id: this.ids[i]!,
        strategy_type: this.strategies[i]!,
        factors: fs.vectorOf(i),
        vector: Array.from(fs.factors.subarray(i * FACTOR_COUNT, (i + 1) * FACTOR_COUNT)),
        activity: fs.activity[i]!,
        volume_share: fs.weights[i]!,
        pca: { x: proj.coords[i * 2]!, y: proj.coords[i * 2 + 1]! },
      });
    }
    return {
      tick: this.crowdingTick,
      window: fs.window,
      factor_names: [...FACTOR_NAMES],
      agents,
      pca: {
        method: 'exact eigen-decomposition of the 6x6 factor covariance (cyclic Jacobi)',
        components: proj.components,
        explained_variance_ratio: proj.explainedVarianceRatio,
      },
    };
  }

  /** Alpha decay of one agent on its own history (the original's `agent_decay_params` entry). */
  agentDecayParams(index: number): DecayParams & { agent_id: string; strategy: string } {
    return { agent_id: this.ids[index]!, strategy: this.strategies[index]!, ...this.agentDecay.agentParams(index, this.alphaDecay.exposure) };
  }

  /** Alpha decay of every agent of one strategy type, stacked (blocks never cross agents). */
  strategyDecayParams(strategy: string): DecayParams & { strategy: string; agents: number } {
    const members: number[] = [];
    for (let i = 0; i < this.ids.length; i++) if (this.strategies[i] === strategy) members.push(i);
    return { strategy, agents: members.length, ...this.agentDecay.groupParams(`strategy:${strategy}`, members, this.alphaDecay.exposure) };
  }

  /**
   * GET /analytics/decay: the market-level pooled fit (by `alphaDecay.estimator`) at the top level,
   * as before; `agent_decay_params` (per agent, on its own windows over time) and
   * `strategy_decay_params` (per strategy type) beside it; the other estimator's pooled figure as
   * `original_estimator` / `levels_estimator` for comparison; units spelled out.
   */
  decaySnapshot(): DecaySnapshotWire {
    const cfg = this.config.alphaDecay;
    const agents = this.ids.map((id, i) => ({
      agent_id: id,
      strategy_type: this.strategies[i]!,
      crowding_exposure: this.alphaDecay.exposure[i] ?? 0,
      sharpe_proxy: this.alphaDecay.sharpeProxy(i),
    }));
    const all = this.ids.map((_, i) => i);
    const levels = this.agentDecay.groupParams('pooled', all, this.alphaDecay.exposure);
    const fit = this.alphaDecay.fit();
    const original = {
      samples: fit.samples,
      min_fit_samples: cfg.minFitSamples,
      alpha_max: fit.alphaMax,
      lambda: fit.lambda,
      half_life: fit.halfLife,
      half_life_ci: fit.halfLifeCi,
      r2: fit.r2,
      curve: fit.curve,
      model: 'sharpe = alpha_max * exp(-lambda * cumulative_crowding_exposure), OLS on log(max(sharpe, floor)) over the last maxSamples pooled samples, i.i.d. bootstrap (the original estimator)',
    };
    const levelsTop = {
      samples: levels.n_samples,
      min_fit_samples: cfg.agentMinSamples,
      alpha_max: levels.alpha_max,
      lambda: levels.lambda,
      half_life: levels.half_life,
      half_life_ticks: levels.half_life_ticks,
      half_life_ci: levels.half_life_ci,
      r2: levels.r_squared,
      decays: levels.decays,
      reason: levels.reason,
      curve: levels.curve.map((p) => ({ exposure: p.crowding_exposure, sharpe: p.predicted_sharpe })),
      model: `per-tick Sharpe of each agent's non-overlapping ${cfg.agentWindow}-tick windows = alpha_max * exp(-lambda * cumulative_crowding_exposure), least squares in levels over every agent's windows, moving-block bootstrap (${cfg.blockLength} windows per block)`,
    };
    const strategies = [...new Set(this.strategies)].sort();
    return {
      tick: this.lastTick,
      estimator: cfg.estimator,
      ...(cfg.estimator === 'original' ? original : levelsTop),
      ...(cfg.estimator === 'original' ? { levels_estimator: levelsTop } : { original_estimator: original }),
      units: {
        exposure: 'cumulative crowding exposure X_i: the sum over crowding updates of clip(max(Phi_i, 0) * (exposureBase + exposureActivityWeight * activity_i), 0, 1); one unit is about one tick at full exposure',
        sharpe: `per-tick Sharpe (mean / std of PnL changes) of a ${cfg.agentWindow}-tick window, not annualised`,
        half_life: 'exposure units; half_life_ticks converts at the fitted agents\' mean exposure per tick',
      },
      agent_decay_params: this.ids.map((_, i) => this.agentDecayParams(i)),
      strategy_decay_params: strategies.map((s) => this.strategyDecayParams(s)),
      agents,
      crowding_intensity_history: this.intensityHistory.tail(this.intensityHistory.length),
      side_pressure_history: this.sidePressureHistory.tail(this.sidePressureHistory.length),
      impact_multipliers: { buy: this.side.buy, sell: this.side.sell, side_pressure: this.side.sidePressure },
    };
  }

  regimeSnapshot(): RegimeSnapshotWire {
    return this.regime.snapshot();
  }

  fragilitySnapshot(): FragilitySnapshotWire {
    return this.fragility.snapshot();
  }

  private topPairs(): CrowdedPair[] {
    const w = this.factorSpace.weights;
    return this.crowding.topPairs.map((p) => ({
      agent_a: this.ids[p.a]!,
      agent_b: this.ids[p.b]!,
      similarity: p.similarity,
      pair_activity: (w[p.a] ?? 0) * (w[p.b] ?? 0),
    }));
  }

  private crowdingPayload(tick: number): CrowdingPayload {
    const n = this.crowding.size;
    if (this.idsCopy.length !== n) this.idsCopy = this.ids.slice(0, n);
    const ids = this.idsCopy;
    const phi: Record<string, number> = {};
    for (let i = 0; i < n; i++) phi[ids[i]!] = this.crowding.phi[i]!;
    // The all-pairs part (matrix, top pairs) is built from a private copy of this tick's unit
    // vectors (n×6 numbers) when the payload is first read — serialised, or inspected — so a run
    // nobody watches never pays for it, and a payload read late still shows its own tick.
    const K = this.config.crowding.topPairs;
    const withMatrix = n <= this.eventMatrixMaxAgents;
    if (n <= this.eagerPairsMaxAgents) {
      // Small markets: a few hundred pairs cost less than the lazy machinery.
      return {
        tick,
        crowding_intensity: this.intensity,
        agent_ids: ids,
        matrix: withMatrix ? this.crowding.toNested() : [],
        agent_crowding_intensity: phi,
        top_crowded_pairs: this.topPairs(),
      };
    }
    const unit = this.crowding.unit.slice(0, n * FACTOR_COUNT);
    const w = this.factorSpace.weights.slice(0, n);
    let flat: Float64Array | null = null;
    let pairs: CrowdedPair[] | null = null;
    let nested: number[][] | null = null;
    const pass = (): void => {
      if (withMatrix) flat = new Float64Array(n * n);
      pairs = similarityPass(unit, n, K, flat).map((p) => ({ agent_a: ids[p.a]!, agent_b: ids[p.b]!, similarity: p.similarity, pair_activity: w[p.a]! * w[p.b]! }));
    };
    const payload = { tick, crowding_intensity: this.intensity, agent_ids: ids, matrix: [], agent_crowding_intensity: phi, top_crowded_pairs: [] } as unknown as CrowdingPayload;
    Object.defineProperty(payload, 'matrix', {
      enumerable: true,
      configurable: true,
      get: (): number[][] => {
        if (!withMatrix) return [];
        if (!flat) pass();
        return (nested ??= nestedRows(flat!, n));
      },
    });
    Object.defineProperty(payload, 'top_crowded_pairs', {
      enumerable: true,
      configurable: true,
      get: (): CrowdedPair[] => {
        if (!pairs) pass();
        return pairs!;
      },
    });
    return payload;
  }
}
