/**
 * Per-agent execution accounting (docs/MODEL.md §3): cash and inventory move at effective prices
 * (resting price ± impact), PnL is cash + inventory × mid, and the ledger keeps the counts a user
 * needs to see what trading cost them: buy/sell quantity, fills, impact paid, realized PnL.
 * Struct-of-arrays on Float64Arrays indexed by agent, grown by doubling as agents join.
 */
import { growF64 } from '../util/typed-grow.js';

export interface LedgerRow {
  cash: number;
  inventory: number;
  realizedPnl: number;
  totalBuyQty: number;
  totalSellQty: number;
  fillCount: number;
  impactCost: number;
  avgCost: number;
}

const FIELDS = ['cash', 'inventory', 'realizedPnl', 'totalBuyQty', 'totalSellQty', 'fillCount', 'impactCost', 'avgCost'] as const;

export class Ledger {
  cash: Float64Array;
  inventory: Float64Array;
  realizedPnl: Float64Array;
  totalBuyQty: Float64Array;
  totalSellQty: Float64Array;
  fillCount: Float64Array;
  impactCost: Float64Array;
  /** Average entry price of the open inventory, for realized PnL. */
  avgCost: Float64Array;
  private n = 0;

  constructor(capacity = 16) {
    this.cash = new Float64Array(capacity);
    this.inventory = new Float64Array(capacity);
    this.realizedPnl = new Float64Array(capacity);
    this.totalBuyQty = new Float64Array(capacity);
    this.totalSellQty = new Float64Array(capacity);
    this.fillCount = new Float64Array(capacity);
    this.impactCost = new Float64Array(capacity);
    this.avgCost = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Adds an agent with `cash` and no inventory; returns its index. */
  add(cash: number): number {
    if (this.n === this.cash.length) this.grow(this.n * 2);
    const i = this.n++;
    this.cash[i] = cash;
    return i;
  }

  /**
   * One fill leg: `qty` > 0 bought (inventory up) or < 0 sold, at `price` with `impact` per unit
   * paid against the agent (buyer pays price + impact, seller receives price − impact).
   */
  applyLeg(i: number, signedQty: number, price: number, impact: number): void {
    const qty = Math.abs(signedQty);
    const effective = signedQty > 0 ? price + impact : price - impact;
    this.cash[i] = (this.cash[i] as number) - signedQty * effective;
    this.impactCost[i] = (this.impactCost[i] as number) + impact * qty;
    this.fillCount[i] = (this.fillCount[i] as number) + 1;
    if (signedQty > 0) this.totalBuyQty[i] = (this.totalBuyQty[i] as number) + qty;
    else this.totalSellQty[i] = (this.totalSellQty[i] as number) + qty;

    const inv = this.inventory[i] as number;
    const avg = this.avgCost[i] as number;
    const next = inv + signedQty;
    if (inv === 0 || Math.sign(inv) === Math.sign(signedQty)) {
      // Adding to (or opening) a position: blend the entry price.
      this.avgCost[i] = (avg * Math.abs(inv) + effective * qty) / Math.abs(next);
    } else {
      // Reducing, closing or flipping: realize on the closed part.
      const closed = Math.min(qty, Math.abs(inv));
      this.realizedPnl[i] = (this.realizedPnl[i] as number) + closed * (effective - avg) * Math.sign(inv);
      if (next === 0) this.avgCost[i] = 0;
      else if (Math.sign(next) !== Math.sign(inv)) this.avgCost[i] = effective;
    }
    this.inventory[i] = next;
  }

  pnl(i: number, mid: number): number {
    return (this.cash[i] as number) + (this.inventory[i] as number) * mid;
  }

  row(i: number): LedgerRow {
    const r = {} as LedgerRow;
    for (const f of FIELDS) r[f] = this[f][i] as number;
    return r;
  }

  setRow(i: number, row: LedgerRow): void {
    for (const f of FIELDS) this[f][i] = row[f];
  }

  private grow(capacity: number): void {
    for (const f of FIELDS) this[f] = growF64(this[f], capacity);
  }
}
