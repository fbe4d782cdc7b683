/**
 * The market: agents, the book, execution accounting and the research layer, advanced one tick at
 * a time through the docs/MODEL.md §2 pipeline. Pure and deterministic: time comes from the `clock` the
 * caller passes (default: a simulated clock), randomness from one seeded `Rng`.
 *
 * A tick runs in two phases so that agents may answer asynchronously (sandboxed strategies in
 * other processes, off-thread learners): `prepareTick()` hands out every active agent's
 * `MarketState`, `completeTick(orders)` matches whatever came back. `step()` does both for the
 * all-in-process case.
 */
import type { BaseAgent } from './agents/base-agent.js';
import { createBuiltinAgent, defaultPopulation } from './agents/builtin-registry.js';
import { MarketAnalytics, type ExecutionMultipliers, type TickFillInfo, type TickOrderInfo } from './analytics/market-analytics.js';
import { MatchingEngine } from './book/matching-engine.js';
import { OrderBook } from './book/order-book.js';
import { rejectReason } from './book/reject-code.js';
import { resolveConfig, type ConfigOverrides, type SimulationConfig } from './config.js';
import {
  depthToWire,
  EventType,
  fillToWire,
  makeEvent,
  orderToWire,
  type AgentStatsWire,
  type MarketEvent,
  type OrderFilledPayload,
  type TickPayload,
} from './events.js';
import type {
  AgentDecayParamsWire,
  AgentDiagnosticsWire,
  AgentStateWire,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  FactorSpaceWire,
  FragilitySnapshotWire,
  MetricsWire,
  RegimeSnapshotWire,
} from './wire/index.js';
import { impactPerUnit, makerCharge, permanentShift } from './execution/impact-model.js';
import { Ledger, type StoredLedgerRow } from './execution/ledger.js';
import { Rng, type RngState } from './rng.js';
import { ORDER_TYPES, SIDES, type AgentStats, type DepthSnapshot, type Fill, type MarketState, type OpenOrder, type Order, type OrderIntent, type Side } from './types.js';
import { Float64Ring, RingBuffer } from './util/ring-buffer.js';
import { growF64 } from './util/typed-grow.js';
import type { EncodedState } from './util/state-codec.js';

export interface SimulationOptions {
  /** Nanosecond timestamps for events and states; called once per tick. Default: tick × tickDurationNs. */
  clock?: () => number;
  /** Create `config.population` built-ins (mom_1.., rev_1.., mm_1.., rl_1.., lmm_1.., bg_noise, bg_value). Default true. */
  population?: boolean;
  /**
   * Put every agent's stats, with its risk figures, in each TICK payload (`agent_stats`). Default
   * true. A batch run that never reads them (a benchmark, a sweep that reads only the market) sets
   * false: TICK then carries `agent_stats: []`, and `allAgentStats()` / `agentStats(id)` /
   * `leaderboard()` still answer on demand with the same figures. With analytics on this is about
   * a tenth of a default-market tick (O(1) per agent, one object each), spent for nobody.
   */
  tickAgentStats?: boolean;
}

export interface TickRequest {
  tick: number;
  timestamp: number;
  /** One state per active agent, keyed by agent id. */
  states: Map<string, MarketState>;
}

export interface TickResult {
  tick: number;
  events: MarketEvent[];
  state: TickPayload;
}

export interface AgentSpec {
  id: string;
  strategy: string;
  params: Record<string, unknown>;
}

export interface SimulationCheckpoint {
  version: 1;
  config: SimulationConfig;
  tick: number;
  nextOrderId: number;
  rng: RngState;
  lastMid: number | null;
  lastSpread: number | null;
  mids: number[];
  vwapWindow: [number, number][];
  /**
   * Permanent impact [last tick's shift, cumulative shift] (MarketState.impact). Absent in
   * checkpoints written before it existed: those resume from [0, 0].
   */
  permanentImpact?: [number, number];
  /** Running VWAP sums, kept exactly: re-adding the window would round differently. */
  vwapSums: [number, number];
  /** Volume and fill count since the run started. */
  totals: [number, number];
  tape: Fill[];
  book: { orderId: number; agentId: string; side: Side; price: number; qty: number; tick: number }[];
  agents: {
    id: string;
    strategy: string;
    params: Record<string, unknown>;
    external: boolean;
    status: AgentStats['status'];
    statusReason: string | null;
    extra: AgentStats['extra'];
    ledger: StoredLedgerRow;
    ordersSubmitted: number;
    ordersRejected: number;
    rng: RngState;
    state: unknown;
    /** Stopped by the host and its resting orders not yet cancelled (`stopAgent`). Absent = false. */
    withdrawing?: boolean;
    /** Stopped with flatten and not yet flat: the most it sells/buys a tick. Absent = 0. */
    flattenQty?: number;
  }[];
  /**
   * The analytics' windows and running sums (`MarketAnalytics.saveState`), when analytics are on.
   * Absent in checkpoints written before it existed: those resume with re-warming analytics.
   */
  analytics?: EncodedState;
}

interface AgentSlot {
  agent: BaseAgent;
  index: number;
  rng: Rng;
  status: AgentStats['status'];
  statusReason: string | null;
  extra: AgentStats['extra'];
  ordersSubmitted: number;
  ordersRejected: number;
  /** Stopped by the host: its resting orders are cancelled at the start of the next completed tick. */
  withdrawing: boolean;
  /** Stopped with flatten: a market order of at most this qty a tick until flat (0 = none). */
  flattenQty: number;
}

interface PendingTick {
  tick: number;
  timestamp: number;
  preMid: number;
  preDepth: DepthSnapshot;
}

export class SimulationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}

const UNKNOWN = 'UNKNOWN';
/** `openOrders` of agents that track their own (`BaseAgent.wantsOpenOrders` false). */
const NO_OPEN_ORDERS: OpenOrder[] = Object.freeze([]) as unknown as OpenOrder[];

