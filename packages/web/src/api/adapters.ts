/**
 * Tolerant adapters from server JSON to the shapes the UI draws. The exact JSON of the analytics
 * snapshots is still settling, so every reader here accepts the snake_case names of the engine's
 * wire types plus a few likely aliases, and returns `null`/empty rather than throwing on a shape
 * it does not know. This is the ONE place to align with the server.
 */
import type { AgentStatsWire, CrowdingPayload, DepthSnapshot, OrderFilledPayload, TickPayload } from './types.js';

type Json = Record<string, unknown>;

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function num(v: unknown, fallback = NaN): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback;
}
export function numOrNull(v: unknown): number | null {
  const n = num(v);
  return Number.isNaN(n) ? null : n;
}
export function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
/** First present key among aliases. */
export function pick(o: Json, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}
/** Unwrap `{data: ...}` / `{snapshot: ...}` envelopes. */
function unwrap(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (let i = 0; i < 3 && isObj(cur); i++) {
    const inner = pick(cur, ...keys, 'data', 'snapshot', 'result');
    if (inner === undefined) break;
    cur = inner;
  }
  return cur;
}

// ---------------------------------------------------------------- market

export function toDepth(v: unknown): DepthSnapshot | null {
  if (!isObj(v)) return null;
  const level = (l: unknown) => (isObj(l) ? { price: num(l.price), qty: num(l.qty ?? l.quantity ?? l.size, 0), orders: num(l.orders ?? l.count, 0) } : Array.isArray(l) ? { price: num(l[0]), qty: num(l[1], 0), orders: num(l[2], 0) } : null);
  const bids = arr(v.bids).map(level).filter((l): l is NonNullable<typeof l> => l !== null && Number.isFinite(l.price));
  const asks = arr(v.asks).map(level).filter((l): l is NonNullable<typeof l> => l !== null && Number.isFinite(l.price));
  const bestBid = numOrNull(pick(v, 'bestBid', 'best_bid')) ?? bids[0]?.price ?? null;
  const bestAsk = numOrNull(pick(v, 'bestAsk', 'best_ask')) ?? asks[0]?.price ?? null;
  return {
    bids,
    asks,
    bestBid,
    bestAsk,
    mid: numOrNull(v.mid) ?? (bestBid !== null && bestAsk !== null ? (bestBid + bestAsk) / 2 : null),
    spread: numOrNull(v.spread) ?? (bestBid !== null && bestAsk !== null ? bestAsk - bestBid : null),
  };
}

export function toFill(v: unknown): OrderFilledPayload | null {
  if (!isObj(v)) return null;
  const price = num(v.price);
  if (!Number.isFinite(price)) return null;
  return {
    tick: num(v.tick, 0),
    buy_order_id: num(v.buy_order_id, 0),
    sell_order_id: num(v.sell_order_id, 0),
    buy_agent_id: str(v.buy_agent_id),
    sell_agent_id: str(v.sell_agent_id),
    price,
    qty: num(v.qty, 0),
    aggressor: v.aggressor === 'ASK' ? 'ASK' : 'BID',
  };
}

