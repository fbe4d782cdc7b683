/**
 * The six-factor behavioural space of docs/MODEL.md §4, measured from what each agent was *seen* doing
 * (its accepted orders and its fills) over a rolling window of W ticks — never from what a
 * strategy says about itself.
 *
 * Cost model: `observe()` is O(orders + fills) per tick. Every contribution is logged in the slot
 * of the tick it belongs to and added to per-agent running sums; when the tick leaves the window
 * its slot is replayed with the opposite sign. Every W ticks the sums are rebuilt from the slots so
 * floating-point drift cannot accumulate. `compute()` is O(N log N + fills in the window).
 *
 * Holding periods use FIFO lot matching of the agent's fills inside the window, evaluated in
 * `compute()` (O(fills in the window), as the integral of |position|): a matched pair counts its
 * age from opening to closing fill, a lot still open counts its age up to now, and the
 * quantity-weighted mean age over W lands in [0, 1]. Matching only inside the window (as the factor's definition says) keeps the
 * factor discriminating: with whole-history lots every agent that ever carried inventory for
 * more than W ticks would sit at 1, and an agent that stopped trading would still look like a
 * "holder" that resembles every other idle holder.
 */
import type { OrderType, Side } from '../types.js';
import { clip } from '../analytics/stats.js';
import { loadFields, saveFields, StateCodecError, type EncodedState } from '../util/state-codec.js';

export const FACTOR_NAMES = [
  'turnover_rate',
  'avg_holding_period',
  'directional_bias',
  'volatility_exposure',
  'inventory_skew',
  'order_aggressiveness',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];
/** Length of a factor vector; vectors are stored row-major, agent i at [i*FACTOR_COUNT, ...). */
export const FACTOR_COUNT = FACTOR_NAMES.length;

/** A non-cancel order accepted this tick, by agent index. */
export interface ObservedOrder {
  agent: number;
  side: Side;
  type: OrderType;
  price: number | null;
  qty: number;
}

/** A fill between agent indices; `aggressor` is the side of the taking order. */
export interface ObservedFill {
  buyer: number;
  seller: number;
  price: number;
  qty: number;
  aggressor: Side;
}

/** Pre-trade best quotes the orders were submitted against. */
export interface TouchQuotes {
  bestBid: number | null;
  bestAsk: number | null;
}

export interface FactorSpaceOptions {
  /** Rolling window W in ticks (config.crowding.factorWindow). */
  window: number;
  /** Percentile (0–100) that scales turnover and activity (config.crowding.scalePercentile). */
  scalePercentile: number;
}

// Running-sum fields per agent.
const ORDER_QTY = 0;
const SIGNED_ORDER_QTY = 1;
const AGGR_QTY = 2;
const VOL_QTY = 3;
const FILL_QTY = 4;
const SIGNED_FILL_QTY = 5;
const STRIDE = 6;

const TICK_SLOT_FIELDS = ['keys', 'values', 'n', 'tick', 'fillAgent', 'fillSigned', 'fills'] as const;
/** What a checkpoint keeps; the lot lists and percentile buffers are scratch of `compute()`. */
const FACTOR_SPACE_FIELDS = ['n', 'cap', 'sums', 'absReturns', 'absReturnSum', 'observed', 'lastTick', 'factors', 'activity', 'weights'] as const;

