import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/execution/ledger.js';

// The execution ledger on its own (docs/MODEL.md §3): effective prices, impact paid, average
// entry, realized PnL on reductions and flips, the spread side of the PnL split, growth.
describe('Ledger', () => {
  it('a buyer pays price + impact, a seller receives price − impact; impact paid counts both', () => {
    const l = new Ledger();
    const b = l.add(1000);
    const s = l.add(500);
    l.applyLeg(b, 2, 100, 0.5, 100, false);
    l.applyLeg(s, -3, 100, 0.25, 100, true);
    expect(l.cash[b]).toBe(1000 - 2 * 100.5);
    expect(l.cash[s]).toBe(500 + 3 * 99.75);
    expect(l.impactCost[b]).toBe(1);
    expect(l.impactCost[s]).toBe(0.75);
    expect([l.inventory[b], l.inventory[s]]).toEqual([2, -3]);
    expect([l.totalBuyQty[b], l.totalSellQty[b], l.totalBuyQty[s], l.totalSellQty[s]]).toEqual([2, 0, 0, 3]);
    expect([l.fillCount[b], l.fillCount[s]]).toEqual([1, 1]);
    expect(l.pnl(b, 101)).toBe(1000 - 201 + 2 * 101);
    expect(l.size).toBe(2);
  });

  it('adding to a long blends the entry price at effective prices; a short blends too', () => {
    const l = new Ledger();
    const i = l.add(0);
    l.applyLeg(i, 1, 100, 1, 100, false); // effective 101
    l.applyLeg(i, 3, 104, 1, 104, false); // effective 105
    expect(l.avgCost[i]).toBe((101 + 3 * 105) / 4);
    const j = l.add(0);
    l.applyLeg(j, -2, 100, 1, 100, false); // effective 99
    l.applyLeg(j, -2, 90, 1, 90, false); // effective 89
    expect(l.avgCost[j]).toBe(94);
    expect(l.inventory[j]).toBe(-4);
    expect(l.realizedPnl[j]).toBe(0);
  });

  it('reducing a long realizes (effective − avg) on the closed part and keeps the entry price', () => {
    const l = new Ledger();
    const i = l.add(0);
    l.applyLeg(i, 4, 100, 0, 100, false);
    l.applyLeg(i, -1, 110, 2, 110, true); // effective 108
    expect(l.realizedPnl[i]).toBe(8);
    expect(l.avgCost[i]).toBe(100);
    expect(l.inventory[i]).toBe(3);
  });

  it('covering a short realizes with the short sign: buying back cheaper is a gain', () => {
    const l = new Ledger();
    const i = l.add(0);
    l.applyLeg(i, -5, 100, 0, 100, false);
    l.applyLeg(i, 2, 96, 1, 96, false); // effective 97
    expect(l.realizedPnl[i]).toBe(2 * 3);
    expect(l.avgCost[i]).toBe(100);
  });

  it('closing flat zeroes the entry price; flipping realizes only the closed part and re-enters at the fill', () => {
    const l = new Ledger();
    const i = l.add(0);
    l.applyLeg(i, 2, 100, 0, 100, false);
    l.applyLeg(i, -2, 103, 0, 103, false);
    expect(l.realizedPnl[i]).toBe(6);
    expect(l.avgCost[i]).toBe(0);
    expect(l.inventory[i]).toBe(0);
    // Opening again from flat takes the new price (nothing blended with the old entry).
    l.applyLeg(i, 1, 90, 0, 90, false);
    expect(l.avgCost[i]).toBe(90);

    const j = l.add(0);
    l.applyLeg(j, 2, 100, 0, 100, false);
    l.applyLeg(j, -5, 104, 1, 104, false); // effective 103: closes 2, opens a 3 short at 103
    expect(l.realizedPnl[j]).toBe(2 * 3);
    expect(l.inventory[j]).toBe(-3);
    expect(l.avgCost[j]).toBe(103);
  });

  it('spread earned by passive fills and paid by aggressive ones, against the tick’s reference mid', () => {
    const l = new Ledger();
    const maker = l.add(0);
    const taker = l.add(0);
    // Taker buys 3 at 101 with the reference mid at 100: paid 3; the maker sold at 101: earned 3.
    l.applyLeg(taker, 3, 101, 0, 100, false);
    l.applyLeg(maker, -3, 101, 0, 100, true);
    expect([l.spreadPaid[taker], l.spreadEarned[taker]]).toEqual([3, 0]);
    expect([l.spreadEarned[maker], l.spreadPaid[maker]]).toEqual([3, 0]);
    // A passive buy below mid earns; an aggressive sell below mid pays.
    l.applyLeg(maker, 2, 99, 0, 100, true);
    l.applyLeg(taker, -2, 99, 0, 100, false);
    expect(l.spreadEarned[maker]).toBe(5);
    expect(l.spreadPaid[taker]).toBe(5);
  });

  it('the PnL split adds up: spread earned − paid, minus impact, direction the rest', () => {
    const l = new Ledger();
    const i = l.add(1000);
    l.applyLeg(i, 2, 101, 0.5, 100, false); // paid 2 spread, 1 impact
    l.applyLeg(i, -1, 103, 0, 102, true); // earned 1
    const net = l.pnl(i, 104) - 1000;
    const split = l.pnlSplit(i, net);
    expect(split.spread).toBe(1 - 2);
    expect(split.impact).toBe(-1);
    expect(split.direction).toBeCloseTo(net - split.spread - split.impact, 12);
    expect(split.spread + split.impact + split.direction).toBeCloseTo(net, 12);
  });

  it('grows past its capacity keeping every row, and rows round-trip (absent spread fields read as 0)', () => {
    const l = new Ledger(1);
    const ids = [l.add(10), l.add(20), l.add(30)];
    expect(ids).toEqual([0, 1, 2]);
    l.applyLeg(2, 1, 5, 0.5, 5, true);
    expect([l.cash[0], l.cash[1], l.cash[2]]).toEqual([10, 20, 30 - 5.5]);
    const row = l.row(2);
    expect(row).toEqual({
      cash: 24.5, inventory: 1, realizedPnl: 0, totalBuyQty: 1, totalSellQty: 0, fillCount: 1,
      impactCost: 0.5, avgCost: 5.5, spreadEarned: 0, spreadPaid: 0,
    });
    const m = new Ledger();
    m.add(0);
    m.applyLeg(0, 1, 1, 0, 2, true);
    expect(m.spreadEarned[0]).toBe(1);
    const { spreadEarned: _e, spreadPaid: _p, ...old } = row;
    m.setRow(0, old);
    expect(m.row(0)).toEqual({ ...row, spreadEarned: 0, spreadPaid: 0 });
    m.setRow(0, { ...row, spreadEarned: 7, spreadPaid: 2 });
    expect(m.row(0).spreadEarned).toBe(7);
    expect(m.row(0).spreadPaid).toBe(2);
  });
});