export function toAgentStats(v: unknown): AgentStatsWire | null {
  if (!isObj(v)) return null;
  const id = str(pick(v, 'agent_id', 'agentId', 'id'));
  if (id === '') return null;
  // GET /strategies/{id}/stats adds a `diagnostics` block (drawdown, turnover, ...): fold it into extra
  const extra: AgentStatsWire['extra'] = {};
  for (const src of [v.diagnostics, v.extra]) {
    if (!isObj(src)) continue;
    for (const [k, x] of Object.entries(src)) if (x === null || typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') extra[k] = x;
  }
  return {
    agent_id: id,
    strategy: str(pick(v, 'strategy', 'type', 'strategy_type'), 'unknown'),
    status: v.status === 'silenced' ? 'silenced' : 'active',
    status_reason: typeof pick(v, 'status_reason', 'statusReason') === 'string' ? (pick(v, 'status_reason', 'statusReason') as string) : null,
    cash: num(v.cash, 0),
    inventory: num(pick(v, 'inventory', 'position'), 0),
    // `pnl` is SPEC §3 equity (cash + inventory × mid, starting cash included); `net_pnl` is what
    // the agent made since it joined, which is what the pages show as PnL.
    pnl: num(v.pnl, 0),
    net_pnl: num(pick(v, 'net_pnl', 'pnl'), 0),
    realized_pnl: num(pick(v, 'realized_pnl', 'realizedPnl'), 0),
    total_buy_qty: num(pick(v, 'total_buy_qty', 'totalBuyQty'), 0),
    total_sell_qty: num(pick(v, 'total_sell_qty', 'totalSellQty'), 0),
    fill_count: num(pick(v, 'fill_count', 'fillCount'), 0),
    orders_submitted: num(pick(v, 'orders_submitted', 'ordersSubmitted'), 0),
    orders_rejected: num(pick(v, 'orders_rejected', 'ordersRejected'), 0),
    impact_cost: num(pick(v, 'impact_cost', 'impactCost'), 0),
    phi: num(v.phi, 0),
    sharpe: numOrNull(v.sharpe),
    // Full-run Sharpe (anchored at the starting cash), beside the rolling-window `sharpe`.
    sharpe_full: numOrNull(pick(v, 'sharpe_full', 'sharpeFull')),
    extra,
  };
}

/** A TICK payload from /market/snapshot (bare, or wrapped as {latest|state|tick_state: ...}). */
export function toTickPayload(v: unknown): TickPayload | null {
  const t = unwrap(v, 'payload', 'latest', 'state', 'tick_state', 'market');
  if (!isObj(t)) return null;
  const tick = num(t.tick);
  if (!Number.isFinite(tick)) return null;
  const book = toDepth(pick(t, 'order_book', 'book', 'depth')) ?? { bids: [], asks: [], bestBid: null, bestAsk: null, mid: null, spread: null };
  return {
    tick,
    mid: num(t.mid, book.mid ?? NaN),
    spread: numOrNull(t.spread) ?? book.spread,
    vwap: num(t.vwap, NaN),
    volatility: num(t.volatility, 0),
    regime: str(t.regime, 'CALM'),
    lfi: num(t.lfi, 0),
    lfi_near_depth_ratio: num(t.lfi_near_depth_ratio, 0),
    lfi_alert: str(t.lfi_alert, 'NORMAL'),
    crowding: num(pick(t, 'crowding', 'crowding_intensity', 'intensity'), 0),
    order_book: book,
    recent_fills: arr(pick(t, 'recent_fills', 'trades')).map(toFill).filter((f): f is OrderFilledPayload => f !== null),
    agent_stats: arr(pick(t, 'agent_stats', 'agents')).map(toAgentStats).filter((a): a is AgentStatsWire => a !== null),
  };
}

export function toFills(v: unknown): OrderFilledPayload[] {
  const list = Array.isArray(v) ? v : isObj(v) ? arr(pick(v, 'trades', 'fills', 'items', 'data')) : [];
  return list.map(toFill).filter((f): f is OrderFilledPayload => f !== null);
}

export function toAgentStatsList(v: unknown): AgentStatsWire[] {
  const list = Array.isArray(v) ? v : isObj(v) ? arr(pick(v, 'leaderboard', 'agents', 'items', 'strategies', 'data')) : [];
  return list.map(toAgentStats).filter((a): a is AgentStatsWire => a !== null);
}

// ---------------------------------------------------------------- analytics

/** Crowding snapshot: same as the CROWDING_MATRIX_UPDATED payload. */
export function toCrowding(v: unknown): CrowdingPayload | null {
  const c = unwrap(v, 'crowding');
  if (!isObj(c)) return null;
  const ids = arr(pick(c, 'agent_ids', 'agentIds', 'agents')).map((x) => (isObj(x) ? str(x.agent_id ?? x.id) : str(x)));
  const matrix = arr(pick(c, 'matrix', 'similarity', 'similarity_matrix')).map((row) => arr(row).map((x) => num(x, 0)));
  if (ids.length === 0 || matrix.length !== ids.length) return null;
  const phiRaw = pick(c, 'phi', 'phi_by_agent');
  const phi: Record<string, number> = {};
  if (isObj(phiRaw)) for (const [k, x] of Object.entries(phiRaw)) phi[k] = num(x, 0);
  else if (Array.isArray(phiRaw)) phiRaw.forEach((x, i) => { const id = ids[i]; if (id !== undefined) phi[id] = num(x, 0); });
  return {
    tick: num(c.tick, 0),
    intensity: num(pick(c, 'intensity', 'aggregate_intensity', 'crowding'), 0),
    agent_ids: ids,
    matrix,
    phi,
    top_pairs: arr(pick(c, 'top_pairs', 'topPairs')).filter(isObj).map((p) => ({ agent_a: str(p.agent_a ?? p.a), agent_b: str(p.agent_b ?? p.b), similarity: num(p.similarity, 0) })),
  };
}

export const FACTOR_NAMES = ['turnover_rate', 'avg_holding_period', 'directional_bias', 'volatility_exposure', 'inventory_skew', 'order_aggressiveness'] as const;

export interface FactorPoint {
  agentId: string;
  strategy: string;
  /** The 6 factors in FACTOR_NAMES order. */
  factors: number[];
  volumeShare: number;
  /** Server-side PCA coordinates when given. */
  pc: [number, number] | null;
}

export interface FactorSpace {
  tick: number;
  factorNames: string[];
  points: FactorPoint[];
  /** Explained-variance ratio of PC1/PC2 when the server computed the PCA. */
  explained: [number, number] | null;
}

function factorVector(v: unknown): number[] {
  if (Array.isArray(v)) return v.map((x) => num(x, 0));
  if (isObj(v)) return FACTOR_NAMES.map((k) => num(v[k], 0));
  return [];
}

export function toFactorSpace(v: unknown, strategyOf: (id: string) => string = () => 'unknown'): FactorSpace | null {
  const f = unwrap(v, 'factor_space', 'factorSpace');
  if (!isObj(f) && !Array.isArray(f)) return null;
  let entries: Array<[string, unknown]> = [];
  const agentsRaw = Array.isArray(f) ? f : pick(f, 'agents', 'points', 'vectors', 'factors');
  if (Array.isArray(agentsRaw)) entries = agentsRaw.map((a) => [isObj(a) ? str(pick(a, 'agent_id', 'agentId', 'id')) : '', a]);
  else if (isObj(agentsRaw)) entries = Object.entries(agentsRaw);
  const shares = isObj(f) && isObj(pick(f, 'volume_share', 'volume_shares', 'weights')) ? (pick(f, 'volume_share', 'volume_shares', 'weights') as Json) : {};
  const points: FactorPoint[] = [];
  for (const [id, a] of entries) {
    if (id === '') continue;
    const o = isObj(a) ? a : {};
    const vec = factorVector(Array.isArray(a) ? a : pick(o, 'factors', 'vector', 'factor_vector', 'f') ?? o);
    if (vec.length === 0) continue;
    const pcRaw = pick(o, 'pca', 'pc', 'projection');
    const pc: [number, number] | null = Array.isArray(pcRaw) && pcRaw.length >= 2 ? [num(pcRaw[0], 0), num(pcRaw[1], 0)] : isObj(pcRaw) ? [num(pcRaw.x ?? pcRaw.pc1, 0), num(pcRaw.y ?? pcRaw.pc2, 0)] : null;
    points.push({
      agentId: id,
      strategy: str(pick(o, 'strategy', 'type'), strategyOf(id)),
      factors: vec,
      volumeShare: num(pick(o, 'volume_share', 'volumeShare', 'weight', 'w'), num(shares[id], 0)),
      pc,
    });
  }
  if (points.length === 0) return null;
  const names = isObj(f) ? arr(pick(f, 'factor_names', 'factorNames', 'dimensions')).map((x) => str(x)) : [];
  const evr = isObj(f) && isObj(f.pca) ? arr(pick(f.pca, 'explained_variance_ratio', 'explained')) : [];
  const explained: [number, number] | null = evr.length >= 2 ? [num(evr[0], NaN), num(evr[1], NaN)] : null;
  return { tick: isObj(f) ? num(f.tick, 0) : 0, factorNames: names.length > 0 ? names : [...FACTOR_NAMES], points, explained };
}

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
  /** 95% band when the server gives one (or a lambda standard error / interval to derive it). */
  lo: number[] | null;
  hi: number[] | null;
  /** Observed (X, Sharpe) points, when given. */
  obsX: number[];
  obsY: number[];
}

