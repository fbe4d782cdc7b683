/**
 * Per-agent performance diagnostics over a rolling window (docs/MODEL.md §5). The PnL fed in is the same
 * PnL execution books (effective prices including crowding impact), so crowding costs show up in
 * Sharpe and on the leaderboard.
 *
 * Per tick the work is O(N + fills): each agent's PnL change, |inventory| and traded quantity go
 * into fixed rings with running sums, which is all `sharpe()` and the leaderboard need, and into
 * `WindowStats`, whose mergeable records give the rest (Sortino, drawdown, kurtosis, ...) in O(1)
 * when `agent()` is asked — every agent on every tick while TICK carries the risk figures.
 *
 * Cost attribution: the spread cost |price - pre-trade mid| * qty and the impact cost
 * (mid move against the trade from pre- to post-trade) * qty are charged to the taker (the side
 * of the aggressor), the side that pays to trade. Both are cumulative over the run.
 */
import type { DiagnosticsConfig } from '../config.js';
import type { Side } from '../types.js';
import { growF64, growI32, growU8 } from '../util/typed-grow.js';
import { loadFields, saveFields, StateCodecError, type EncodedState } from '../util/state-codec.js';
import { WindowStats } from './window-stats.js';

/** Full-run Sharpe accumulators (Welford), saved apart so older checkpoints still load. */
const FULL_RUN_FIELDS = ['fullN', 'fullMean', 'fullM2'] as const;

const DIAGNOSTICS_FIELDS = [
  'n', 'cap', 'changes', 'levels', 'absInv', 'traded', 'count', 'pos', 'sum', 'sumSq', 'shift', 'invSum', 'tradedSum',
  'firstLevel', 'prevPnl', 'seen', 'tickTraded', 'spreadCost', 'impactCost', 'fillCount', 'fillQty', 'inventory',
] as const;

export interface DiagnosticsFill {
  buyer: number;
  seller: number;
  price: number;
  qty: number;
  aggressor: Side;
}

/** Plain JSON, snake_case (what the REST API serves and what fits AgentStats.extra). */
export interface AgentDiagnostics {
  [key: string]: number | null;
  pnl: number;
  /** Rolling: the last `window` ticks. */
  sharpe: number | null;
  /** Since the agent joined. */
  sharpe_full: number | null;
  sortino: number | null;
  max_drawdown: number;
  hit_rate: number | null;
  excess_kurtosis: number | null;
  abs_change_autocorr: number | null;
  turnover: number;
  spread_cost: number;
  impact_cost: number;
  fill_count: number;
  avg_fill_size: number;
  inventory: number;
  window_changes: number;
}

/** The figures of `AgentDiagnostics` that TICK carries for every agent (`Diagnostics.risk`). */
export type AgentRisk = Pick<
  AgentDiagnostics,
  'sortino' | 'max_drawdown' | 'hit_rate' | 'excess_kurtosis' | 'abs_change_autocorr' | 'turnover' | 'spread_cost' | 'impact_cost' | 'avg_fill_size'
>;

export interface DiagnosticsOptions extends DiagnosticsConfig {
  /** Annualisation: ticks per simulated trading year (`sharpeTicksPerYear(config)`). */
  ticksPerYear: number;
}

export class Diagnostics {
  readonly opts: DiagnosticsOptions;
  private readonly W: number;
  private n = 0;
  private cap = 0;
  // rings, agent i at [i*W, (i+1)*W); all share one write position per agent
  private changes = new Float64Array(0);
  private levels = new Float64Array(0); // PnL level after the change at the same slot
  private absInv = new Float64Array(0);
  private traded = new Float64Array(0);
  private count = new Int32Array(0);
  private pos = new Int32Array(0);
  private sum = new Float64Array(0);
  private sumSq = new Float64Array(0);
  /** Per-agent shift of the running sums (a recent mean), so variance does not cancel catastrophically. */
  private shift = new Float64Array(0);
  private invSum = new Float64Array(0);
  private tradedSum = new Float64Array(0);
  private firstLevel = new Float64Array(0); // level before the oldest kept change
  private prevPnl = new Float64Array(0);
  private seen = new Uint8Array(0);
  private tickTraded = new Float64Array(0);
  private spreadCost = new Float64Array(0);
  private impactCost = new Float64Array(0);
  private fillCount = new Float64Array(0);
  private fillQty = new Float64Array(0);
  private inventory = new Float64Array(0);
  /** Every PnL change since the agent joined: count, running mean and sum of squared deviations. */
  private fullN = new Float64Array(0);
  private fullMean = new Float64Array(0);
  private fullM2 = new Float64Array(0);
  /** The windows' moments, downside, hits and drawdown (derived from the rings, so not saved). */
  private readonly window: WindowStats;
  private readonly riskOut: AgentRisk = {
    sortino: null,
    max_drawdown: 0,
    hit_rate: null,
    excess_kurtosis: null,
    abs_change_autocorr: null,
    turnover: 0,
    spread_cost: 0,
    impact_cost: 0,
    avg_fill_size: 0,
  };

