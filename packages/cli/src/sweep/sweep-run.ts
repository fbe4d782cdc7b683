/**
 * One sweep/experiment run: a full simulation reduced to a record of figures. Runs in a worker
 * thread (the engine is pure, so any thread will do) or inline. The record has a flat `row` (one
 * CSV line: run-level figures) and per-agent and per-strategy-type tables; every column is
 * defined, with units, in the README's "Sweep and experiment columns".
 *
 * Time-averaged figures (`mean_*`, `*_share`) are averages over every simulated tick, not the
 * final tick's value; final-tick values carry a `final_` prefix.
 */
import { Simulation, stylizedFacts, type DeepPartial, type FactName, type SimulationConfig, type TickResult } from '@crowdalpha/engine';
import { RunSummaryBuilder } from '../run-summary.js';

export interface SweepRow {
  [column: string]: number | string | boolean | null;
}

/** One agent's figures at the end of a run (plus its time-averaged Phi). */
export interface AgentFigures {
  agent_id: string;
  strategy: string;
  /** Net PnL since the agent joined (mark-to-mid equity minus starting cash), currency units. */
  pnl: number;
  /** Rolling Sharpe (last diagnostics.window ticks) and full-run Sharpe; see sharpeDefinition(). */
  sharpe: number | null;
  sharpe_full: number | null;
  impact_cost: number;
  /** Traded quantity (buys + sells), units. */
  traded_qty: number;
  /** impact_cost / traded_qty, price units per unit traded; null without trades. */
  impact_cost_per_unit: number | null;
  fills: number;
  final_phi: number;
  /** Phi averaged over every tick of the run. */
  mean_phi: number;
  /**
   * The agent's own alpha-decay fit (the engine's `agent_decay_params` entry for it: Sharpe of its
   * 50-tick windows against its cumulative crowding exposure): half-life in exposure units, its
   * bootstrap interval (a null bound is unbounded), the half-life in ticks at the agent's own
   * exposure rate, and whether the decay is significant. All null when no decaying fit exists
   * (too few windows, or a flat or rising Sharpe) or analytics are off.
   */
  half_life: number | null;
  half_life_lo: number | null;
  half_life_hi: number | null;
  half_life_ticks: number | null;
  half_life_significant: boolean | null;
}

/** Figures of all agents of one strategy type. */
export interface StrategyFigures {
  strategy: string;
  agents: number;
  total_pnl: number;
  mean_pnl: number;
  mean_sharpe: number | null;
  total_impact_cost: number;
  impact_cost_per_unit: number | null;
  mean_phi: number;
  /**
   * The type's alpha-decay fit (its agents' windows stacked: `strategy_decay_params`): half-life in
   * exposure units with its bootstrap interval (a null bound is unbounded) and in ticks; null
   * without a decaying fit.
   */
  half_life: number | null;
  half_life_lo: number | null;
  half_life_hi: number | null;
  half_life_ticks: number | null;
}

export interface RunRecord {
  row: SweepRow;
  agents: AgentFigures[];
  strategies: StrategyFigures[];
  /** Mid price sampled at about PATH_POINTS evenly spaced ticks: [tick, mid][]. */
  path: [number, number][];
}

/** Points kept of each run's price path (for the price-paths figure). */
export const PATH_POINTS = 200;

/**
 * The stylized facts checked on a run's returns, one `fact_<name>` column each (the facts that need
 * trade signs or book samples are not checked here). `satisfies` makes a fact added to the engine
 * a compile error until it is listed.
 */
const RETURN_FACTS = {
  lag1_autocorrelation: true,
  no_linear_predictability: true,
  variance_ratio: true,
  heavy_tails: true,
  tail_index: true,
  volatility_clustering: true,
  clustering_decay: true,
  aggregational_gaussianity: true,
} as const satisfies Record<Exclude<FactName, 'trade_sign_memory' | 'book_depth' | 'two_sided_book' | 'spread'>, true>;
export const FACT_COLUMNS = Object.keys(RETURN_FACTS).map((f) => `fact_${f}`);

/** Regimes whose share of ticks is reported (the detector's names). */
export const REGIMES = ['CALM', 'TRENDING', 'UNSTABLE', 'CRASH_PRONE'] as const;