export class Simulation {
  readonly config: Readonly<SimulationConfig>;
  private rng: Rng;
  private readonly clock: () => number;
  private readonly tickAgentStats: boolean;
  private readonly book: OrderBook;
  private readonly matcher: MatchingEngine;
  private readonly ledger = new Ledger();
  private readonly analytics: MarketAnalytics | null;
  private readonly slots: AgentSlot[] = [];
  private readonly byId = new Map<string, AgentSlot>();
  private readonly mids: Float64Ring;
  private readonly tape: RingBuffer<Fill>;
  /**
   * The newest fills on the wire (TICK recent_fills), each made once: the same objects as their
   * ORDER_FILLED payloads, shared by the TICK payloads that list them.
   */
  private readonly wireTape: RingBuffer<OrderFilledPayload>;
  private readonly vwapFills: RingBuffer<[number, number]>;
  private vwapNotional = 0;
  private vwapQty = 0;
  private pnl = new Float64Array(16);
  private prevCash = new Float64Array(16);
  private prevInventory = new Float64Array(16);
  private prevPnl = new Float64Array(16);
  private ones = new Float64Array(16).fill(1);
  private tickCount = 0;
  private nextOrderId = 1;
  private lastMid: number | null = null;
  private lastSpread: number | null = null;
  private volatility = 0;
  private totalVolume = 0;
  private totalFills = 0;
  private pending: PendingTick | null = null;
  /**
   * The last completed tick's post-trade depth, frozen: the book does not change between ticks, so
   * it is the next tick's pre-trade snapshot (null: take a fresh one).
   */
  private bookDepth: DepthSnapshot | null = null;
  private latest: TickPayload | null = null;
  private regime = UNKNOWN;
  /** Permanent impact of the last completed tick, and since the start (MarketState.impact). */
  private impactShift = 0;
  private impactShiftTotal = 0;
  /** Accumulates this tick's permanent shift while fills are drained. */
  private tickShift = 0;

  constructor(overrides: ConfigOverrides = {}, options: SimulationOptions = {}) {
    this.config = resolveConfig(overrides);
    const cfg = this.config;
    this.rng = new Rng(cfg.seed);
    this.clock = options.clock ?? (() => this.tickCount * cfg.tickDurationNs);
    this.tickAgentStats = options.tickAgentStats !== false;
    this.book = new OrderBook({ tickSize: cfg.tickSize });
    this.matcher = new MatchingEngine(this.book);
    this.analytics = cfg.analytics ? new MarketAnalytics(cfg, this.rng.derive('analytics')) : null;
    this.mids = new Float64Ring(cfg.priceHistoryLength);
    this.tape = new RingBuffer<Fill>(cfg.tradeTapeLength);
    this.wireTape = new RingBuffer<OrderFilledPayload>(Math.max(1, Math.min(cfg.tradeTapeLength, cfg.recentFillsInTick)));
    this.vwapFills = new RingBuffer<[number, number]>(cfg.vwapWindow);
    if (options.population !== false) for (const agent of defaultPopulation(cfg)) this.addAgent(agent);
  }

  /** Ticks completed so far. */
  get tick(): number {
    return this.tickCount;
  }

  /** Adds an agent; it takes part from the next prepared tick. Ids are unique. */
  addAgent(agent: BaseAgent): void {
    if (this.byId.has(agent.id)) {
      throw new SimulationError('AGENT_EXISTS', `an agent with id "${agent.id}" already exists; choose another id`);
    }
    const index = this.ledger.add(this.config.initialCash);
    if (this.analytics) {
      const ai = this.analytics.addAgent(agent.id, agent.strategy, this.config.initialCash);
      if (ai !== index) throw new SimulationError('INTERNAL', `analytics index ${ai} != ledger index ${index}`);
    }
    this.ensureCapacity(index + 1);
    this.pnl[index] = this.config.initialCash;
    this.prevCash[index] = this.config.initialCash;
    this.prevPnl[index] = this.config.initialCash;
    const rng = this.rng.derive(`agent:${agent.id}`);
    agent.attach({ rng, tickSize: this.config.tickSize });
    const slot: AgentSlot = {
      agent,
      index,
      rng,
      status: 'active',
      statusReason: null,
      extra: {},
      ordersSubmitted: 0,
      ordersRejected: 0,
      withdrawing: false,
      flattenQty: 0,
    };
    this.slots.push(slot);
    this.byId.set(agent.id, slot);
  }

  agentIds(): string[] {
    return this.slots.map((s) => s.agent.id);
  }

  hasAgent(id: string): boolean {
    return this.byId.has(id);
  }

  getAgent(id: string): BaseAgent | null {
    return this.byId.get(id)?.agent ?? null;
  }

  /** Silenced agents get no state and submit nothing; the reason shows in their stats. */
  setAgentStatus(id: string, status: AgentStats['status'], reason: string | null): void {
    const slot = this.slotOf(id);
    slot.status = status;
    slot.statusReason = reason;
  }