  constructor(opts: DiagnosticsOptions) {
    if (!Number.isInteger(opts.window) || opts.window < 2) {
      throw new RangeError(`diagnostics.window must be an integer >= 2, got ${opts.window}`);
    }
    this.opts = opts;
    this.W = opts.window;
    this.window = new WindowStats(opts.window);
  }

  /**
   * Registers an agent. `initialPnl` (its starting cash) is the reference of its first PnL change,
   * so the full-run Sharpe covers everything since it joined and has the sign of its net PnL.
   * Without it the first observed PnL is the reference.
   */
  addAgent(initialPnl?: number): number {
    if (this.n === this.cap) this.grow(Math.max(8, this.cap * 2));
    const i = this.n++;
    if (initialPnl !== undefined) {
      this.seen[i] = 1;
      this.prevPnl[i] = initialPnl;
      this.firstLevel[i] = initialPnl;
    }
    return i;
  }

  get size(): number {
    return this.n;
  }

  /** One tick: fills (with the mids around matching) and every agent's PnL and inventory after them. */
  observe(
    fills: readonly DiagnosticsFill[],
    preMid: number,
    postMid: number,
    pnl: ArrayLike<number>,
    inventory: ArrayLike<number>,
  ): void {
    for (const f of fills) {
      const q = f.qty;
      this.tickTraded[f.buyer]! += q;
      this.tickTraded[f.seller]! += q;
      this.fillCount[f.buyer]!++;
      this.fillCount[f.seller]!++;
      this.fillQty[f.buyer]! += q;
      this.fillQty[f.seller]! += q;
      const buyerTakes = f.aggressor === 'BID';
      const taker = buyerTakes ? f.buyer : f.seller;
      this.spreadCost[taker]! += Math.abs(f.price - preMid) * q;
      const adverse = buyerTakes ? postMid - preMid : preMid - postMid;
      if (adverse > 0) this.impactCost[taker]! += adverse * q;
    }
    const W = this.W;
    const n = Math.min(this.n, pnl.length, inventory.length);
    for (let i = 0; i < n; i++) {
      const p = pnl[i]!;
      const inv = inventory[i]!;
      this.inventory[i] = inv;
      const traded = this.tickTraded[i]!;
      this.tickTraded[i] = 0;
      if (!this.seen[i]) {
        this.seen[i] = 1;
        this.prevPnl[i] = p;
        this.firstLevel[i] = p;
        continue;
      }
      const d = p - this.prevPnl[i]!;
      this.prevPnl[i] = p;
      const fn = this.fullN[i]! + 1;
      const delta = d - this.fullMean[i]!;
      this.fullN[i] = fn;
      this.fullMean[i]! += delta / fn;
      this.fullM2[i]! += delta * (d - this.fullMean[i]!);
      const at = i * W + this.pos[i]!;
      const a = Math.abs(inv);
      if (this.count[i] === 0) this.shift[i] = d;
      const sh = this.shift[i]!;
      if (this.count[i] === W) {
        const old = this.changes[at]! - sh;
        this.sum[i]! -= old;
        this.sumSq[i]! -= old * old;
        this.invSum[i]! -= this.absInv[at]!;
        this.tradedSum[i]! -= this.traded[at]!;
        this.firstLevel[i] = this.levels[at]!;
      } else this.count[i]!++;
      this.changes[at] = d;
      this.levels[at] = p;
      this.absInv[at] = a;
      this.traded[at] = traded;
      this.sum[i]! += d - sh;
      this.sumSq[i]! += (d - sh) * (d - sh);
      this.invSum[i]! += a;
      this.tradedSum[i]! += traded;
      const next = this.pos[i]! + 1;
      if (next === W) {
        this.pos[i] = 0;
        this.resum(i);
        this.window.wrap(i, this.changes, this.levels);
      } else {
        this.pos[i] = next;
        this.window.push(i, d, p);
      }
    }
  }

