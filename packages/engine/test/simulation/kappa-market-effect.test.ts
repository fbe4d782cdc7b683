/**
 * Crowding reaches the market, not only the cash line: with the permanent impact component, the
 * kappa that amplifies impact (1 + kappa * Phi) changes realized volatility, visible depth, the
 * LFI (on its default reference scale, docs/MODEL.md §11) and agents' drawdowns. Five fixed seeds
 * per kappa; the claim is that the two seed ranges do not overlap (the difference lies outside the
 * seed spread).
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';

interface MarketFigures {
  vol: number;
  depth: number;
  lfi: number;
  drawdown: number;
}

const SEEDS = [1, 2, 3, 4, 5];
const TICKS = 1000;
const WARMUP = 200;

function figures(seed: number, kappa: number): MarketFigures {
  const sim = new Simulation({ seed, population: 'seed', crowding: { kappa } });
  const returns: number[] = [];
  const peak = new Map<string, number>();
  const drawdown = new Map<string, number>();
  let prev: number | null = null;
  let depth = 0;
  let lfi = 0;
  let n = 0;
  for (let t = 0; t < TICKS; t++) {
    const s = sim.step().state;
    if (prev !== null) returns.push(Math.log(s.mid_price / prev));
    prev = s.mid_price;
    if (t < WARMUP) continue;
    n++;
    lfi += s.lfi;
    for (const l of s.order_book.bids) depth += l[1];
    for (const l of s.order_book.asks) depth += l[1];
    for (const a of s.agent_stats) {
      const p = Math.max(peak.get(a.agent_id) ?? -Infinity, a.pnl);
      peak.set(a.agent_id, p);
      drawdown.set(a.agent_id, Math.max(drawdown.get(a.agent_id) ?? 0, p - a.pnl));
    }
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const vol = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  const dd = [...drawdown.values()].reduce((a, b) => a + b, 0) / drawdown.size;
  return { vol, depth: depth / n, lfi: lfi / n, drawdown: dd };
}

const range = (xs: number[]) => ({ lo: Math.min(...xs), hi: Math.max(...xs) });

describe('kappa 0 vs 18 on five fixed seeds', () => {
  const low = SEEDS.map((s) => figures(s, 0));
  const high = SEEDS.map((s) => figures(s, 18));
  const pick = (rows: MarketFigures[], k: keyof MarketFigures) => range(rows.map((r) => r[k]));

  it('raises realized volatility beyond the seed spread', () => {
    expect(pick(high, 'vol').lo).toBeGreaterThan(pick(low, 'vol').hi);
  });

  it('thins the visible book beyond the seed spread', () => {
    expect(pick(high, 'depth').hi).toBeLessThan(pick(low, 'depth').lo);
  });

  it('raises the LFI beyond the seed spread (reference normalization: thinner book, more one-sided flow)', () => {
    expect(pick(high, 'lfi').lo).toBeGreaterThan(pick(low, 'lfi').hi);
  });

  it("deepens agents' drawdowns beyond the seed spread", () => {
    expect(pick(high, 'drawdown').lo).toBeGreaterThan(pick(low, 'drawdown').hi);
  });

  it('without the permanent component kappa leaves prices exactly as they were (only cash moves)', () => {
    const mids = (kappa: number) => {
      const sim = new Simulation({ seed: 1, population: 'seed', crowding: { kappa }, impact: { permanentShare: 0 } });
      sim.run(300);
      return sim.priceHistory();
    };
    expect(mids(18)).toEqual(mids(0));
  });
});

describe('the default market (README research findings), kappa 0 vs 18 on five fixed seeds', () => {
  // Impact per unit traded = temporary impact paid by all agents / their quantity bought and sold.
  const perUnit = (seed: number, kappa: number) => {
    const sim = new Simulation({ seed, crowding: { kappa } });
    sim.run(600);
    let impact = 0;
    let traded = 0;
    for (const a of sim.allAgentStats()) {
      impact += a.impact_cost;
      traded += a.total_buy_qty + a.total_sell_qty;
    }
    return impact / traded;
  };

  it('raises the impact paid per unit traded beyond the seed spread', () => {
    const low = range(SEEDS.map((s) => perUnit(s, 0)));
    const high = range(SEEDS.map((s) => perUnit(s, 18)));
    expect(high.lo).toBeGreaterThan(low.hi);
  });
});