export function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** The exact config overrides of a run: base, then the swept values, then the seed. */
export function runOverrides(base: Record<string, unknown>, overrides: Record<string, unknown>, seed: number): DeepPartial<SimulationConfig> {
  return deepMerge(deepMerge(base, overrides), { seed }) as DeepPartial<SimulationConfig>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The engine's decay snapshot (GET /analytics/decay): typed, so a renamed wire field fails compilation here. */
type DecaySnapshot = NonNullable<ReturnType<Simulation['decaySnapshot']>>;

/** Accumulates per-tick figures; `finish` turns them into the record. */
export class RunRecorder {
  private readonly summary: RunSummaryBuilder;
  private readonly returns: number[] = [];
  private last: number | null = null;
  private ticks = 0;
  private crowdingSum = 0;
  private lfiSum = 0;
  /** Visible depth (both sides, every level of the TICK order book), summed over ticks. */
  private depthSum = 0;
  private lfiMax: number | null = null;
  private phiMeanSum = 0;
  private readonly regimeTicks = new Map<string, number>();
  private readonly agentPhiSum = new Map<string, number>();

  private readonly path: [number, number][] = [];
  private readonly pathEvery: number;

  /** `ticks`: the planned length, to space the sampled price path. */
  constructor(
    private readonly seed: number,
    ticks: number,
  ) {
    this.summary = new RunSummaryBuilder(seed);
    this.pathEvery = Math.max(1, Math.ceil(ticks / PATH_POINTS));
  }

  add(r: TickResult): void {
    const s = r.state;
    this.summary.add(r);
    this.ticks++;
    if (this.ticks % this.pathEvery === 0 || this.ticks === 1) this.path.push([s.tick, s.mid_price]);
    this.crowdingSum += s.crowding;
    this.lfiSum += s.lfi;
    for (const l of s.order_book.bids) this.depthSum += l[1];
    for (const l of s.order_book.asks) this.depthSum += l[1];
    if (this.lfiMax === null || s.lfi > this.lfiMax) this.lfiMax = s.lfi;
    this.regimeTicks.set(s.regime, (this.regimeTicks.get(s.regime) ?? 0) + 1);
    let phiSum = 0;
    for (const a of s.agent_stats) {
      phiSum += a.phi;
      this.agentPhiSum.set(a.agent_id, (this.agentPhiSum.get(a.agent_id) ?? 0) + a.phi);
    }
    if (s.agent_stats.length > 0) this.phiMeanSum += phiSum / s.agent_stats.length;
    if (this.last !== null && this.last > 0 && s.mid_price > 0) this.returns.push(Math.log(s.mid_price / this.last));
    this.last = s.mid_price;
  }

  finish(sim: Simulation, elapsedMs: number): RunRecord {
    const s = this.summary.build(elapsedMs);
    const n = this.ticks;
    const facts = this.returns.length > 10 ? stylizedFacts(this.returns) : null;
    const decay: Partial<DecaySnapshot> = sim.decaySnapshot() ?? {};
    const perAgentDecay = new Map((decay.agent_decay_params ?? []).map((a) => [a.agent_id, a]));
    const agents: AgentFigures[] = sim.allAgentStats().map((a) => {
      const traded = a.total_buy_qty + a.total_sell_qty;
      const d = perAgentDecay.get(a.agent_id);
      return {
        agent_id: a.agent_id,
        strategy: a.strategy_type,
        pnl: a.net_pnl,
        sharpe: a.sharpe,
        sharpe_full: a.sharpe_full,
        impact_cost: a.impact_cost,
        traded_qty: traded,
        impact_cost_per_unit: traded > 0 ? a.impact_cost / traded : null,
        fills: a.fill_count,
        final_phi: a.phi,
        mean_phi: n > 0 ? (this.agentPhiSum.get(a.agent_id) ?? 0) / n : 0,
        half_life: num(d?.half_life),
        half_life_lo: num(d?.half_life_ci?.lower),
        half_life_hi: num(d?.half_life_ci?.upper),
        half_life_ticks: num(d?.half_life_ticks),
        half_life_significant: d && d.half_life !== null ? d.significant : null,
      };
    });
    const typeDecay = new Map((decay.strategy_decay_params ?? []).map((d) => [d.strategy, d]));
    const strategies = strategyFigures(agents).map((st) => {
      const d = typeDecay.get(st.strategy);
      return { ...st, half_life: num(d?.half_life), half_life_lo: num(d?.half_life_ci?.lower), half_life_hi: num(d?.half_life_ci?.upper), half_life_ticks: num(d?.half_life_ticks) };
    });
    const totalImpact = agents.reduce((t, a) => t + a.impact_cost, 0);
    const totalTraded = agents.reduce((t, a) => t + a.traded_qty, 0);
    const row: SweepRow = {
      seed: this.seed,
      ticks: n,
      start_mid: s.start_mid,
      end_mid: s.end_mid,
      return_pct: s.return_pct,
      realized_vol: s.realized_vol,
      excess_kurtosis: facts?.excess_kurtosis ?? null,
      fills: s.fills,
      volume: s.volume,
      mean_crowding: n > 0 ? this.crowdingSum / n : null,
      mean_lfi: n > 0 ? this.lfiSum / n : null,
      mean_depth: n > 0 ? this.depthSum / n : null,
      max_lfi: this.lfiMax,
      final_regime: s.final_regime,
      ...Object.fromEntries(REGIMES.map((g) => [`${g.toLowerCase()}_share`, n > 0 ? (this.regimeTicks.get(g) ?? 0) / n : null])),
      total_impact_cost: totalImpact,
      impact_cost_per_unit: totalTraded > 0 ? totalImpact / totalTraded : null,
      mean_phi: n > 0 ? this.phiMeanSum / n : null,
      final_mean_phi: agents.length ? agents.reduce((t, a) => t + a.final_phi, 0) / agents.length : null,
      ...Object.fromEntries((Object.keys(RETURN_FACTS) as (keyof typeof RETURN_FACTS)[]).map((f) => [`fact_${f}`, facts?.facts[f].pass ?? null])),
      facts_passed: facts ? (Object.keys(RETURN_FACTS) as (keyof typeof RETURN_FACTS)[]).filter((f) => facts.facts[f].pass).length : null,
      facts_checked: facts ? Object.keys(RETURN_FACTS).length : null,
      decay_samples: num(decay.samples),
      decay_lambda: num(decay.lambda),
      half_life: num(decay.half_life),
      half_life_lo: num(decay.half_life_ci?.lower),
      half_life_hi: num(decay.half_life_ci?.upper),
      wall_ms: s.elapsed_ms,
    };
    for (const st of strategies) {
      row[`${st.strategy}_pnl`] = st.total_pnl;
      row[`${st.strategy}_sharpe`] = st.mean_sharpe;
      row[`${st.strategy}_impact_cost`] = st.total_impact_cost;
      row[`${st.strategy}_mean_phi`] = st.mean_phi;
    }
    for (const d of decay.strategy_decay_params ?? []) {
      row[`${d.strategy}_half_life`] = num(d.half_life);
      row[`${d.strategy}_half_life_ticks`] = num(d.half_life_ticks);
    }
    return { row, agents, strategies, path: this.path };
  }
}

/** Agents grouped by strategy type, in order of first appearance (decay fits are added by the recorder). */
export function strategyFigures(agents: readonly AgentFigures[]): Omit<StrategyFigures, 'half_life' | 'half_life_lo' | 'half_life_hi' | 'half_life_ticks'>[] {
  const groups = new Map<string, AgentFigures[]>();
  for (const a of agents) groups.set(a.strategy, [...(groups.get(a.strategy) ?? []), a]);
  return [...groups].map(([strategy, as]) => {
    const sharpes = as.map((a) => a.sharpe).filter((x): x is number => x !== null);
    const impact = as.reduce((t, a) => t + a.impact_cost, 0);
    const traded = as.reduce((t, a) => t + a.traded_qty, 0);
    const pnl = as.reduce((t, a) => t + a.pnl, 0);
    return {
      strategy,
      agents: as.length,
      total_pnl: pnl,
      mean_pnl: pnl / as.length,
      mean_sharpe: sharpes.length ? sharpes.reduce((t, x) => t + x, 0) / sharpes.length : null,
      total_impact_cost: impact,
      impact_cost_per_unit: traded > 0 ? impact / traded : null,
      mean_phi: as.reduce((t, a) => t + a.mean_phi, 0) / as.length,
    };
  });
}

/** Runs one job and returns its full record. */
export function runRecord(base: DeepPartial<SimulationConfig>, overrides: Record<string, unknown>, seed: number, ticks: number): RunRecord {
  const started = performance.now();
  const sim = new Simulation(runOverrides(base as Record<string, unknown>, overrides, seed));
  const rec = new RunRecorder(seed, ticks);
  for (let t = 0; t < ticks; t++) rec.add(sim.step());
  return rec.finish(sim, performance.now() - started);
}

/** Runs one job and returns its CSV row (the sweep's view of the record). */
export function runSweepJob(base: DeepPartial<SimulationConfig>, overrides: Record<string, unknown>, seed: number, ticks: number): SweepRow {
  return runRecord(base, overrides, seed, ticks).row;
}