  /**
   * Full-run Sharpe of agent i: mean / std (ddof 1) of every per-tick PnL change since it joined,
   * × sqrt(ticksPerYear). Its sign is the sign of the agent's net PnL (the mean change is net PnL /
   * ticks). Null with fewer than `minSharpeChanges` changes or std <= minStd.
   */
  sharpeFull(i: number): number | null {
    const c = this.fullN[i] ?? 0;
    if (c < Math.max(this.opts.minSharpeChanges, 2)) return null;
    const s = Math.sqrt(Math.max(this.fullM2[i]! / (c - 1), 0));
    if (!(s > this.opts.minStd)) return null;
    return (this.fullMean[i]! / s) * Math.sqrt(this.opts.ticksPerYear);
  }

  /**
   * Rolling Sharpe of agent i: mean / std (ddof 1) of its last `window` per-tick PnL changes ×
   * sqrt(ticksPerYear); its sign is the sign of the PnL change over that window. Null when not defined.
   */
  sharpe(i: number): number | null {
    const c = this.count[i] ?? 0;
    if (c < Math.max(this.opts.minSharpeChanges, 2)) return null;
    const ms = this.sum[i]! / c;
    const v = (this.sumSq[i]! - c * ms * ms) / (c - 1);
    const s = v > 0 ? Math.sqrt(v) : 0;
    if (!(s > this.opts.minStd)) return null;
    return ((this.shift[i]! + ms) / s) * Math.sqrt(this.opts.ticksPerYear);
  }

  /**
   * The risk figures of agent i in O(1), into a record reused by the next call (read it first).
   * It runs for every agent on every tick (the TICK payload carries them), so it allocates nothing.
   * The window figures come from `WindowStats`, equal to the two-pass `excessKurtosis` and
   * `autocorrelation(|changes|, 1)` over the window to rounding.
   */
  risk(i: number): AgentRisk {
    this.checkIndex(i);
    const c = this.count[i]!;
    const w = this.window.query(i, c, this.pos[i]!, this.firstLevel[i]!);
    const r = this.riskOut;
    r.sortino = null;
    if (c >= this.opts.minSharpeChanges && c > 0) {
      const down = Math.sqrt(w.downSq / c);
      if (down > this.opts.minStd) r.sortino = ((this.shift[i]! + this.sum[i]! / c) / down) * Math.sqrt(this.opts.ticksPerYear);
    }
    r.max_drawdown = w.maxDrawdown;
    r.hit_rate = w.nonzero > 0 ? w.up / w.nonzero : null;
    r.excess_kurtosis = c >= 4 && w.m2 / c > 1e-300 ? w.m4 / c / ((w.m2 / c) * (w.m2 / c)) - 3 : null;
    r.abs_change_autocorr = c > 2 && w.absM2 > 1e-300 ? w.absLag1 / w.absM2 : null;
    const meanInv = c > 0 ? this.invSum[i]! / c : Math.abs(this.inventory[i]!);
    const meanTraded = c > 0 ? this.tradedSum[i]! / c : 0;
    r.turnover = meanTraded / Math.max(meanInv, 1);
    r.spread_cost = this.spreadCost[i]!;
    r.impact_cost = this.impactCost[i]!;
    const fills = this.fillCount[i]!;
    r.avg_fill_size = fills > 0 ? this.fillQty[i]! / fills : 0;
    return r;
  }

  /** Full diagnostics of agent i (O(1)): `risk(i)` with its PnL, Sharpe figures and counts. */
  agent(i: number): AgentDiagnostics {
    const r = this.risk(i);
    return {
      pnl: this.seen[i] ? this.prevPnl[i]! : 0,
      sharpe: this.sharpe(i),
      sharpe_full: this.sharpeFull(i),
      sortino: r.sortino,
      max_drawdown: r.max_drawdown,
      hit_rate: r.hit_rate,
      excess_kurtosis: r.excess_kurtosis,
      abs_change_autocorr: r.abs_change_autocorr,
      turnover: r.turnover,
      spread_cost: r.spread_cost,
      impact_cost: r.impact_cost,
      fill_count: this.fillCount[i]!,
      avg_fill_size: r.avg_fill_size,
      inventory: this.inventory[i]!,
      window_changes: this.count[i]!,
    };
  }

