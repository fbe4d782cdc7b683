/**
 * The agent contract. An agent sees only its `MarketState` and answers with orders; it never holds
 * the book or the simulation. Built-ins, the RL agent and sandboxed user strategies all implement
 * this same shape.
 */
import type { Rng } from '../rng.js';
import type { MarketState, OpenOrder, OrderIntent } from '../types.js';

/** What the simulation hands an agent when it joins: its identity and its own random stream. */
export interface AgentContext {
  rng: Rng;
  tickSize: number;
}

export abstract class BaseAgent {
  /** Unique id in the market, e.g. `mom_1`. */
  readonly id: string;
  /** Strategy type name, e.g. `momentum`. */
  readonly strategy: string;
  /**
   * True for agents answered outside `Simulation.step()` (a sandboxed strategy in another process,
   * an off-thread learner): the two-phase tick asks them through the caller, not `onTick`.
   */
  readonly external: boolean = false;
  /**
   * False for agents that track their own resting orders through `onOrderRested`: their
   * `MarketState.openOrders` is then always empty, which spares building one object per resting
   * order per tick (the aggregated background agents keep hundreds).
   */
  readonly wantsOpenOrders: boolean = true;
  /** The agent's own configuration as plain JSON, recorded in checkpoints and the store. */
  params: Record<string, unknown> = {};
  protected rng: Rng | null = null;
  protected tickSize = 0.0001;

  constructor(id: string, strategy: string) {
    this.id = id;
    this.strategy = strategy;
  }

  /** Called once by the simulation when the agent is added. */
  attach(ctx: AgentContext): void {
    this.rng = ctx.rng;
    this.tickSize = ctx.tickSize;
  }

  /** The agent's random stream; only valid after `attach`. */
  protected get random(): Rng {
    if (!this.rng) throw new Error(`agent ${this.id} used its random stream before being added to a simulation`);
    return this.rng;
  }

  /** Orders for this tick. May throw: the simulation then skips the agent for the tick. */
  abstract onTick(state: MarketState): OrderIntent[];

  /**
   * The agent's self-described behaviour. Informational only: crowding is measured from observed
   * orders and fills, never from this.
   */
  factorVector(): number[] {
    return [];
  }

  /**
   * Called (in-process agents only) when one of this tick's LIMIT orders came to rest on the book,
   * with the id the engine gave it, so the agent can cancel it later without reading `openOrders`.
   */
  onOrderRested(_orderId: number, _intent: OrderIntent): void {}

  /** Extra figures for the agent's stats (e.g. a learner's progress); null when there are none. */
  diagnostics(): Record<string, number | string | boolean | null> | null {
    return null;
  }

  /** Internal state for checkpoints (plain JSON). Agents without state return null. */
  saveState(): unknown {
    return null;
  }

  /** Restore what `saveState` returned. */
  loadState(_state: unknown): void {}

  /** Round a price to the tick grid. */
  protected roundPrice(price: number): number {
    const ticks = Math.round(price / this.tickSize);
    return Number((ticks * this.tickSize).toFixed(decimalsOf(this.tickSize)));
  }
}

export function decimalsOf(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  let d = 0;
  while (d < 12 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d++;
  return d;
}

/** Order helpers for agents and the SDK. */
export const Orders = {
  limit(side: OrderIntent['side'], price: number, qty: number): OrderIntent {
    return { side, type: 'LIMIT', price, qty };
  },
  market(side: OrderIntent['side'], qty: number): OrderIntent {
    return { side, type: 'MARKET', qty, price: null };
  },
  cancel(orderId: number, side: OrderIntent['side'] = 'BID'): OrderIntent {
    return { side, type: 'CANCEL', qty: 0, price: null, cancelTarget: orderId };
  },
  /** Cancels for every order in `open` (an agent's `MarketState.openOrders`). */
  cancelAll(open: readonly OpenOrder[]): OrderIntent[] {
    return open.map((o) => ({ side: o.side, type: 'CANCEL', qty: 0, price: null, cancelTarget: o.orderId }));
  },
};