  /**
   * Withdraws an agent from the market on the host's request (an operator or the strategy's
   * author): it is silenced with `reason` at once, so it gets no further state and no `onTick`
   * call, and its resting orders are cancelled at the start of the next completed tick, as CANCEL
   * orders with the usual ORDER_SUBMITTED events (ahead of that tick's shuffled batch; the random
   * stream is not touched, so runs with the same stops stay reproducible). Between ticks only:
   * a prepared tick has already handed the agent its state.
   *
   * `flattenQtyPerTick` (a positive integer) also closes the position: from the next tick on, the
   * engine submits one MARKET order a tick on the reducing side, of at most that qty, after the
   * shuffled batch (so the random stream is untouched), until the inventory is 0. Without it the
   * position is frozen as it is. `extra` records the choice (`stop_position`), the flatten orders
   * and qty, and `flattened_at_tick`.
   */
  stopAgent(id: string, reason: string, opts: { flattenQtyPerTick?: number } = {}): void {
    const flatten = opts.flattenQtyPerTick;
    if (flatten !== undefined && !(Number.isInteger(flatten) && flatten > 0)) {
      throw new SimulationError('BAD_FLATTEN', `flattenQtyPerTick must be a positive integer, got ${String(flatten)}`);
    }
    if (this.pending) {
      throw new SimulationError('TICK_PENDING', `tick ${this.pending.tick} was prepared but not completed; stop agents between ticks (after completeTick())`);
    }
    const slot = this.slotOf(id);
    if (slot.status !== 'active') {
      throw new SimulationError('AGENT_NOT_ACTIVE', `agent "${id}" is already ${slot.status}${slot.statusReason ? ` (${slot.statusReason})` : ''}; only an active agent can be stopped`);
    }
    slot.status = 'silenced';
    slot.statusReason = reason;
    slot.extra.stopped_at_tick = this.tickCount;
    slot.withdrawing = this.book.openOrders(slot.index).length > 0;
    const position = this.ledger.inventory[slot.index] as number;
    slot.extra.stop_position = flatten ? 'flatten' : 'freeze';
    slot.extra.position_at_stop = position;
    if (flatten && position !== 0) {
      slot.flattenQty = flatten;
      slot.extra.flatten_orders = 0;
      slot.extra.flatten_qty = 0;
    }
  }

  /** Merges figures (e.g. sandbox counters) into the agent's `extra` stats. */
  setAgentExtra(id: string, extra: AgentStats['extra']): void {
    const slot = this.slotOf(id);
    Object.assign(slot.extra, extra);
  }

  // ---------------------------------------------------------------------------------------------
  // The tick

  /** Phase one (docs/MODEL.md §2 steps 1–3): the pre-trade snapshot as each active agent's MarketState. */
  prepareTick(): TickRequest {
    if (this.pending) {
      throw new SimulationError('TICK_PENDING', `tick ${this.pending.tick} was prepared but not completed; call completeTick() first`);
    }
    const cfg = this.config;
    const tick = this.tickCount + 1;
    const timestamp = this.clock();
    // Every agent gets the same snapshot objects, and the fills are the tape's own: frozen, so an
    // agent that writes to its state throws (and is skipped) instead of changing what the agents
    // after it see, the trade tape or the pre-trade touch the analytics read.
    const depth = this.bookDepth ?? freezeDepth(this.book.depth(cfg.depthLevels));
    this.bookDepth = null;
    const mid = depth.mid ?? this.lastMid ?? cfg.initialPrice;
    const recentTrades = Object.freeze(this.tape.tail(cfg.recentTradesInState)) as Fill[];
    const priceHistory = Object.freeze(this.mids.tail(cfg.stateHistoryLength)) as number[];
    const vwap = this.vwapQty > 0 ? this.vwapNotional / this.vwapQty : mid;
    this.pending = { tick, timestamp, preMid: mid, preDepth: depth };

    const impact = Object.freeze({ lastShift: this.impactShift, cumulativeShift: this.impactShiftTotal });
    const states = new Map<string, MarketState>();
    for (const slot of this.slots) {
      if (slot.status !== 'active') continue;
      const i = slot.index;
      const position = this.ledger.inventory[i] as number;
      const cash = this.ledger.cash[i] as number;
      states.set(slot.agent.id, {
        tick,
        timestamp,
        mid,
        bestBid: depth.bestBid,
        bestAsk: depth.bestAsk,
        spread: depth.spread,
        depth,
        recentTrades,
        priceHistory,
        volatility: this.volatility,
        vwap,
        tickSize: cfg.tickSize,
        agentId: slot.agent.id,
        position,
        cash,
        pnl: cash + position * mid,
        openOrders: slot.agent.wantsOpenOrders ? this.book.openOrders(i) : NO_OPEN_ORDERS,
        impactPaid: this.ledger.impactCost[i] as number,
        crowding: this.analytics
          ? this.analytics.agentView(i)
          : { intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 },
        impact,
      });
    }
    return { tick, timestamp, states };
  }

  /** Calls `onTick` of every in-process (non-external) agent in the request. A throwing agent is skipped. */
  runLocalAgents(request: TickRequest): Map<string, OrderIntent[]> {
    const out = new Map<string, OrderIntent[]>();
    for (const [id, state] of request.states) {
      const slot = this.byId.get(id);
      if (!slot || slot.agent.external) continue;
      try {
        const orders = slot.agent.onTick(state);
        if (Array.isArray(orders)) out.set(id, orders);
      } catch (err) {
        slot.extra.errors = ((slot.extra.errors as number | undefined) ?? 0) + 1;
        slot.extra.last_error = err instanceof Error ? err.message : String(err);
      }
    }
    return out;
  }