function curveOf(v: unknown): { x: number[]; y: number[] } {
  if (Array.isArray(v)) {
    const x: number[] = [];
    const y: number[] = [];
    for (const p of v) {
      if (Array.isArray(p)) { x.push(num(p[0], 0)); y.push(num(p[1], 0)); }
      else if (isObj(p)) { x.push(num(pick(p, 'x', 'exposure', 'X'), 0)); y.push(num(pick(p, 'y', 'sharpe', 'fitted', 'value'), 0)); }
    }
    return { x, y };
  }
  if (isObj(v)) return { x: arr(pick(v, 'x', 'exposure')).map((n) => num(n, 0)), y: arr(pick(v, 'y', 'sharpe', 'fitted')).map((n) => num(n, 0)) };
  return { x: [], y: [] };
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
  /** True when the server fits one pooled curve over all agents' samples (the engine's model). */
  pooled: boolean;
  tick: number | null;
}

/** λ interval from a half-life interval (ln2/λ): an infinite upper half-life means λ ≥ 0. */
function lambdaBoundsFromHalfLife(ci: unknown): [number, number] | null {
  if (!isObj(ci)) return null;
  const lower = numOrNull(pick(ci, 'lower', 'low', 'lo'));
  const upper = numOrNull(pick(ci, 'upper', 'high', 'hi'));
  if (lower === null || lower <= 0) return null;
  return [upper === null || upper <= 0 ? 0 : Math.LN2 / upper, Math.LN2 / lower];
}

