/**
 * Encodes the MarketStates of one tick for the runners. The market part of a state (depth,
 * recent trades, price history) is the same object for every agent in a tick, so it is
 * serialised once per tick and sent once per runner; each agent's own fields travel separately.
 * A TypeScript runner hands both texts to the isolate (the market text as one external string
 * shared by all its isolates, parsed there only when read); a Python worker receives both raw
 * and parses the market part only when read.
 */
import type { MarketState } from '@crowdalpha/engine';

const SHARED_KEYS = ['depth', 'recentTrades', 'priceHistory'] as const;

export interface EncodedState {
  /** JSON of the agent's own fields (an object). */
  own: string;
  /** JSON members `"depth":…,"recentTrades":…,"priceHistory":…` shared by agents of the tick. */
  shared: string;
}

export class StateEncoder {
  private lastKey: [unknown, unknown, unknown] | null = null;
  private lastShared = '';

  encode(state: MarketState): EncodedState {
    const s = state as unknown as Record<string, unknown>;
    const key: [unknown, unknown, unknown] = [s.depth, s.recentTrades, s.priceHistory];
    if (!this.lastKey || this.lastKey[0] !== key[0] || this.lastKey[1] !== key[1] || this.lastKey[2] !== key[2]) {
      const text = JSON.stringify({ depth: s.depth, recentTrades: s.recentTrades, priceHistory: s.priceHistory });
      this.lastShared = text.slice(1, -1);
      this.lastKey = key;
    }
    const own: Record<string, unknown> = {};
    for (const k of Object.keys(s)) if (!(SHARED_KEYS as readonly string[]).includes(k)) own[k] = s[k];
    return { own: JSON.stringify(own), shared: this.lastShared };
  }
}

/** One JSON object text from the two parts (what a strategy sees is this object). */
export function spliceState(own: string, shared: string): string {
  if (shared === '') return own;
  return own.length > 2 ? `${own.slice(0, -1)},${shared}}` : `{${shared}}`;
}