  /**
   * Phase two (docs/MODEL.md §2 steps 2, 4–11): shuffle, match, account, analyse, emit. Agents missing from
   * `orders` contribute nothing; invalid orders are rejected and counted, never thrown.
   */
  completeTick(orders: Map<string, OrderIntent[]>): TickResult {
    const pending = this.pending;
    if (!pending) throw new SimulationError('TICK_NOT_PREPARED', 'completeTick() needs a prepared tick; call prepareTick() first');
    const cfg = this.config;
    const tick = pending.tick;
    const accepted: Order[] = [];
    for (const slot of this.slots) if (slot.withdrawing) this.withdrawOrders(slot, tick, accepted);

    // Gather in agent order (deterministic), then shuffle so no agent moves first (step 4).
    const batch: { slot: AgentSlot; intent: OrderIntent }[] = [];
    for (const slot of this.slots) {
      if (slot.status !== 'active') continue;
      const intents: unknown = orders.get(slot.agent.id);
      if (!intents) continue;
      if (!Array.isArray(intents)) {
        // An external answer is data from outside: refuse it like a malformed order, never throw.
        slot.ordersRejected++;
        slot.extra.last_reject_reason = `expected an array of orders, got ${typeof intents}`;
        continue;
      }
      for (const intent of intents as OrderIntent[]) batch.push({ slot, intent });
    }
    this.rng.shuffle(batch);

    // Step 2: execution multipliers from the previous tick's crowding and this tick's order flow.
    const infos: TickOrderInfo[] = [];
    for (const { slot, intent } of batch) {
      if (!isPlainIntent(intent) || intent.type === 'CANCEL' || !(typeof intent.qty === 'number' && intent.qty > 0 && Number.isFinite(intent.qty))) continue;
      infos.push({ agent: slot.index, side: intent.side, type: intent.type, price: intent.price ?? null, qty: intent.qty });
    }
    const mult: ExecutionMultipliers = this.analytics
      ? this.analytics.executionMultipliers(infos)
      : { buy: 1, sell: 1, sidePressure: 0, orderFlowImbalance: 0, agent: this.ones };

    // Step 5–7: match in shuffled order, account each fill as it happens.
    this.tickShift = 0;
    const tickFills: Fill[] = [];
    const fillInfos: TickFillInfo[] = [];
    const acceptedInfos: TickOrderInfo[] = [];
    for (const { slot, intent } of batch) {
      slot.ordersSubmitted++;
      const reason = this.submit(slot, intent, tick, accepted, acceptedInfos);
      if (reason !== null) {
        slot.ordersRejected++;
        slot.extra.last_reject_reason = reason;
      }
      this.drainFills(tick, mult, tickFills, fillInfos);
    }
    // Stopped agents closing their position (stopAgent with flattenQtyPerTick), in agent order.
    for (const slot of this.slots) if (slot.flattenQty > 0) this.flattenStep(slot, tick, accepted, acceptedInfos, mult, tickFills, fillInfos);

    this.impactShift = this.tickShift;
    this.impactShiftTotal += this.tickShift;

    // Step 8: price history.
    const postDepth = this.book.depth(cfg.depthLevels);
    const prevMid = this.lastMid ?? cfg.initialPrice;
    const mid = postDepth.mid ?? this.lastMid ?? cfg.initialPrice;
    const logReturn = prevMid > 0 && mid > 0 ? Math.log(mid / prevMid) : 0;
    this.mids.push(mid);
    this.volatility = this.rollingVolatility();
    const vwap = this.vwapQty > 0 ? this.vwapNotional / this.vwapQty : mid;

    const n = this.slots.length;
    const ledger = this.ledger;
    for (let i = 0; i < n; i++) this.pnl[i] = (ledger.cash[i] as number) + (ledger.inventory[i] as number) * mid;

    // Steps 9–10: crowding and analytics.
    const out = this.analytics
      ? this.analytics.endTick({
          tick,
          orders: acceptedInfos,
          fills: fillInfos,
          preTrade: { mid: pending.preMid, bestBid: pending.preDepth.bestBid, bestAsk: pending.preDepth.bestAsk, depth: pending.preDepth },
          postTrade: { mid, spread: postDepth.spread, depth: postDepth },
          logReturn,
          pnl: this.pnl.subarray(0, n),
          inventory: ledger.inventory.subarray(0, n),
          cash: ledger.cash.subarray(0, n),
          tickSize: cfg.tickSize,
        })
      : null;

    // Step 11: events in docs/MODEL.md §7 order.
    const ts = pending.timestamp;
    const events: MarketEvent[] = [];
    for (const o of accepted) events.push(makeEvent(EventType.ORDER_SUBMITTED, ts, orderToWire(o)));
    for (const f of tickFills) {
      const w = fillToWire(f);
      this.wireTape.push(w);
      events.push(makeEvent(EventType.ORDER_FILLED, ts, w));
    }
    if (mid !== this.lastMid || postDepth.spread !== this.lastSpread) {
      events.push(
        makeEvent(EventType.PRICE_UPDATED, ts, { tick, prev_mid_price: this.lastMid, mid_price: mid, prev_spread: this.lastSpread, spread: postDepth.spread }),
      );
    }
    // One AGENT_STATE_CHANGED per tick listing every agent that changed (as the original sends it).
    let changed: AgentStateWire[] | null = null;
    for (let i = 0; i < n; i++) {
      const cash = ledger.cash[i] as number;
      const inv = ledger.inventory[i] as number;
      const pnl = this.pnl[i] as number;
      if (cash !== this.prevCash[i] || inv !== this.prevInventory[i] || pnl !== this.prevPnl[i]) {
        const slot = this.slots[i] as AgentSlot;
        (changed ??= []).push({
          agent_id: slot.agent.id,
          cash,
          inventory: inv,
          pnl,
          fill_count: ledger.fillCount[i] as number,
          total_buy_qty: ledger.totalBuyQty[i] as number,
          total_sell_qty: ledger.totalSellQty[i] as number,
          status: slot.status,
        });
        this.prevCash[i] = cash;
        this.prevInventory[i] = inv;
        this.prevPnl[i] = pnl;
      }
    }
    if (changed) events.push(makeEvent(EventType.AGENT_STATE_CHANGED, ts, { tick, agents: changed }));
    if (out?.crowding) events.push(makeEvent(EventType.CROWDING_MATRIX_UPDATED, ts, out.crowding));
    if (out) {
      if (out.regimeChanged) events.push(makeEvent(EventType.REGIME_CHANGED, ts, { tick, prev_regime: out.prevRegime, regime: out.regime }));
      this.regime = out.regime;
    }

    const recent = this.wireTape.tail(cfg.recentFillsInTick);
    const state: TickPayload = {
      tick,
      mid_price: mid,
      spread: postDepth.spread,
      vwap,
      volatility: this.volatility,
      regime: this.regime,
      lfi: out?.lfi ?? 0,
      lfi_near_depth_ratio: out?.lfiNearDepthRatio ?? 0,
      lfi_alert: out?.lfiAlert ?? UNKNOWN,
      crowding: out?.intensity ?? 0,
      impact_shift: this.impactShift,
      impact_shift_total: this.impactShiftTotal,
      order_book: depthToWire(postDepth),
      recent_fills: recent,
      agent_stats: this.tickAgentStats ? this.allAgentStats() : [],
    };
    events.push(makeEvent(EventType.TICK, ts, state));

    this.lastMid = mid;
    this.lastSpread = postDepth.spread;
    // Frozen only now: for-of over a frozen array is not optimised (an iterator result per level),
    // and the analytics above walk this snapshot's levels.
    this.bookDepth = freezeDepth(postDepth);
    this.tickCount = tick;
    this.latest = state;
    this.pending = null;
    return { tick, events, state };
  }