  /**
   * Agent indices by Sharpe, best first; agents without a Sharpe last; ties (and the null group)
   * ordered by agent id so the ranking is stable.
   */
  leaderboard(ids: readonly string[]): number[] {
    const n = Math.min(this.n, ids.length);
    const sharpe = new Array<number | null>(n);
    for (let i = 0; i < n; i++) sharpe[i] = this.sharpe(i);
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => {
      const sa = sharpe[a]!;
      const sb = sharpe[b]!;
      if (sa !== null && sb !== null && sa !== sb) return sb - sa;
      if (sa === null && sb !== null) return 1;
      if (sb === null && sa !== null) return -1;
      const ia = ids[a]!;
      const ib = ids[b]!;
      return ia < ib ? -1 : ia > ib ? 1 : a - b;
    });
    return order;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) {
      throw new RangeError(`Diagnostics: agent index ${i} is not registered (0..${this.n - 1})`);
    }
  }

  private resum(i: number): void {
    const W = this.W;
    const c = this.count[i]!;
    let total = 0;
    for (let k = 0; k < c; k++) total += this.changes[i * W + k]!;
    const sh = c > 0 ? total / c : 0;
    this.shift[i] = sh;
    let s = 0;
    let s2 = 0;
    let inv = 0;
    let tr = 0;
    for (let k = 0; k < c; k++) {
      const at = i * W + k;
      const d = this.changes[at]! - sh;
      s += d;
      s2 += d * d;
      inv += this.absInv[at]!;
      tr += this.traded[at]!;
    }
    this.sum[i] = s;
    this.sumSq[i] = s2;
    this.invSum[i] = inv;
    this.tradedSum[i] = tr;
  }

  /** Exact snapshot of the windows and running sums (for checkpoints). */
  saveState(): EncodedState {
    return { ...(saveFields(this, DIAGNOSTICS_FIELDS) as Record<string, EncodedState>), fullRun: saveFields(this, FULL_RUN_FIELDS) };
  }

  loadState(state: unknown, where = 'Diagnostics'): void {
    const n = this.n;
    loadFields(this, DIAGNOSTICS_FIELDS, state, where);
    // Checkpoints from before the full-run Sharpe resume it from zero changes.
    const full = (state as Record<string, unknown>)['fullRun'];
    if (full !== undefined) loadFields(this, FULL_RUN_FIELDS, full, `${where}.fullRun`);
    else {
      this.fullN = new Float64Array(this.cap);
      this.fullMean = new Float64Array(this.cap);
      this.fullM2 = new Float64Array(this.cap);
    }
    if (this.n !== n) throw new StateCodecError(`${where}: snapshot has ${this.n} agents, these diagnostics ${n}`);
    if (this.changes.length !== this.cap * this.W) throw new StateCodecError(`${where}: snapshot window does not match diagnostics.window ${this.W}`);
    this.window.grow(this.cap);
    for (let i = 0; i < this.n; i++) this.window.rebuild(i, this.changes, this.levels, this.count[i]!, this.pos[i]!);
  }

  private grow(cap: number): void {
    const W = this.W;
    const f = (a: Float64Array, width = 1) => growF64(a, cap * width);
    const i32 = (a: Int32Array) => growI32(a, cap);
    this.changes = f(this.changes, W);
    this.levels = f(this.levels, W);
    this.fullN = f(this.fullN);
    this.fullMean = f(this.fullMean);
    this.fullM2 = f(this.fullM2);
    this.absInv = f(this.absInv, W);
    this.traded = f(this.traded, W);
    this.count = i32(this.count);
    this.pos = i32(this.pos);
    for (const k of [
      'sum', 'sumSq', 'shift', 'invSum', 'tradedSum', 'firstLevel', 'prevPnl', 'tickTraded',
      'spreadCost', 'impactCost', 'fillCount', 'fillQty', 'inventory',
    ] as const) {
      this[k] = f(this[k]);
    }
    this.seen = growU8(this.seen, cap);
    this.window.grow(cap);
    this.cap = cap;
  }
}
