/**
 * Per-agent execution accounting (docs/MODEL.md §3): cash and inventory move at effective prices
 * (resting price ± impact), PnL is cash + inventory × mid, and the ledger keeps the counts a user
 * needs to see what trading cost them: buy/sell quantity, fills, impact paid, realized PnL, and
 * the spread side of the PnL split (docs/MODEL.md §3, "PnL split"): what passive fills earned and
 * aggressive fills paid against the reference mid of their tick.
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
  /** Σ over passive (resting) fills of (mid − price) × signed qty: positive when quoting inside earned. */
  spreadEarned: number;
  /** Σ over aggressive fills of (price − mid) × signed qty: what crossing the spread cost. */
  spreadPaid: number;
}

/** A ledger row as checkpoints carry it: the spread fields are absent from checkpoints written before them (read as 0). */
export type StoredLedgerRow = Omit<LedgerRow, 'spreadEarned' | 'spreadPaid'> & Partial<Pick<LedgerRow, 'spreadEarned' | 'spreadPaid'>>;

const FIELDS = ['cash', 'inventory', 'realizedPnl', 'totalBuyQty', 'totalSellQty', 'fillCount', 'impactCost', 'avgCost', 'spreadEarned', 'spreadPaid'] as const;

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
  spreadEarned: Float64Array;
  spreadPaid: Float64Array;
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
    this.spreadEarned = new Float64Array(capacity);
    this.spreadPaid = new Float64Array(capacity);
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
   * `refMid` is the tick's reference mid (the pre-trade mid every agent saw); `passive` says the
   * agent's order was resting (maker) rather than aggressing (taker).
   */
  applyLeg(i: number, signedQty: number, price: number, impact: number, refMid: number, passive: boolean): void {
    const qty = Math.abs(signedQty);
    const effective = signedQty > 0 ? price + impact : price - impact;
    this.cash[i] = (this.cash[i] as number) - signedQty * effective;
    this.impactCost[i] = (this.impactCost[i] as number) + impact * qty;
    const edge = (refMid - price) * signedQty;
    if (passive) this.spreadEarned[i] = (this.spreadEarned[i] as number) + edge;
    else this.spreadPaid[i] = (this.spreadPaid[i] as number) - edge;
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

  setRow(i: number, row: StoredLedgerRow): void {
    for (const f of FIELDS) this[f][i] = row[f] ?? 0;
  }

  /**
   * The PnL split of docs/MODEL.md §3: net PnL = spread + impact + direction exactly, where spread
   * = earned − paid, impact = −impact paid, and direction is the rest: Σ signed qty × (mid now −
   * reference mid at the fill), what the positions made from price moves.
   */
  pnlSplit(i: number, netPnl: number): { spread: number; impact: number; direction: number } {
    const spread = (this.spreadEarned[i] as number) - (this.spreadPaid[i] as number);
    const impact = -(this.impactCost[i] as number);
    return { spread, impact, direction: netPnl - spread - impact };
  }

  private grow(capacity: number): void {
    for (const f of FIELDS) this[f] = growF64(this[f], capacity);
  }
}
