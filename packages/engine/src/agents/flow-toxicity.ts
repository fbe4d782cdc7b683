/**
 * Flow toxicity as a liquidity provider sees it (docs/MODEL.md §3, "Adverse selection"): how far
 * the engine's permanent impact (MarketState.impact.lastShift) has recently moved the reference
 * price per tick, in price ticks, split by direction.
 *
 * The permanent shift is a share of the aggressors' *amplified* impact, eta × sideMult ×
 * (1 + kappa × Phi) × sqrt(qty) per fill, so this is where kappa reaches a maker: crowded
 * aggressive flow moves the price further per trade, and a resting order that trades with it is
 * worth that much less a moment later (Glosten–Milgrom: the half spread has to cover the expected
 * price move after a fill). A provider that quotes wider and thinner on the side being hit when
 * this is high is doing what market makers did in the 2007 quant unwind.
 *
 *   up   ← up   + a × (max(shift, 0)  − up)      aggressive buying: the asks are picked off
 *   down ← down + a × (max(−shift, 0) − down)    aggressive selling: the bids are picked off
 *
 * with a = 2 / (span + 1) and shift = lastShift / tickSize. O(1) per tick, no allocation.
 *
 * A provider is calibrated to a reference toxicity (the level its configured spread and size are
 * meant for) and scales by `withdrawal(k, toxicity, reference)` = (1 + k x) / (1 + k), x =
 * toxicity / reference: 1 at the reference, above it when flow is more toxic, down to 1 / (1 + k)
 * when it is benign. Distances (half spread, a limit order's offset) are multiplied by it, sizes
 * divided by it.
 */
export interface FlowToxicityState {
  up: number;
  down: number;
}

export class FlowToxicity {
  /** EMA of the upward permanent shift per tick, ticks (hurts ask quotes). */
  up: number;
  /** EMA of the downward permanent shift per tick, ticks (hurts bid quotes). */
  down: number;
  private readonly alpha: number;

  /**
   * `span`: EMA span in ticks (>= 1). `prior`: the toxicity per side believed before any tick is
   * seen (the provider's reference: it starts quoting as configured and learns from there, instead
   * of treating its first ticks as perfectly benign flow).
   */
  constructor(span: number, prior = 0) {
    this.alpha = 2 / (Math.max(1, span) + 1);
    this.up = prior;
    this.down = prior;
  }

  /** Takes one tick's permanent shift (price units; MarketState.impact.lastShift) on a grid of `tickSize`. */
  observe(lastShift: number, tickSize: number): void {
    const s = lastShift / tickSize;
    const a = this.alpha;
    this.up += a * ((s > 0 ? s : 0) - this.up);
    this.down += a * ((s < 0 ? -s : 0) - this.down);
  }

  /** Toxicity against a resting order on `side`: `down` for bids, `up` for asks (ticks per tick). */
  against(isBid: boolean): number {
    return isBid ? this.down : this.up;
  }

  saveState(): FlowToxicityState {
    return { up: this.up, down: this.down };
  }

  /** Restores a saved state; a checkpoint written before toxicity existed starts at 0. */
  loadState(s: FlowToxicityState | undefined): void {
    this.up = s?.up ?? 0;
    this.down = s?.down ?? 0;
  }
}

/** (1 + k × toxicity / reference) / (1 + k): the provider's scale at this toxicity (1 at the reference; k >= 0, reference > 0). */
export function withdrawal(k: number, toxicity: number, reference: number): number {
  return (1 + (k * toxicity) / reference) / (1 + k);
}