function toDecayFit(id: string, strategy: string, fit: Json): DecayFit {
  const alphaMax = numOrNull(pick(fit, 'alpha_max', 'alphaMax', 'alpha'));
  const lambda = numOrNull(pick(fit, 'lambda', 'decay_rate', 'lambda_'));
  let { x, y } = curveOf(pick(fit, 'curve', 'fitted_curve', 'fitted'));
  const obs = curveOf(pick(fit, 'points', 'observations', 'samples_xy', 'history'));
  if (x.length === 0 && alphaMax !== null && lambda !== null) {
    const xmax = obs.x.length > 0 ? Math.max(...obs.x) : 50;
    x = Array.from({ length: 40 }, (_, i) => (xmax * i) / 39);
    y = x.map((xx) => alphaMax * Math.exp(-lambda * xx));
  }
  let lo: number[] | null = null;
  let hi: number[] | null = null;
  const ciLo = arr(pick(fit, 'ci_low', 'lower', 'ci_lower')).map((n) => num(n, 0));
  const ciHi = arr(pick(fit, 'ci_high', 'upper', 'ci_upper')).map((n) => num(n, 0));
  if (ciLo.length === x.length && ciHi.length === x.length && x.length > 0) {
    lo = ciLo;
    hi = ciHi;
  } else if (alphaMax !== null && lambda !== null) {
    const se = numOrNull(pick(fit, 'lambda_se', 'lambda_stderr', 'se_lambda'));
    const ci = arr(pick(fit, 'lambda_ci'));
    let bounds: [number, number] | null = lambdaBoundsFromHalfLife(pick(fit, 'half_life_ci', 'halfLifeCi'));
    if (!bounds && ci.length === 2) bounds = [num(ci[0]), num(ci[1])];
    if (!bounds && se !== null) bounds = [lambda - 1.96 * se, lambda + 1.96 * se];
    if (bounds && Number.isFinite(bounds[0]) && Number.isFinite(bounds[1])) {
      const [l1, l2] = bounds;
      lo = x.map((xx) => alphaMax * Math.exp(-Math.max(l1, l2) * xx));
      hi = x.map((xx) => alphaMax * Math.exp(-Math.max(0, Math.min(l1, l2)) * xx));
    }
  }
  const hlCi = pick(fit, 'half_life_ci', 'halfLifeCi');
  return {
    agentId: id,
    strategy,
    alphaMax,
    lambda,
    halfLife: numOrNull(pick(fit, 'half_life', 'halfLife')),
    halfLifeCi: isObj(hlCi) ? [numOrNull(hlCi.lower), numOrNull(hlCi.upper)] : null,
    r2: numOrNull(pick(fit, 'r2', 'r_squared', 'R2')),
    samples: num(pick(fit, 'samples', 'sample_count', 'n'), 0),
    curveX: x,
    curveY: y,
    lo,
    hi,
    obsX: obs.x,
    obsY: obs.y,
  };
}

