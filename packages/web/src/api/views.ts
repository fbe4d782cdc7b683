/**
 * View models the charts draw, computed from wire-contract bodies. Every input is a typed body of
 * `@crowdalpha/engine/wire`; nothing here guesses field names or unwraps envelopes.
 */
import { FACTOR_NAMES } from './types.js';
import type {
  DecaySnapshotWire,
  FactorSpaceWire,
  RegimeSnapshotWire,
  SimulationDetailResponse,
  SimulationsResponse,
  StrategiesResponse,
  SubmissionsResponse,
} from './types.js';

// ---------------------------------------------------------------- factor space

export interface FactorPoint {
  agentId: string;
  strategy: string;
  /** The 6 factors in FACTOR_NAMES order. */
  factors: number[];
  volumeShare: number;
  /** Server-side PCA coordinates. */
  pc: [number, number] | null;
}

export interface FactorSpace {
  tick: number;
  factorNames: string[];
  points: FactorPoint[];
  /** Explained-variance ratio of PC1/PC2. */
  explained: [number, number] | null;
}

export function factorSpaceView(f: FactorSpaceWire): FactorSpace | null {
  if (f.agents.length === 0) return null;
  const evr = f.pca.explained_variance_ratio;
  return {
    tick: f.tick ?? 0,
    factorNames: f.factor_names.length > 0 ? f.factor_names : [...FACTOR_NAMES],
    points: f.agents.map((a) => ({ agentId: a.agent_id, strategy: a.strategy_type, factors: a.vector, volumeShare: a.volume_share, pc: [a.pca.x, a.pca.y] })),
    explained: evr.length >= 2 ? [evr[0] as number, evr[1] as number] : null,
  };
}

// ---------------------------------------------------------------- alpha decay

export interface DecayFit {
  agentId: string;
  strategy: string;
  alphaMax: number | null;
  lambda: number | null;
  halfLife: number | null;
  /** Interval of the half-life (upper null = unbounded). */
  halfLifeCi: [number | null, number | null] | null;
  r2: number | null;
  samples: number;
  /** Fitted curve over cumulative exposure X. */
  curveX: number[];
  curveY: number[];
  /** Band from the half-life interval, when there is one. */
  lo: number[] | null;
  hi: number[] | null;
  /** Observed (X, Sharpe) points. */
  obsX: number[];
  obsY: number[];
}

export interface DecayPoint {
  agentId: string;
  strategy: string;
  /** Cumulative crowding exposure X. */
  x: number;
  /** Sharpe proxy. */
  y: number;
}

export interface DecayView {
  fits: DecayFit[];
  /** Latest (X, Sharpe) per agent. */
  points: DecayPoint[];
  /** True when the pooled (market-wide) fit is the first of `fits`. */
  pooled: boolean;
  tick: number | null;
}

/** A band from a half-life interval (ln2/λ): an unbounded upper half-life means λ ≥ 0. */
function band(alphaMax: number, ci: DecaySnapshotWire['half_life_ci'], x: number[]): { lo: number[]; hi: number[] } | null {
  if (!ci || ci.lower === null || ci.lower <= 0) return null;
  const lMax = Math.LN2 / ci.lower;
  const lMin = ci.upper === null || ci.upper <= 0 ? 0 : Math.LN2 / ci.upper;
  return { lo: x.map((v) => alphaMax * Math.exp(-lMax * v)), hi: x.map((v) => alphaMax * Math.exp(-lMin * v)) };
}

export function decayView(d: DecaySnapshotWire): DecayView {
  const strategyOf = new Map(d.agents.map((a) => [a.agent_id, a.strategy_type]));
  const curveX = d.curve.map((p) => p.exposure);
  const b = d.alpha_max !== null ? band(d.alpha_max, d.half_life_ci, curveX) : null;
  const pooled: DecayFit = {
    agentId: 'all agents (pooled)',
    strategy: 'pooled',
    alphaMax: d.alpha_max,
    lambda: d.lambda,
    halfLife: d.half_life,
    halfLifeCi: d.half_life_ci ? [d.half_life_ci.lower, d.half_life_ci.upper] : null,
    r2: d.r2,
    samples: d.samples,
    curveX,
    curveY: d.curve.map((p) => p.sharpe),
    lo: b?.lo ?? null,
    hi: b?.hi ?? null,
    obsX: d.agents.map((a) => a.crowding_exposure),
    obsY: d.agents.map((a) => a.sharpe_proxy ?? NaN),
  };
  const perAgent: DecayFit[] = d.agent_decay_params
    .filter((p) => p.alpha_max !== null && p.curve.length > 0)
    .map((p) => ({
      agentId: p.agent_id,
      strategy: strategyOf.get(p.agent_id) ?? 'unknown',
      alphaMax: p.alpha_max,
      lambda: p.lambda,
      halfLife: p.half_life,
      halfLifeCi: null,
      r2: p.r_squared,
      samples: p.n_samples,
      curveX: p.curve.map((c) => c.crowding_exposure),
      curveY: p.curve.map((c) => c.predicted_sharpe),
      lo: null,
      hi: null,
      obsX: [],
      obsY: [],
    }));
  const points: DecayPoint[] = [];
  for (const a of d.agents) if (a.sharpe_proxy !== null) points.push({ agentId: a.agent_id, strategy: a.strategy_type, x: a.crowding_exposure, y: a.sharpe_proxy });
  const hasPooled = d.alpha_max !== null || d.curve.length > 0;
  return { fits: hasPooled ? [pooled, ...perAgent] : perAgent, points, pooled: hasPooled, tick: d.tick };
}

