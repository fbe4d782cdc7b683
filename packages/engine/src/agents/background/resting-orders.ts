/**
 * The resting orders of an aggregated background agent, with the tick each one expires, in typed
 * arrays. The agent learns its order ids from `BaseAgent.onOrderRested` instead of reading
 * `MarketState.openOrders` (which would build one object per resting order per tick: hundreds
 * for the noise background).
 */
export interface RestingOrdersState {
  ids: number[];
  expiry: number[];
  bid: number[];
}

export class RestingOrders {
  ids = new Float64Array(256);
  expiry = new Float64Array(256);
  /** 1 for a bid, 0 for an ask. */
  bid = new Uint8Array(256);
  n = 0;

  add(id: number, expiry: number, isBid: boolean): void {
    if (this.n === this.ids.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids);
      this.expiry = grow(this.expiry);
      this.bid = grow(this.bid);
    }
    this.ids[this.n] = id;
    this.expiry[this.n] = expiry;
    this.bid[this.n] = isBid ? 1 : 0;
    this.n++;
  }

  /** Removes every order expiring at or before `tick`, calling `onExpired` for each (in order). */
  expire(tick: number, onExpired: (id: number, isBid: boolean) => void): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (this.expiry[r]! <= tick) {
        onExpired(this.ids[r]!, this.bid[r] === 1);
        continue;
      }
      if (w !== r) {
        this.ids[w] = this.ids[r]!;
        this.expiry[w] = this.expiry[r]!;
        this.bid[w] = this.bid[r]!;
      }
      w++;
    }
    this.n = w;
  }

  saveState(): RestingOrdersState {
    return {
      ids: Array.from(this.ids.subarray(0, this.n)),
      expiry: Array.from(this.expiry.subarray(0, this.n)),
      bid: Array.from(this.bid.subarray(0, this.n)),
    };
  }

  loadState(s: RestingOrdersState): void {
    this.n = 0;
    for (let i = 0; i < s.ids.length; i++) this.add(s.ids[i]!, s.expiry[i]!, s.bid[i] === 1);
  }
}