/**
 * GET /analytics/decay. Accepts the engine's pooled model ({alpha_max, lambda, half_life,
 * half_life_ci, r2, curve:[{exposure, sharpe}], agents:[{agent_id, crowding_exposure, sharpe_proxy}]})
 * and per-agent fits ({agents:[{agent_id, alpha_max, lambda, curve, ...}]}).
 */
export function toDecayView(v: unknown, strategyOf: (id: string) => string = () => 'unknown'): DecayView | null {
  const d = unwrap(v, 'decay', 'alpha_decay');
  if (!isObj(d) && !Array.isArray(d)) return null;
  let entries: Array<[string, unknown]> = [];
  const raw = Array.isArray(d) ? d : pick(d, 'agents', 'fits', 'per_agent');
  if (Array.isArray(raw)) entries = raw.map((a) => [isObj(a) ? str(pick(a, 'agent_id', 'agentId', 'id')) : '', a]);
  else if (isObj(raw)) entries = Object.entries(raw).filter(([, x]) => isObj(x));
  const fits: DecayFit[] = [];
  const points: DecayPoint[] = [];
  for (const [id, a] of entries) {
    if (id === '' || !isObj(a)) continue;
    const strategy = str(pick(a, 'strategy', 'type'), strategyOf(id));
    const x = numOrNull(pick(a, 'crowding_exposure', 'exposure', 'X'));
    const y = numOrNull(pick(a, 'sharpe_proxy', 'sharpe'));
    if (x !== null && y !== null) points.push({ agentId: id, strategy, x, y });
    const fit = isObj(a.fit) ? { ...a, ...a.fit } : a;
    if (pick(fit, 'alpha_max', 'alphaMax', 'curve', 'lambda') !== undefined) fits.push(toDecayFit(id, strategy, fit));
  }
  const pooled = isObj(d) && pick(d, 'alpha_max', 'alphaMax', 'curve', 'lambda') !== undefined;
  if (pooled) fits.unshift(toDecayFit('all agents (pooled)', 'pooled', d as Json));
  return { fits, points, pooled, tick: isObj(d) ? numOrNull(d.tick) : null };
}

export interface RegimePoint {
  tick: number;
  regime: string;
  lfi: number | null;
}