// ---------------------------------------------------------------- regime

export interface RegimePoint {
  tick: number;
  regime: string;
  lfi: number | null;
}

export function regimeHistory(r: RegimeSnapshotWire): RegimePoint[] {
  return r.history.map((p) => ({ tick: p.tick, regime: p.regime, lfi: p.lfi }));
}

// ---------------------------------------------------------------- strategies

export interface ParamSpec {
  name: string;
  default: number | string | boolean | null;
  min: number | null;
  max: number | null;
  description: string;
}

export interface StrategyTemplate {
  type: string;
  description: string;
  params: ParamSpec[];
  builtin: boolean;
}

export function strategyTemplates(s: StrategiesResponse): StrategyTemplate[] {
  return s.strategy_type_info.map((t) => ({
    type: t.type,
    description: t.description,
    builtin: t.kind === 'builtin',
    // Built-ins describe each parameter; user strategies list what their code reads with its declared type.
    params: Object.entries(t.params).map(([name, p]) =>
      typeof p === 'string' ? { name, default: null, min: null, max: null, description: p } : { name, default: p.default, min: null, max: null, description: p.description },
    ),
  }));
}

export interface Submission {
  id: string;
  submitter: string;
  mode: string;
  template: string;
  status: string;
  createdAt: string;
  raw: SubmissionsResponse['items'][number];
}

export function submissionsView(s: SubmissionsResponse): Submission[] {
  return s.items.map((x) => ({ id: x.submission_id, submitter: x.submitter_name, mode: x.mode, template: x.template_strategy, status: x.status, createdAt: x.created_at, raw: x }));
}

// ---------------------------------------------------------------- errors

export interface Diagnostic {
  message: string;
  line: number | null;
  column: number | null;
}

/** The error body every route answers with (the server's error catalogue). */
export interface ErrorBody {
  error: { code: string; message: string; field?: string; rule?: string; details?: unknown };
}

/** Diagnostics of a refused strategy (POST /strategies/user → 400 with error.details). */
export function diagnosticsOf(body: unknown): Diagnostic[] {
  const e = (body as Partial<ErrorBody> | null)?.error;
  if (!e) return [];
  const details = Array.isArray(e.details) ? (e.details as Array<{ message?: unknown; line?: unknown; column?: unknown }>) : [];
  const out = details
    .filter((d) => typeof d?.message === 'string')
    .map((d) => ({ message: d.message as string, line: typeof d.line === 'number' ? d.line : null, column: typeof d.column === 'number' ? d.column : null }));
  return out.length > 0 ? out : [{ message: e.message, line: null, column: null }];
}

// ---------------------------------------------------------------- simulations

export interface SimulationSummary {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  ticks: number | null;
  seed: number | null;
  raw: SimulationsResponse['items'][number];
}

export function simulationSummary(s: SimulationsResponse['items'][number]): SimulationSummary {
  return { id: s.id, name: s.current ? 'live market' : '', status: s.status, createdAt: s.created_at, ticks: s.last_tick, seed: s.seed, raw: s };
}

export interface SimulationAgentRow {
  agentId: string;
  strategy: string;
  status: string;
  pnl: number | null;
  sharpe: number | null;
  fills: number | null;
  phi: number | null;
  impact: number | null;
}

export function simulationAgents(d: SimulationDetailResponse): SimulationAgentRow[] {
  const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return d.agents.map((a) => {
    const st = (a.stats ?? {}) as Record<string, unknown>;
    return {
      agentId: a.agent_id,
      strategy: a.strategy_type,
      status: a.status,
      pnl: n(st.net_pnl) ?? n(st.pnl),
      sharpe: n(st.sharpe),
      fills: n(st.fill_count),
      phi: n(st.phi),
      impact: n(st.impact_cost),
    };
  });
}