  /** One tick with every agent answered in-process. */
  step(): TickResult {
    return this.completeTick(this.runLocalAgents(this.prepareTick()));
  }

  /** Runs `ticks` steps; returns the last result (null for 0). */
  run(ticks: number, onTick?: (r: TickResult) => void): TickResult | null {
    let last: TickResult | null = null;
    for (let k = 0; k < ticks; k++) {
      last = this.step();
      onTick?.(last);
    }
    return last;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  latestTick(): TickPayload | null {
    return this.latest;
  }

  depth(levels = this.config.depthLevels): DepthSnapshot {
    return this.book.depth(levels);
  }

  /** Fills from the bounded tape, oldest first: the newest `limit` with tick > `sinceTick`. */
  trades(opts: { limit?: number; sinceTick?: number } = {}): OrderFilledPayload[] {
    const limit = opts.limit ?? 100;
    const since = opts.sinceTick ?? -Infinity;
    const out: OrderFilledPayload[] = [];
    for (let i = this.tape.length - 1; i >= 0 && out.length < limit; i--) {
      const f = this.tape.at(i) as Fill;
      if (f.tick <= since) break;
      out.push(fillToWire(f));
    }
    return out.reverse();
  }

  priceHistory(): number[] {
    return this.mids.tail(this.mids.length);
  }

  metrics(): MetricsWire {
    const depth = this.book.depth(1);
    const mid = depth.mid ?? this.lastMid ?? this.config.initialPrice;
    const last = this.tape.last();
    return {
      tick: this.tickCount,
      mid_price: mid,
      spread: depth.spread,
      best_bid: depth.bestBid,
      best_ask: depth.bestAsk,
      last_price: last ? last.price : null,
      vwap: this.vwapQty > 0 ? this.vwapNotional / this.vwapQty : mid,
      volatility: this.volatility,
      regime: this.regime,
      lfi: this.latest?.lfi ?? 0,
      lfi_alert: this.latest?.lfi_alert ?? UNKNOWN,
      crowding: this.latest?.crowding ?? 0,
      impact_shift: this.impactShift,
      impact_shift_total: this.impactShiftTotal,
      total_volume: this.totalVolume,
      fill_count: this.totalFills,
      resting_orders: this.book.size,
      agents: this.slots.length,
      active_agents: this.slots.filter((s) => s.status === 'active').length,
    };
  }

  agentStats(id: string): AgentStatsWire | null {
    const slot = this.byId.get(id);
    return slot ? this.wireStatsOf(slot) : null;
  }

  allAgentStats(): AgentStatsWire[] {
    return this.slots.map((s) => this.wireStatsOf(s));
  }

  /**
   * An agent's stats with its risk figures, O(1) with analytics on: `agentStatsToWire` of its
   * AgentStats and diagnostics, built in one object (this runs for every agent on every tick).
   */
  private wireStatsOf(slot: AgentSlot): AgentStatsWire {
    const i = slot.index;
    const l = this.ledger;
    const a = this.analytics;
    const pnl = this.pnl[i] as number;
    const netPnl = pnl - this.config.initialCash;
    const spreadEarned = l.spreadEarned[i] as number;
    const spreadPaid = l.spreadPaid[i] as number;
    const impactCost = l.impactCost[i] as number;
    // Ledger.pnlSplit's figures, without its object.
    const spread = spreadEarned - spreadPaid;
    const impact = -impactCost;
    const r = a ? a.agentRisk(i) : null;
    return {
      agent_id: slot.agent.id,
      strategy_type: slot.agent.strategy,
      status: slot.status,
      status_reason: slot.statusReason,
      cash: l.cash[i] as number,
      inventory: l.inventory[i] as number,
      pnl,
      net_pnl: netPnl,
      realized_pnl: l.realizedPnl[i] as number,
      total_buy_qty: l.totalBuyQty[i] as number,
      total_sell_qty: l.totalSellQty[i] as number,
      fill_count: l.fillCount[i] as number,
      orders_submitted: slot.ordersSubmitted,
      orders_rejected: slot.ordersRejected,
      impact_cost: impactCost,
      spread_earned: spreadEarned,
      spread_paid: spreadPaid,
      direction_pnl: netPnl - spread - impact,
      phi: a ? a.agentPhi(i) : 0,
      sharpe: a ? a.agentSharpe(i) : null,
      sharpe_full: a ? a.agentSharpeFull(i) : null,
      sortino: r ? r.sortino : null,
      max_drawdown: r ? r.max_drawdown : null,
      turnover: r ? r.turnover : null,
      spread_cost: r ? r.spread_cost : null,
      market_impact_cost: r ? r.impact_cost : null,
      kurtosis: r ? r.excess_kurtosis : null,
      vol_autocorr: r ? r.abs_change_autocorr : null,
      hit_rate: r ? r.hit_rate : null,
      avg_fill_size: r ? r.avg_fill_size : null,
      extra: agentExtra(slot),
    };
  }

  /** Agents by Sharpe (desc), nulls last, ties by id — a stable order for the leaderboard. */
  leaderboard(): AgentStatsWire[] {
    return this.allAgentStats().sort((a, b) => {
      if (a.sharpe === null && b.sharpe === null) return a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0;
      if (a.sharpe === null) return 1;
      if (b.sharpe === null) return -1;
      return b.sharpe - a.sharpe || (a.agent_id < b.agent_id ? -1 : 1);
    });
  }

  /** Full per-agent diagnostics (docs/MODEL.md §5), or null when analytics are off or the id is unknown. */
  agentDiagnostics(id: string): AgentDiagnosticsWire | null {
    const slot = this.byId.get(id);
    return slot && this.analytics ? this.analytics.agentDiagnosticsWire(slot.index) : null;
  }

  /** A learning agent's curve (one point per update), or null for agents that do not learn. */
  agentLearningCurve(id: string): Record<string, unknown>[] | null {
    const agent = this.byId.get(id)?.agent as { learningCurve?: () => Record<string, unknown>[] } | undefined;
    return typeof agent?.learningCurve === 'function' ? agent.learningCurve() : null;
  }

  /**
   * Alpha decay of one agent fitted on its own history (the `agent_decay_params` entry of
   * `decaySnapshot()`), or null when analytics are off or the id is unknown.
   */
  agentDecay(id: string): AgentDecayParamsWire | null {
    const slot = this.byId.get(id);
    return slot && this.analytics ? this.analytics.agentDecayParams(slot.index) : null;
  }

  /** The research views on the wire, or null while analytics are off (config.analytics false). */
  crowdingSnapshot(): CrowdingSnapshotWire | null {
    return this.analytics?.crowdingSnapshot() ?? null;
  }
  factorSpaceSnapshot(): FactorSpaceWire | null {
    return this.analytics?.factorSpaceSnapshot() ?? null;
  }
  decaySnapshot(): DecaySnapshotWire | null {
    return this.analytics?.decaySnapshot() ?? null;
  }
  regimeSnapshot(): RegimeSnapshotWire | null {
    return this.analytics?.regimeSnapshot() ?? null;
  }
  fragilitySnapshot(): FragilitySnapshotWire | null {
    return this.analytics?.fragilitySnapshot() ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints

  /**
   * Plain-JSON state to resume from: book, accounting, agents' internal state and random streams,
   * price history, tape and the analytics' windows, so a restored run continues exactly as the
   * uninterrupted one would (crowding feeds back into execution costs).
   */
  checkpoint(): SimulationCheckpoint {
    if (this.pending) throw new SimulationError('TICK_PENDING', 'cannot checkpoint in the middle of a tick; complete it first');
    const book: SimulationCheckpoint['book'] = [];
    for (const slot of this.slots) {
      for (const o of this.book.openOrders(slot.index)) book.push({ ...o, agentId: slot.agent.id });
    }
    book.sort((a, b) => a.orderId - b.orderId);
    return {
      version: 1,
      config: structuredCloneJson(this.config),
      tick: this.tickCount,
      nextOrderId: this.nextOrderId,
      rng: this.rng.getState(),
      lastMid: this.lastMid,
      lastSpread: this.lastSpread,
      mids: this.mids.tail(this.mids.length),
      vwapWindow: this.vwapFills.toArray().map(([p, q]) => [p, q]),
      vwapSums: [this.vwapNotional, this.vwapQty],
      totals: [this.totalVolume, this.totalFills],
      permanentImpact: [this.impactShift, this.impactShiftTotal],
      tape: this.tape.toArray().map((f) => ({ ...f })),
      book,
      agents: this.slots.map((s) => ({
        id: s.agent.id,
        strategy: s.agent.strategy,
        params: s.agent.params,
        external: s.agent.external,
        status: s.status,
        statusReason: s.statusReason,
        extra: { ...s.extra },
        ledger: this.ledger.row(s.index),
        ordersSubmitted: s.ordersSubmitted,
        ordersRejected: s.ordersRejected,
        rng: s.rng.getState(),
        state: s.agent.saveState(),
        ...(s.withdrawing ? { withdrawing: true } : {}),
        ...(s.flattenQty > 0 ? { flattenQty: s.flattenQty } : {}),
      })),
      ...(this.analytics ? { analytics: this.analytics.saveState() } : {}),
    };
  }

  /**
   * A simulation continuing from `cp`. `agentFactory` rebuilds agents that are not built-ins
   * (sandboxed strategies); return null to fall back to the built-in registry.
   */
  static restore(
    cp: SimulationCheckpoint,
    opts: { agentFactory?: (spec: AgentSpec) => BaseAgent | null; clock?: () => number; tickAgentStats?: boolean } = {},
  ): Simulation {
    if (!cp || cp.version !== 1) throw new SimulationError('CHECKPOINT_INVALID', `unsupported checkpoint version ${String(cp?.version)}; expected 1`);
    const sim = new Simulation(cp.config, {
      population: false,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.tickAgentStats !== undefined ? { tickAgentStats: opts.tickAgentStats } : {}),
    });
    for (const a of cp.agents) {
      const spec: AgentSpec = { id: a.id, strategy: a.strategy, params: a.params };
      const agent = opts.agentFactory?.(spec) ?? createBuiltinAgent(a.strategy, a.id, a.params, sim.config);
      sim.addAgent(agent);
      const slot = sim.slotOf(a.id);
      sim.ledger.setRow(slot.index, a.ledger);
      slot.status = a.status;
      slot.statusReason = a.statusReason;
      slot.extra = { ...a.extra };
      slot.ordersSubmitted = a.ordersSubmitted;
      slot.ordersRejected = a.ordersRejected;
      slot.withdrawing = a.withdrawing === true;
      slot.flattenQty = a.flattenQty ?? 0;
      slot.rng = Rng.fromState(a.rng);
      agent.attach({ rng: slot.rng, tickSize: sim.config.tickSize });
      if (a.state !== null && a.state !== undefined) agent.loadState(a.state);
      sim.prevCash[slot.index] = a.ledger.cash;
      sim.prevInventory[slot.index] = a.ledger.inventory;
    }
    for (const o of cp.book) {
      const slot = sim.slotOf(o.agentId);
      const code = sim.matcher.processOrder(o.orderId, slot.index, o.side, 'LIMIT', o.price, o.qty, o.tick);
      if (code !== 0 || sim.matcher.lastFilled !== 0) {
        throw new SimulationError('CHECKPOINT_INVALID', `checkpoint book order ${o.orderId} could not be restored as a resting order (${rejectReason(code)})`);
      }
    }
    sim.matcher.fills.clear();
    for (const m of cp.mids) sim.mids.push(m);
    for (const f of cp.tape) sim.tape.push(Object.freeze({ ...f }));
    for (const f of sim.tape.tail(sim.wireTape.capacity)) sim.wireTape.push(fillToWire(f));
    for (const [p, q] of cp.vwapWindow) sim.vwapFills.push([p, q]);
    [sim.vwapNotional, sim.vwapQty] = cp.vwapSums;
    [sim.totalVolume, sim.totalFills] = cp.totals;
    [sim.impactShift, sim.impactShiftTotal] = cp.permanentImpact ?? [0, 0];
    sim.rng = Rng.fromState(cp.rng);
    sim.tickCount = cp.tick;
    sim.nextOrderId = cp.nextOrderId;
    sim.lastMid = cp.lastMid;
    sim.lastSpread = cp.lastSpread;
    sim.volatility = sim.rollingVolatility();
    if (sim.analytics && cp.analytics !== undefined) {
      try {
        sim.analytics.loadState(cp.analytics);
      } catch (err) {
        throw new SimulationError('CHECKPOINT_INVALID', `checkpoint analytics state could not be restored: ${(err as Error).message}`);
      }
      sim.regime = sim.analytics.regime.regime ?? UNKNOWN;
    }
    const mid = cp.lastMid ?? sim.config.initialPrice;
    for (const s of sim.slots) {
      sim.pnl[s.index] = sim.ledger.pnl(s.index, mid);
      sim.prevPnl[s.index] = sim.pnl[s.index] as number;
    }
    return sim;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private slotOf(id: string): AgentSlot {
    const slot = this.byId.get(id);
    if (!slot) throw new SimulationError('AGENT_NOT_FOUND', `no agent with id "${id}"; known agents: ${this.agentIds().join(', ')}`);
    return slot;
  }

  /** Accepts or rejects one intent; returns the reject reason or null. */
  private submit(slot: AgentSlot, intent: OrderIntent, tick: number, accepted: Order[], acceptedInfos: TickOrderInfo[]): string | null {
    if (!isPlainIntent(intent)) {
      return `malformed order: expected {side: ${SIDES.join('|')}, type: ${ORDER_TYPES.join('|')}, qty, price?, cancelTarget?}`;
    }
    const orderId = this.nextOrderId++;
    if (intent.type === 'CANCEL') {
      const target = intent.cancelTarget;
      if (typeof target !== 'number' || !Number.isInteger(target)) return `CANCEL needs an integer cancelTarget (an id from openOrders), got ${String(target)}`;
      const resting = this.book.getOrder(target);
      if (resting && resting.owner !== slot.index) return `cancel target ${target} belongs to another agent; agents may cancel only their own orders`;
      if (resting) this.matcher.processCancel(target);
      accepted.push({ tick, orderId, agentId: slot.agent.id, side: intent.side, orderType: 'CANCEL', price: null, qty: 0, cancelTarget: target });
      return null;
    }
    const price = intent.type === 'LIMIT' ? (intent.price ?? null) : null;
    const code = this.matcher.processOrder(orderId, slot.index, intent.side, intent.type, price, intent.qty, tick);
    if (code !== 0) return rejectReason(code);
    const reported = price === null ? null : this.book.ticksToPrice(this.book.priceToTicks(price));
    if (price !== null && !slot.agent.external && this.book.slotOf(orderId) >= 0) slot.agent.onOrderRested(orderId, intent);
    accepted.push({ tick, orderId, agentId: slot.agent.id, side: intent.side, orderType: intent.type, price: reported, qty: intent.qty, cancelTarget: null });
    acceptedInfos.push({ agent: slot.index, side: intent.side, type: intent.type, price: reported, qty: intent.qty });
    return null;
  }

  /** One MARKET order reducing a stopped agent's position; done once it is flat. */
  private flattenStep(slot: AgentSlot, tick: number, accepted: Order[], acceptedInfos: TickOrderInfo[], mult: ExecutionMultipliers, tickFills: Fill[], fillInfos: TickFillInfo[]): void {
    const i = slot.index;
    const before = this.ledger.inventory[i] as number;
    if (before !== 0) {
      const intent: OrderIntent = { side: before > 0 ? 'ASK' : 'BID', type: 'MARKET', qty: Math.min(Math.abs(before), slot.flattenQty), price: null };
      slot.ordersSubmitted++;
      const reason = this.submit(slot, intent, tick, accepted, acceptedInfos);
      if (reason !== null) {
        slot.ordersRejected++;
        slot.extra.last_reject_reason = reason;
      }
      this.drainFills(tick, mult, tickFills, fillInfos);
      slot.extra.flatten_orders = Number(slot.extra.flatten_orders ?? 0) + 1;
      slot.extra.flatten_qty = Number(slot.extra.flatten_qty ?? 0) + Math.abs(before - (this.ledger.inventory[i] as number));
    }
    if ((this.ledger.inventory[i] as number) === 0) {
      slot.flattenQty = 0;
      slot.extra.flattened_at_tick = tick;
    }
  }

  /** Cancels every resting order of a stopped agent, each reported as a CANCEL order of that agent. */
  private withdrawOrders(slot: AgentSlot, tick: number, accepted: Order[]): void {
    for (const o of this.book.openOrders(slot.index)) {
      this.matcher.processCancel(o.orderId, slot.index);
      accepted.push({ tick, orderId: this.nextOrderId++, agentId: slot.agent.id, side: o.side, orderType: 'CANCEL', price: null, qty: 0, cancelTarget: o.orderId });
    }
    slot.withdrawing = false;
  }

  /** Moves the matcher's fills into accounting, the tape and this tick's lists. */
  private drainFills(tick: number, mult: ExecutionMultipliers, tickFills: Fill[], fillInfos: TickFillInfo[]): void {
    const fb = this.matcher.fills;
    const timestamp = this.pending?.timestamp ?? 0;
    // The PnL split's reference: the pre-trade mid of this tick, the one every agent decided on.
    const refMid = this.pending?.preMid ?? this.lastMid ?? this.config.initialPrice;
    const eta = this.config.eta;
    const { payer, permanentShare } = this.config.impact;
    for (let k = 0; k < fb.count; k++) {
      const takerBuys = fb.takerSide[k] === 0;
      const taker = fb.takerOwner[k] as number;
      const maker = fb.makerOwner[k] as number;
      const buyer = takerBuys ? taker : maker;
      const seller = takerBuys ? maker : taker;
      const qty = fb.qty[k] as number;
      const price = this.book.ticksToPrice(fb.priceTicks[k] as number);
      const takerImpact = impactPerUnit(eta, takerBuys ? mult.buy : mult.sell, (mult.agent[taker] as number) ?? 1, qty);
      const makerImpact = makerCharge(payer, impactPerUnit(eta, takerBuys ? mult.sell : mult.buy, (mult.agent[maker] as number) ?? 1, qty));
      this.ledger.applyLeg(buyer, qty, price, takerBuys ? takerImpact : makerImpact, refMid, !takerBuys);
      this.ledger.applyLeg(seller, -qty, price, takerBuys ? makerImpact : takerImpact, refMid, takerBuys);
      this.tickShift += permanentShift(permanentShare, takerBuys, takerImpact);
      const takerId = fb.takerOrderId[k] as number;
      const makerId = fb.makerOrderId[k] as number;
      const fill: Fill = Object.freeze({
        tick,
        buyOrderId: takerBuys ? takerId : makerId,
        sellOrderId: takerBuys ? makerId : takerId,
        buyAgentId: (this.slots[buyer] as AgentSlot).agent.id,
        sellAgentId: (this.slots[seller] as AgentSlot).agent.id,
        price,
        qty,
        aggressor: takerBuys ? 'BID' : 'ASK',
        timestamp,
      } as const);
      tickFills.push(fill);
      fillInfos.push({ buyer, seller, price, qty, aggressor: fill.aggressor });
      this.tape.push(fill);
      this.pushVwap(price, qty);
      this.totalVolume += qty;
      this.totalFills++;
    }
    fb.clear();
  }

  private pushVwap(price: number, qty: number): void {
    const evicted = this.vwapFills.push([price, qty]);
    this.vwapNotional += price * qty;
    this.vwapQty += qty;
    if (evicted) {
      this.vwapNotional -= evicted[0] * evicted[1];
      this.vwapQty -= evicted[1];
    }
  }

  /** Std of log returns over the last `volatilityWindow` mids. */
  private rollingVolatility(): number {
    const w = Math.min(this.config.volatilityWindow, this.mids.length);
    if (w < 3) return 0;
    const start = this.mids.length - w;
    let sum = 0;
    let sumSq = 0;
    for (let k = start + 1; k < this.mids.length; k++) {
      const r = Math.log(this.mids.get(k) / this.mids.get(k - 1));
      sum += r;
      sumSq += r * r;
    }
    const m = w - 1;
    const mean = sum / m;
    return Math.sqrt(Math.max(sumSq / m - mean * mean, 0));
  }

  private ensureCapacity(n: number): void {
    if (n <= this.pnl.length) return;
    const size = Math.max(n, this.pnl.length * 2);
    this.pnl = growF64(this.pnl, size);
    this.prevCash = growF64(this.prevCash, size);
    this.prevInventory = growF64(this.prevInventory, size);
    this.prevPnl = growF64(this.prevPnl, size);
    this.ones = new Float64Array(size).fill(1);
  }
}

/** A copy: the live `slot.extra` keeps changing, and stats end up in emitted TICK payloads. */
function agentExtra(slot: AgentSlot): AgentStats['extra'] {
  const own = slot.agent.diagnostics();
  return own ? { ...slot.extra, ...own } : { ...slot.extra };
}

/** The snapshot, its level lists and levels made read-only (it is shared by every agent of a tick). */
function freezeDepth(d: DepthSnapshot): DepthSnapshot {
  for (const l of d.bids) Object.freeze(l);
  for (const l of d.asks) Object.freeze(l);
  Object.freeze(d.bids);
  Object.freeze(d.asks);
  return Object.freeze(d);
}

function isPlainIntent(o: unknown): o is OrderIntent {
  if (o === null || typeof o !== 'object') return false;
  const r = o as Record<string, unknown>;
  return (SIDES as readonly unknown[]).includes(r.side) && (ORDER_TYPES as readonly unknown[]).includes(r.type);
}

function structuredCloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
