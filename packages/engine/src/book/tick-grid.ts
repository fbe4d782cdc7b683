/**
 * The integer price grid of the book. Prices enter as numbers and are matched as integer ticks,
 * so levels aggregate exactly; they leave as numbers rebuilt from an exact integer numerator over
 * a power of ten, which prints as the shortest decimal (100.0001, never 100.00010000000001).
 */

/** Largest price in ticks the book stores (ticks live in Int32Array; asks are keyed by -ticks). */
export const MAX_PRICE_TICKS = 0x7fffffff;

/** Most decimals a tick size may have: beyond this doubles no longer hold it exactly. */
const MAX_TICK_DECIMALS = 12;

export class TickGrid {
  readonly tickSize: number;
  /** Decimals of the tick size (0.0001 → 4, 0.25 → 2, 5 → 0). */
  readonly decimals: number;
  /** tickSize * 10^decimals, an integer. */
  private readonly unitsPerTick: number;
  /** 10^decimals. */
  private readonly scale: number;

  constructor(tickSize: number) {
    if (typeof tickSize !== 'number' || !Number.isFinite(tickSize) || tickSize <= 0) {
      throw new RangeError(`tickSize must be a positive finite number (e.g. 0.0001), got ${String(tickSize)}`);
    }
    let decimals = -1;
    for (let d = 0; d <= MAX_TICK_DECIMALS; d++) {
      const scale = 10 ** d;
      const units = Math.round(tickSize * scale);
      if (units >= 1 && Math.abs(units / scale - tickSize) <= tickSize * 1e-9) {
        decimals = d;
        break;
      }
    }
    if (decimals < 0) {
      throw new RangeError(
        `tickSize must have at most ${MAX_TICK_DECIMALS} decimals (e.g. 0.0001, 0.25, 1), got ${tickSize}`,
      );
    }
    this.decimals = decimals;
    this.scale = 10 ** decimals;
    this.unitsPerTick = Math.round(tickSize * this.scale);
    // Normalise 0.30000000000000004 to 0.3 so reported tick sizes print cleanly too.
    this.tickSize = this.unitsPerTick / this.scale;
  }

  /** Nearest tick of a price (no validation: the matching engine checks range and sign). */
  toTicks(price: number): number {
    return Math.round(price / this.tickSize);
  }

  /** The price of a tick, rounded to the tick size's decimals. */
  toPrice(ticks: number): number {
    return (ticks * this.unitsPerTick) / this.scale;
  }

  /** Price of the midpoint of two ticks (may fall on a half tick, hence one more decimal). */
  midPrice(ticksA: number, ticksB: number): number {
    return ((ticksA + ticksB) * this.unitsPerTick) / (2 * this.scale);
  }
}