/** Contributions of one tick: (agent*STRIDE + field, value) pairs and each agent's net fill, buffers reused. */
class TickSlot {
  keys = new Int32Array(64);
  values = new Float64Array(64);
  n = 0;
  tick = 0;
  fillAgent = new Int32Array(16);
  fillSigned = new Float64Array(16);
  fills = 0;
  /**
   * Adds to the agent's net signed fill quantity of this tick. A tick's fills are simultaneous for
   * the holding period, so only the net moves the position it integrates; a self-trade nets to 0.
   * (Checkpoints written before kept one entry per fill; they replay to the same figures.)
   */
  addFill(agent: number, signedQty: number): void {
    for (let k = 0; k < this.fills; k++) {
      if (this.fillAgent[k] === agent) {
        this.fillSigned[k]! += signedQty;
        return;
      }
    }
    if (this.fills === this.fillAgent.length) {
      const a = new Int32Array(this.fills * 2);
      a.set(this.fillAgent);
      this.fillAgent = a;
      const q = new Float64Array(this.fills * 2);
      q.set(this.fillSigned);
      this.fillSigned = q;
    }
    this.fillAgent[this.fills] = agent;
    this.fillSigned[this.fills] = signedQty;
    this.fills++;
  }
  add(key: number, value: number): void {
    if (this.n === this.keys.length) {
      const k = new Int32Array(this.n * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new Float64Array(this.n * 2);
      v.set(this.values);
      this.values = v;
    }
    this.keys[this.n] = key;
    this.values[this.n] = value;
    this.n++;
  }
}

/**
 * Aggressiveness of one order against the pre-trade touch: MARKET = 1, a limit at or through the
 * opposite touch = 1, otherwise its position inside the spread from its own touch (0) to the far
 * touch (1); 0 when a side of the book is missing and it does not cross.
 */
export function orderAggressiveness(order: Pick<ObservedOrder, 'side' | 'type' | 'price'>, touch: TouchQuotes): number {
  if (order.type === 'MARKET') return 1;
  const p = order.price;
  if (p === null || !Number.isFinite(p)) return 0;
  const { bestBid, bestAsk } = touch;
  if (order.side === 'BID') {
    if (bestAsk !== null && p >= bestAsk) return 1;
    if (bestBid === null || bestAsk === null || bestAsk <= bestBid) return 0;
    return clip((p - bestBid) / (bestAsk - bestBid), 0, 1);
  }
  if (bestBid !== null && p <= bestBid) return 1;
  if (bestBid === null || bestAsk === null || bestAsk <= bestBid) return 0;
  return clip((bestAsk - p) / (bestAsk - bestBid), 0, 1);
}

/**
 * Linear-interpolated percentile (0–100) of `xs[0..n)`, using `scratch` (length >= n) to sort.
 */
function percentileOf(xs: Float64Array, n: number, pct: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  const s = scratch.subarray(0, n);
  s.set(xs.subarray(0, n));
  s.sort();
  const pos = (Math.min(Math.max(pct, 0), 100) / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Scale to [0,1] by a percentile; with a zero percentile any positive value maps to 1. */
function scaled(x: number, p: number): number {
  if (x <= 0) return 0;
  return p > 0 ? Math.min(x / p, 1) : 1;
}

export class FactorSpace {
  readonly window: number;
  readonly scalePercentile: number;
  private n = 0;
  private cap = 0;
  private sums = new Float64Array(0);
  /** Scratch of `replayHoldings`: position since the window start and tick of its last change. */
  private heldPosition = new Float64Array(0);
  private heldSince = new Float64Array(0);
  private heldAgeQty = new Float64Array(0);
  private heldQty = new Float64Array(0);
  private readonly slots: TickSlot[] = [];
  private readonly absReturns: Float64Array;
  private absReturnSum = 0;
  private observed = 0;
  private lastTick = 0;

  /** Row-major N×6 factor vectors from the last `compute()`. */
  factors = new Float64Array(0);
  /** Activity in [0,1] per agent from the last `compute()`. */
  activity = new Float64Array(0);
  /** Volume share w_j per agent from the last `compute()` (sums to 1 when N > 0). */
  weights = new Float64Array(0);
  private scratch = new Float64Array(0);
  private turnoverRaw = new Float64Array(0);
  private activityRaw = new Float64Array(0);

  constructor(opts: FactorSpaceOptions) {
    if (!Number.isInteger(opts.window) || opts.window < 2) {
      throw new RangeError(`FactorSpace window must be an integer >= 2 ticks, got ${opts.window}`);
    }
    this.window = opts.window;
    this.scalePercentile = opts.scalePercentile;
    for (let i = 0; i < this.window; i++) this.slots.push(new TickSlot());
    this.absReturns = new Float64Array(this.window);
  }

  get size(): number {
    return this.n;
  }

  /** Appends an agent (zero history) and returns its index. */
  addAgent(): number {
    if (this.n === this.cap) this.grow(Math.max(8, this.cap * 2));
    return this.n++;
  }

  /** Records one tick. `logReturn` is that tick's market log return (for volatility exposure). */
  observe(
    tick: number,
    orders: readonly ObservedOrder[],
    fills: readonly ObservedFill[],
    touch: TouchQuotes,
    logReturn: number,
  ): void {
    const pos = this.observed % this.window;
    const slot = this.slots[pos]!;
    const sums = this.sums;
    for (let k = 0; k < slot.n; k++) sums[slot.keys[k]!]! -= slot.values[k]!;
    slot.n = 0;
    slot.fills = 0;
    slot.tick = tick;
    const absR = Number.isFinite(logReturn) ? Math.abs(logReturn) : 0;
    this.absReturnSum += absR - this.absReturns[pos]!;
    this.absReturns[pos] = absR;
    this.observed++;
    this.lastTick = tick;

    for (const o of orders) {
      if (o.type === 'CANCEL' || !(o.qty > 0)) continue;
      this.checkIndex(o.agent);
      const base = o.agent * STRIDE;
      const q = o.qty;
      this.put(slot, base + ORDER_QTY, q);
      this.put(slot, base + SIGNED_ORDER_QTY, o.side === 'BID' ? q : -q);
      this.put(slot, base + AGGR_QTY, q * orderAggressiveness(o, touch));
      if (absR > 0) this.put(slot, base + VOL_QTY, q * absR);
    }
    for (const f of fills) {
      if (!(f.qty > 0)) continue;
      this.checkIndex(f.buyer);
      this.checkIndex(f.seller);
      this.fillFor(slot, f.buyer, f.qty);
      this.fillFor(slot, f.seller, -f.qty);
    }
    if (this.observed % this.window === 0) this.rebuildSums();
  }

  /** Recomputes factors, activity and weights as of `now` (default: the last observed tick). */
  compute(now: number = this.lastTick): void {
    const n = this.n;
    const W = this.window;
    const sums = this.sums;
    let totalFill = 0;
    for (let i = 0; i < n; i++) {
      const b = i * STRIDE;
      this.turnoverRaw[i] = sums[b + FILL_QTY]! / W;
      this.activityRaw[i] = sums[b + ORDER_QTY]! + sums[b + FILL_QTY]!;
      totalFill += sums[b + FILL_QTY]!;
    }
    const pTurn = percentileOf(this.turnoverRaw, n, this.scalePercentile, this.scratch);
    const pAct = percentileOf(this.activityRaw, n, this.scalePercentile, this.scratch);
    const marketAbs = this.absReturnSum / Math.max(1, Math.min(this.observed, W));
    this.replayHoldings(now);
    const f = this.factors;
    for (let i = 0; i < n; i++) {
      const b = i * STRIDE;
      const o = i * FACTOR_COUNT;
      const orderQty = sums[b + ORDER_QTY]!;
      const fillQty = sums[b + FILL_QTY]!;
      f[o] = scaled(this.turnoverRaw[i]!, pTurn);
      const held = this.heldQty[i]!;
      f[o + 1] = held > 1e-12 ? clip(this.heldAgeQty[i]! / held / W, 0, 1) : 0;
      f[o + 2] = orderQty > 1e-12 ? clip(sums[b + SIGNED_ORDER_QTY]! / orderQty, -1, 1) : 0;
      f[o + 3] =
        orderQty > 1e-12 && marketAbs > 1e-15 ? clip(sums[b + VOL_QTY]! / orderQty / marketAbs / 2, 0, 1) : 0;
      f[o + 4] = fillQty > 1e-12 ? clip(sums[b + SIGNED_FILL_QTY]! / fillQty, -1, 1) : 0;
      f[o + 5] = orderQty > 1e-12 ? clip(sums[b + AGGR_QTY]! / orderQty, 0, 1) : 0;
      this.activity[i] = scaled(this.activityRaw[i]!, pAct);
      this.weights[i] = totalFill > 1e-12 ? Math.max(fillQty, 0) / totalFill : 1 / n;
    }
  }

  /** Factor vector of agent `i` from the last `compute()`, as a plain record. */
  vectorOf(i: number): Record<FactorName, number> {
    const out = {} as Record<FactorName, number>;
    for (let k = 0; k < FACTOR_COUNT; k++) out[FACTOR_NAMES[k]!] = this.factors[i * FACTOR_COUNT + k]!;
    return out;
  }

  /** Exact snapshot of the window (for checkpoints). */
  saveState(): EncodedState {
    return { ...saveFields(this, FACTOR_SPACE_FIELDS), slots: this.slots.map((s) => saveFields(s, TICK_SLOT_FIELDS)) };
  }

  /** Restores a `saveState` snapshot of a factor space with the same window and agents. */
  loadState(state: unknown, where = 'FactorSpace'): void {
    const slots = (state as { slots?: unknown } | null)?.slots;
    if (!Array.isArray(slots) || slots.length !== this.window) {
      throw new StateCodecError(`${where}: expected ${this.window} tick slots (the factor window)`);
    }
    const n = this.n;
    loadFields(this, FACTOR_SPACE_FIELDS, state, where, { sameLength: ['absReturns'] });
    if (this.n !== n) throw new StateCodecError(`${where}: snapshot has ${this.n} agents, this factor space ${n}`);
    slots.forEach((s, i) => loadFields(this.slots[i]!, TICK_SLOT_FIELDS, s, `${where}.slots[${i}]`));
    this.heldAgeQty = new Float64Array(this.cap);
    this.heldQty = new Float64Array(this.cap);
    this.heldPosition = new Float64Array(this.cap);
    this.heldSince = new Float64Array(this.cap);
    this.scratch = new Float64Array(this.cap);
    this.turnoverRaw = new Float64Array(this.cap);
    this.activityRaw = new Float64Array(this.cap);
  }

  private put(slot: TickSlot, key: number, value: number): void {
    this.sums[key]! += value;
    slot.add(key, value);
  }

  private fillFor(slot: TickSlot, agent: number, signedQty: number): void {
    const base = agent * STRIDE;
    this.put(slot, base + FILL_QTY, Math.abs(signedQty));
    this.put(slot, base + SIGNED_FILL_QTY, signedQty);
    slot.addFill(agent, signedQty);
  }

  /**
   * Holding periods of each agent's fills in the window, FIFO lots matched from flat at the window
   * start: heldAgeQty = Σ qty × age over matched pairs (opening fill to closing fill) and open lots
   * (opening fill to `now`), heldQty = the quantity opened. Every unit opened is either closed or
   * still open, so Σ qty × age is the time integral of |position since the window start| — one
   * pass over each tick's net fill per agent, no lot queue — and the quantity opened is
   * (Σ |fill| + |final position|) / 2, Σ |fill| being the window's FILL_QTY sum.
   * With whole quantities and ticks (the book's) every term is an exact integer, so this equals
   * the lot-by-lot replay bit for bit (test/crowding/factor-space-holding.test.ts).
   */
  private replayHoldings(now: number): void {
    const n = this.n;
    const W = this.window;
    const kept = Math.min(this.observed, W);
    const first = this.observed >= W ? this.observed % W : 0;
    const position = this.heldPosition;
    const since = this.heldSince;
    const ageQty = this.heldAgeQty;
    const held = this.heldQty;
    position.fill(0, 0, n);
    ageQty.fill(0, 0, n);
    for (let s = 0; s < kept; s++) {
      const slot = this.slots[(first + s) % W]!;
      const tick = slot.tick;
      const agents = slot.fillAgent;
      const signed = slot.fillSigned;
      for (let k = 0; k < slot.fills; k++) {
        const agent = agents[k]!;
        const q = signed[k]!;
        const p = position[agent]!;
        if (p !== 0) ageQty[agent]! += Math.abs(p) * (tick - since[agent]!);
        position[agent] = p + q;
        since[agent] = tick;
      }
    }
    for (let i = 0; i < n; i++) {
      const p = position[i]!;
      if (p !== 0) ageQty[i]! += Math.abs(p) * (now - since[i]!);
      held[i] = (this.sums[i * STRIDE + FILL_QTY]! + Math.abs(p)) / 2;
    }
  }

  private rebuildSums(): void {
    this.sums.fill(0);
    for (const slot of this.slots) {
      for (let k = 0; k < slot.n; k++) this.sums[slot.keys[k]!]! += slot.values[k]!;
    }
    let s = 0;
    for (let k = 0; k < this.window; k++) s += this.absReturns[k]!;
    this.absReturnSum = s;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) {
      throw new RangeError(`FactorSpace: agent index ${i} is not registered (0..${this.n - 1}); call addAgent() first`);
    }
  }

  private grow(cap: number): void {
    const sums = new Float64Array(cap * STRIDE);
    sums.set(this.sums);
    this.sums = sums;
    const re = (a: Float64Array, width = 1) => {
      const b = new Float64Array(cap * width);
      b.set(a);
      return b;
    };
    this.heldAgeQty = new Float64Array(cap);
    this.heldQty = new Float64Array(cap);
    this.heldPosition = new Float64Array(cap);
    this.heldSince = new Float64Array(cap);
    this.factors = re(this.factors, FACTOR_COUNT);
    this.activity = re(this.activity);
    this.weights = re(this.weights);
    this.scratch = new Float64Array(cap);
    this.turnoverRaw = new Float64Array(cap);
    this.activityRaw = new Float64Array(cap);
    this.cap = cap;
  }
}
