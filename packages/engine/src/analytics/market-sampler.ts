/**
 * Records what the stylized facts need from a running simulation, one TickResult at a time: the
 * 1-tick mid log returns, the sign of every trade (its aggressor) and the book after each tick.
 * Typed arrays, so a 20,000-tick validation run costs little beside the simulation itself.
 */
import { EventType } from '../events.js';
import type { TickResult } from '../simulation.js';
import { stylizedFacts, type StylizedFactsOptions, type StylizedFactsReport } from './stylized-facts.js';

export class MarketSampler {
  private mids: number[] = [];
  private signs: number[] = [];
  private bidLevels: number[] = [];
  private askLevels: number[] = [];
  private spreadTicks: number[] = [];
  /** Ticks with the mid outside [0.5×, 2×] of the first mid. */
  outOfBand = 0;
  minMid = Infinity;
  maxMid = -Infinity;
  /** Regime label counts. */
  readonly regimes = new Map<string, number>();

  constructor(readonly tickSize: number) {}

  observe(result: TickResult): void {
    const s = result.state;
    const ob = s.order_book;
    // `mid` in TICK payloads before the wire contract renamed it (VALIDATION.md's "before" build).
    const mid = s.mid_price ?? (s as unknown as { mid: number }).mid;
    // Returns run from the first observed tick's mid: n ticks give n - 1 returns.
    this.mids.push(mid);
    this.minMid = Math.min(this.minMid, mid);
    this.maxMid = Math.max(this.maxMid, mid);
    const start = this.mids[0]!;
    if (mid < 0.5 * start || mid > 2 * start) this.outOfBand++;
    this.bidLevels.push(ob.bids.length);
    this.askLevels.push(ob.asks.length);
    this.spreadTicks.push(ob.spread === null ? NaN : ob.spread / this.tickSize);
    this.regimes.set(s.regime, (this.regimes.get(s.regime) ?? 0) + 1);
    for (const e of result.events) {
      if (e.type === EventType.ORDER_FILLED) this.signs.push((e.payload as { aggressor: string }).aggressor === 'BID' ? 1 : -1);
    }
  }

  get ticks(): number {
    return this.bidLevels.length;
  }

  returns(): Float64Array {
    const r = new Float64Array(Math.max(this.mids.length - 1, 0));
    for (let i = 1; i < this.mids.length; i++) r[i - 1] = Math.log(this.mids[i]! / this.mids[i - 1]!);
    return r;
  }

  firstMid(): number {
    return this.mids[0] ?? NaN;
  }

  lastMid(): number {
    return this.mids[this.mids.length - 1] ?? NaN;
  }

  report(opts: StylizedFactsOptions = {}): StylizedFactsReport {
    return stylizedFacts(this.returns(), {
      ...opts,
      tradeSigns: this.signs,
      book: { bidLevels: this.bidLevels, askLevels: this.askLevels, spreadTicks: this.spreadTicks },
    });
  }
}
