/**
 * The market's fundamental value: an Ornstein–Uhlenbeck process in log price around
 * ln(initialPrice) with Poisson jumps (the role of ABIDES's mean-reverting oracle). The path is a
 * pure function of (seed, tick): every agent that trades on the fundamental keeps its own copy and
 * advances it to the tick it is at, so they all see the same value without sharing state, and an
 * agent that joins late catches up by replaying the path.
 */
import type { FundamentalConfig } from '../config.js';
import { Rng, type RngState } from '../rng.js';

export interface FundamentalState {
  tick: number;
  logValue: number;
  rng: RngState;
}

export class FundamentalProcess {
  private rng: Rng;
  private tick = 0;
  private logValue: number;
  private readonly logMean: number;

  constructor(
    private readonly cfg: FundamentalConfig,
    initialPrice: number,
    seed: number,
  ) {
    this.logMean = Math.log(initialPrice);
    this.logValue = this.logMean;
    this.rng = new Rng(seed).derive('fundamental');
  }

  /** The value at `tick` (ticks before the last one asked are not kept: ask in order). */
  valueAt(tick: number): number {
    const c = this.cfg;
    while (this.tick < tick) {
      this.logValue += c.meanReversion * (this.logMean - this.logValue) + c.volatility * this.rng.normal();
      if (c.jumpProbability > 0 && this.rng.next() < c.jumpProbability) this.logValue += c.jumpStd * this.rng.normal();
      this.tick++;
    }
    return Math.exp(this.logValue);
  }

  saveState(): FundamentalState {
    return { tick: this.tick, logValue: this.logValue, rng: this.rng.getState() };
  }

  loadState(s: FundamentalState): void {
    this.tick = s.tick;
    this.logValue = s.logValue;
    this.rng = Rng.fromState(s.rng);
  }
}