export function toRegimeHistory(v: unknown): RegimePoint[] {
  const r = unwrap(v, 'regime');
  const list = Array.isArray(r) ? r : isObj(r) ? arr(pick(r, 'history', 'changes', 'transitions', 'series')) : [];
  return list.filter(isObj).map((p) => ({ tick: num(p.tick, 0), regime: str(p.regime, 'CALM'), lfi: numOrNull(p.lfi) }));
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

function toParams(v: unknown): ParamSpec[] {
  if (isObj(v)) {
    return Object.entries(v).map(([name, p]) => {
      const o = isObj(p) ? p : { default: p };
      const d = o.default;
      return {
        name,
        default: typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean' ? d : null,
        min: numOrNull(o.min),
        max: numOrNull(o.max),
        description: str(pick(o, 'description', 'help')),
      };
    });
  }
  return arr(v).filter(isObj).map((o) => ({
    name: str(o.name),
    default: typeof o.default === 'number' || typeof o.default === 'string' || typeof o.default === 'boolean' ? o.default : null,
    min: numOrNull(o.min),
    max: numOrNull(o.max),
    description: str(o.description),
  }));
}

/** GET /strategies: built-in types (+ registered user strategies) in whatever envelope. */
export function toStrategyTemplates(v: unknown): StrategyTemplate[] {
  const out: StrategyTemplate[] = [];
  const add = (list: unknown, builtin: boolean) => {
    for (const s of arr(list)) {
      if (typeof s === 'string') out.push({ type: s, description: '', params: [], builtin });
      else if (isObj(s)) {
        const type = str(pick(s, 'type', 'name', 'strategy_name', 'strategy'));
        if (type !== '' && !out.some((t) => t.type === type)) out.push({ type, description: str(s.description), params: toParams(s.params ?? s.parameters), builtin: builtin && s.user !== true && (s.kind === undefined || s.kind === 'builtin') });
      }
    }
  };
  if (Array.isArray(v)) add(v, true);
  else if (isObj(v)) {
    add(pick(v, 'strategy_types', 'builtin', 'builtins', 'built_in', 'types', 'strategies', 'available'), true);
    add(pick(v, 'user', 'user_strategies', 'registered'), false);
  }
  return out;
}

export interface Submission {
  id: string;
  submitter: string;
  mode: string;
  template: string;
  status: string;
  createdAt: string;
  raw: Json;
}

export function toSubmissions(v: unknown): Submission[] {
  const list = Array.isArray(v) ? v : isObj(v) ? arr(pick(v, 'submissions', 'items', 'data')) : [];
  return list.filter(isObj).map((s) => ({
    id: str(pick(s, 'id', 'submission_id')),
    submitter: str(pick(s, 'submitter_name', 'submitter')),
    mode: str(s.mode),
    template: str(pick(s, 'template_strategy', 'template')),
    status: str(s.status, 'pending'),
    createdAt: str(pick(s, 'created_at', 'createdAt')),
    raw: s,
  }));
}

export interface Diagnostic {
  message: string;
  line: number | null;
  column: number | null;
}

/** Diagnostics from a 400 of POST /strategies/user. */
export function toDiagnostics(raw: unknown): Diagnostic[] {
  // the server wraps errors as {error: {code, message, details: [...]}}
  const body = isObj(raw) && isObj(raw.error) ? raw.error : raw;
  if (!isObj(body)) return typeof body === 'string' && body !== '' ? [{ message: body, line: null, column: null }] : [];
  const list = arr(pick(body, 'diagnostics', 'errors', 'details'));
  const out = list.filter(isObj).map((d) => ({ message: str(pick(d, 'message', 'msg'), 'invalid'), line: numOrNull(d.line), column: numOrNull(pick(d, 'column', 'col')) }));
  if (out.length === 0) {
    const msg = pick(body, 'message', 'error', 'detail');
    if (typeof msg === 'string') out.push({ message: msg, line: null, column: null });
  }
  return out;
}

// ---------------------------------------------------------------- simulations

export interface SimulationSummary {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  ticks: number | null;
  seed: number | null;
  raw: Json;
}

export function toSimulations(v: unknown): SimulationSummary[] {
  const list = Array.isArray(v) ? v : isObj(v) ? arr(pick(v, 'simulations', 'runs', 'items', 'data')) : [];
  return list.filter(isObj).map(toSimulationSummary);
}

export function toSimulationSummary(raw: Json): SimulationSummary {
  // GET /simulations/{id} wraps the row as {simulation: {...}, agents, history, ...}
  const s = isObj(raw.simulation) ? raw.simulation : raw;
  const cfg = isObj(s.config) ? s.config : {};
  return {
    id: str(pick(s, 'id', 'simulation_id', 'run_id')),
    name: str(pick(s, 'name', 'label', 'kind'), ''),
    status: str(s.status, ''),
    createdAt: str(pick(s, 'created_at', 'createdAt', 'started_at')),
    ticks: numOrNull(pick(s, 'ticks', 'last_tick', 'tick', 'n_ticks')) ?? numOrNull(cfg.ticks),
    seed: numOrNull(s.seed) ?? numOrNull(cfg.seed),
    raw: s,
  };
}

/** Numeric series found in a simulation result: arrays of numbers, or arrays of rows with numeric fields. */
export interface SeriesTable {
  name: string;
  columns: string[];
  rows: number[][];
}

export function findSeriesTables(v: unknown, name = 'result', depth = 0, out: SeriesTable[] = []): SeriesTable[] {
  if (depth > 4 || out.length > 20) return out;
  if (Array.isArray(v) && v.length > 1) {
    if (v.every((x) => typeof x === 'number')) {
      out.push({ name, columns: ['index', name], rows: (v as number[]).map((y, i) => [i, y]) });
      return out;
    }
    const first = v.find(isObj);
    if (first) {
      const cols = Object.keys(first).filter((k) => typeof first[k] === 'number');
      if (cols.length >= 2) {
        out.push({ name, columns: cols, rows: v.filter(isObj).map((r) => cols.map((c) => num(r[c]))) });
        return out;
      }
    }
    return out;
  }
  if (isObj(v)) for (const [k, x] of Object.entries(v)) findSeriesTables(x, depth === 0 ? k : `${name}.${k}`, depth + 1, out);
  return out;
}

/**
 * Split a table's y columns into groups of similar magnitude (within 10×) so a price and an index
 * in [0,1] never share one axis. Returns column indices (excluding column 0, the x).
 */
export function magnitudeGroups(table: SeriesTable, maxGroups = 4): number[][] {
  const mags = table.columns.slice(1).map((_, k) => {
    let m = 0;
    for (const r of table.rows) {
      const v = Math.abs(r[k + 1] ?? 0);
      if (Number.isFinite(v) && v > m) m = v;
    }
    return { col: k + 1, mag: m > 0 ? Math.log10(m) : -Infinity };
  });
  mags.sort((a, b) => b.mag - a.mag);
  const groups: { mag: number; cols: number[] }[] = [];
  for (const m of mags) {
    const g = groups.find((x) => Math.abs(x.mag - m.mag) <= 1 || (!Number.isFinite(x.mag) && !Number.isFinite(m.mag)));
    if (g) g.cols.push(m.col);
    else groups.push({ mag: m.mag, cols: [m.col] });
  }
  return groups.slice(0, maxGroups).map((g) => g.cols.sort((a, b) => a - b));
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

/** The `agents` list of GET /simulations/{id} (stats nested per agent). */
export function toSimulationAgents(v: unknown): SimulationAgentRow[] {
  const list = isObj(v) ? arr(v.agents) : [];
  return list.filter(isObj).map((a) => {
    const st = isObj(a.stats) ? a.stats : a;
    return {
      agentId: str(pick(a, 'agent_id', 'id')),
      strategy: str(pick(a, 'strategy', 'type')),
      status: str(pick(a, 'status'), str(st.status)),
      pnl: numOrNull(pick(st, 'net_pnl', 'pnl')),
      sharpe: numOrNull(st.sharpe),
      fills: numOrNull(pick(st, 'fill_count', 'fills')),
      phi: numOrNull(st.phi),
      impact: numOrNull(st.impact_cost),
    };
  });
}

/**
 * An RL agent's learning curve (the engine's `agentLearningCurve`: [{update, tick, mean_reward,
 * policy_loss, value_loss, entropy}]), from GET /strategies/{id}/stats as `learning_curve`
 * (or `rl.learning_curve`). Column 0 is the x (tick, else update).
 */
export function toLearningCurve(raw: unknown): SeriesTable | null {
  if (!isObj(raw)) return null;
  const list = arr(pick(raw, 'learning_curve', 'learningCurve') ?? (isObj(raw.rl) ? pick(raw.rl, 'learning_curve', 'curve') : undefined)).filter(isObj);
  const first = list[0];
  if (!first) return null;
  const numeric = Object.keys(first).filter((k) => typeof first[k] === 'number');
  const x = numeric.includes('tick') ? 'tick' : numeric.includes('update') ? 'update' : numeric[0];
  if (x === undefined) return null;
  const cols = [x, ...numeric.filter((k) => k !== x && k !== 'update' && k !== 'tick')];
  if (cols.length < 2) return null;
  return { name: 'learning curve', columns: cols, rows: list.map((r) => cols.map((c) => num(r[c]))) };
}
