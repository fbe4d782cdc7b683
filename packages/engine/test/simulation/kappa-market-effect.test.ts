/**
 * Crowding reaches the market, not only the cash line: with the permanent impact component, the
 * kappa that amplifies impact (1 + kappa * Phi) changes realized volatility, visible depth, the
 * LFI (on its default reference scale, docs/MODEL.md §11) and drawdowns — on the seed market and
 * on the default market. Five fixed seeds per kappa; the claim is that the two seed ranges do not
 * overlap (the difference lies outside the seed spread).
 *
 * Drawdowns: `drawdown` is the agents' (each agent's largest fall of PnL from its peak, averaged
 * over agents); on the default market, where the impact charge alone would deepen it, two
 * measures that leave the cash line out: `drawdownBeforeImpact` (the same with the impact paid
 * added back: what prices did to the agents) and `marketDrawdown` (the mid's largest fall from its
 * peak within each 250-tick window, averaged over the windows).
 */
import { describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

interface MarketFigures {
  vol: number;
  depth: number;
  lfi: number;
  drawdown: number;
  drawdownBeforeImpact: number;
  marketDrawdown: number;
}

const SEEDS = [1, 2, 3, 4, 5];
const WINDOW = 250;

/** Figures over ticks [warmup, ticks) of one run. */
function figures(config: ConfigOverrides, ticks: number, warmup: number): MarketFigures {
  const sim = new Simulation(config);
  const returns: number[] = [];
  const peak = new Map<string, number>();
  const drawdown = new Map<string, number>();
  const peakBefore = new Map<string, number>();
  const drawdownBefore = new Map<string, number>();
  const fall = (peaks: Map<string, number>, falls: Map<string, number>, id: string, v: number) => {
    const p = Math.max(peaks.get(id) ?? -Infinity, v);
    peaks.set(id, p);
    falls.set(id, Math.max(falls.get(id) ?? 0, p - v));
  };
  let prev: number | null = null;
  let depth = 0;
  let lfi = 0;
  let n = 0;
  let windowPeak = 0;
  let windowDrawdown = 0;
  let windowSum = 0;
  let windows = 0;
  for (let t = 0; t < ticks; t++) {
    const s = sim.step().state;
    if (prev !== null && t >= warmup) returns.push(Math.log(s.mid_price / prev));
    prev = s.mid_price;
    if (t < warmup) continue;
    n++;
    lfi += s.lfi;
    for (const l of s.order_book.bids) depth += l[1];
    for (const l of s.order_book.asks) depth += l[1];
    if ((t - warmup) % WINDOW === 0) {
      if (t > warmup) {
        windowSum += windowDrawdown;
        windows++;
      }
      windowPeak = 0;
      windowDrawdown = 0;
    }
    windowPeak = Math.max(windowPeak, s.mid_price);
    windowDrawdown = Math.max(windowDrawdown, 1 - s.mid_price / windowPeak);
    for (const a of s.agent_stats) {
      fall(peak, drawdown, a.agent_id, a.pnl);
      fall(peakBefore, drawdownBefore, a.agent_id, a.pnl + a.impact_cost);
    }
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const vol = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  const avg = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / m.size;
  return {
    vol,
    depth: depth / n,
    lfi: lfi / n,
    drawdown: avg(drawdown),
    drawdownBeforeImpact: avg(drawdownBefore),
    marketDrawdown: windows > 0 ? windowSum / windows : 0,
  };
}

const range = (xs: number[]) => ({ lo: Math.min(...xs), hi: Math.max(...xs) });

/** kappa 0 and 18 on the five seeds, and `above(k)`: every kappa-18 figure above every kappa-0 one. */
function kappaSweep(config: ConfigOverrides, ticks: number, warmup: number) {
  const low = SEEDS.map((seed) => figures({ ...config, seed, crowding: { kappa: 0 } }, ticks, warmup));
  const high = SEEDS.map((seed) => figures({ ...config, seed, crowding: { kappa: 18 } }, ticks, warmup));
  const pick = (rows: MarketFigures[], k: keyof MarketFigures) => range(rows.map((r) => r[k]));
  return {
    above: (k: keyof MarketFigures) => expect(pick(high, k).lo).toBeGreaterThan(pick(low, k).hi),
    below: (k: keyof MarketFigures) => expect(pick(high, k).hi).toBeLessThan(pick(low, k).lo),
    overlap: (k: keyof MarketFigures) => {
      expect(pick(high, k).hi).toBeGreaterThan(pick(low, k).lo);
      expect(pick(low, k).hi).toBeGreaterThan(pick(high, k).lo);
    },
  };
}

describe('kappa 0 vs 18 on five fixed seeds (seed market, 1,000 ticks, the first 200 left out)', () => {
  const sweep = kappaSweep({ population: 'seed' }, 1000, 200);

  it('raises realized volatility beyond the seed spread', () => sweep.above('vol'));
  it('thins the visible book beyond the seed spread', () => sweep.below('depth'));
  it('raises the LFI beyond the seed spread (reference normalization: thinner book, more one-sided flow)', () => sweep.above('lfi'));
  it("deepens agents' drawdowns beyond the seed spread", () => sweep.above('drawdown'));

  it('without the permanent component kappa leaves prices exactly as they were (only cash moves)', () => {
    const mids = (kappa: number) => {
      const sim = new Simulation({ seed: 1, population: 'seed', crowding: { kappa }, impact: { permanentShare: 0 } });
      sim.run(300);
      return sim.priceHistory();
    };
    expect(mids(18)).toEqual(mids(0));
  });
});

/**
 * The default market: the same claim through the liquidity providers' response to toxic flow
 * (docs/MODEL.md §3, "Adverse selection"). The background's limit orders and the ladder makers
 * learn the permanent impact per tick of the aggressive flow (amplified by 1 + kappa Phi) over
 * ~2,000 ticks, so the runs are longer and the first 1,000 ticks are left out.
 */
describe('the default market, kappa 0 vs 18 on five fixed seeds (5,000 ticks, the first 1,000 left out)', () => {
  const sweep = kappaSweep({}, 5000, 1000);

  it('raises realized volatility beyond the seed spread', () => sweep.above('vol'));
  it('thins the visible book beyond the seed spread', () => sweep.below('depth'));
  it('raises the LFI beyond the seed spread', () => sweep.above('lfi'));
  it("deepens the market's drawdowns (the mid, per 250-tick window) beyond the seed spread", () => sweep.above('marketDrawdown'));
  it("deepens agents' drawdowns before impact costs (what prices did to them, not the cash line) beyond the seed spread", () =>
    sweep.above('drawdownBeforeImpact'));

  it('with the providers blind to toxicity, kappa no longer moves the depth outside the seed spread', () => {
    // The channel is the providers' response: switch it off and the book is what it was before.
    kappaSweep({ noise: { toxicityOffset: 0, toxicityThin: 0 }, ladderMaker: { toxicityWiden: 0, toxicityThin: 0 } }, 5000, 1000).overlap('depth');
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
