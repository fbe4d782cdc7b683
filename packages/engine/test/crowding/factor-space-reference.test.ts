import { describe, expect, it } from 'vitest';
import { FACTOR_NAMES, FactorSpace, orderAggressiveness, type ObservedFill, type ObservedOrder } from '../../src/crowding/factor-space.js';
import { Rng } from '../../src/rng.js';

// The six factors, activity and volume shares against docs/MODEL.md §4 computed directly from the
// last W ticks of a random history (several agents, cancels and empty orders, crossing limits,
// many fills per tick, a window that wraps several times), and checkpoints.

interface Tick {
  tick: number;
  orders: ObservedOrder[];
  fills: ObservedFill[];
  bid: number | null;
  ask: number | null;
  r: number;
}

function history(ticks: number, agents: number, seed: number): Tick[] {
  const rng = new Rng(seed);
  const out: Tick[] = [];
  for (let t = 0; t < ticks; t++) {
    const bid = rng.next() < 0.1 ? null : 99.9;
    const ask = rng.next() < 0.1 ? null : 100.1;
    const orders: ObservedOrder[] = [];
    const fills: ObservedFill[] = [];
    const no = Math.floor(rng.next() * 6);
    for (let k = 0; k < no; k++) {
      const agent = Math.floor(rng.next() * agents);
      const side = rng.next() < 0.5 + 0.1 * (agent % 3) ? 'BID' : 'ASK';
      const type = rng.next() < 0.2 ? 'MARKET' : rng.next() < 0.1 ? 'CANCEL' : 'LIMIT';
      const qty = rng.next() < 0.05 ? 0 : 1 + Math.floor(rng.next() * 5);
      orders.push({ agent, side, type, price: type === 'MARKET' ? null : 99.8 + Math.floor(rng.next() * 5) * 0.1, qty } as ObservedOrder);
    }
    // Some ticks carry many fills (more than a slot's first buffers hold).
    const nf = t % 13 === 0 ? 40 : Math.floor(rng.next() * 3);
    for (let k = 0; k < nf; k++) {
      const buyer = Math.floor(rng.next() * agents);
      const seller = (buyer + 1 + Math.floor(rng.next() * (agents - 1))) % agents;
      fills.push({ buyer, seller, price: 100, qty: rng.next() < 0.05 ? 0 : 1 + Math.floor(rng.next() * 3), aggressor: rng.next() < 0.5 ? 'BID' : 'ASK' });
    }
    out.push({ tick: 10 + t, orders, fills, bid, ask, r: t % 17 === 0 ? NaN : rng.normal(0, 0.001) });
  }
  return out;
}

function percentile(xs: number[], pct: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (Math.min(Math.max(pct, 0), 100) / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const scaled = (x: number, p: number) => (x <= 0 ? 0 : p > 0 ? Math.min(x / p, 1) : 1);

/** The factors by their definitions over the last W ticks of `h`, as of `now`. */
function reference(h: Tick[], n: number, W: number, pct: number, now: number) {
  const win = h.slice(Math.max(0, h.length - W));
  const z = () => new Array<number>(n).fill(0);
  const [orderQty, signed, aggr, vol, fillQty, signedFill] = [z(), z(), z(), z(), z(), z()];
  let absSum = 0;
  for (const t of win) {
    const absR = Number.isFinite(t.r) ? Math.abs(t.r) : 0;
    absSum += absR;
    for (const o of t.orders) {
      if (o.type === 'CANCEL' || !(o.qty > 0)) continue;
      orderQty[o.agent]! += o.qty;
      signed[o.agent]! += o.side === 'BID' ? o.qty : -o.qty;
      aggr[o.agent]! += o.qty * orderAggressiveness(o, { bestBid: t.bid, bestAsk: t.ask });
      vol[o.agent]! += o.qty * absR;
    }
    for (const f of t.fills) {
      if (!(f.qty > 0)) continue;
      fillQty[f.buyer]! += f.qty;
      fillQty[f.seller]! += f.qty;
      signedFill[f.buyer]! += f.qty;
      signedFill[f.seller]! -= f.qty;
    }
  }
  // Holding: the integral of |position since the window start| over the quantity opened.
  const ageQty = z();
  const opened = z();
  for (let i = 0; i < n; i++) {
    let pos = 0;
    let since = 0;
    let traded = 0;
    for (const t of win) {
      for (const f of t.fills) {
        if (!(f.qty > 0)) continue;
        const q = f.buyer === i ? f.qty : f.seller === i ? -f.qty : 0;
        if (q === 0) continue;
        ageQty[i]! += Math.abs(pos) * (t.tick - since);
        pos += q;
        since = t.tick;
        traded += Math.abs(q);
      }
    }
    if (pos !== 0) ageQty[i]! += Math.abs(pos) * (now - since);
    opened[i] = (traded + Math.abs(pos)) / 2;
  }
  const turnover = fillQty.map((q) => q / W);
  const activity = orderQty.map((q, i) => q + fillQty[i]!);
  const pT = percentile(turnover, pct);
  const pA = percentile(activity, pct);
  const marketAbs = absSum / Math.max(1, Math.min(h.length, W));
  const total = fillQty.reduce((a, b) => a + b, 0);
  return Array.from({ length: n }, (_, i) => ({
    factors: [
      scaled(turnover[i]!, pT),
      opened[i]! > 1e-12 ? clip(ageQty[i]! / opened[i]! / W, 0, 1) : 0,
      orderQty[i]! > 1e-12 ? clip(signed[i]! / orderQty[i]!, -1, 1) : 0,
      orderQty[i]! > 1e-12 && marketAbs > 1e-15 ? clip(vol[i]! / orderQty[i]! / marketAbs / 2, 0, 1) : 0,
      fillQty[i]! > 1e-12 ? clip(signedFill[i]! / fillQty[i]!, -1, 1) : 0,
      orderQty[i]! > 1e-12 ? clip(aggr[i]! / orderQty[i]!, 0, 1) : 0,
    ],
    activity: scaled(activity[i]!, pA),
    weight: total > 1e-12 ? fillQty[i]! / total : 1 / n,
  }));
}

function expectMatches(fs: FactorSpace, want: ReturnType<typeof reference>, label: string) {
  want.forEach((w, i) => {
    w.factors.forEach((v, k) => expect(fs.factors[i * 6 + k], `${label} agent ${i} ${FACTOR_NAMES[k]}`).toBeCloseTo(v, 9));
    expect(fs.activity[i], `${label} activity ${i}`).toBeCloseTo(w.activity, 9);
    expect(fs.weights[i], `${label} weight ${i}`).toBeCloseTo(w.weight, 12);
  });
}

describe('FactorSpace against the definitions over the window', () => {
  it('every factor, activity and weight of 9 agents on every 7th tick, through window wraps and rebuilds', () => {
    const W = 12;
    const n = 9;
    const h = history(80, n, 5);
    const fs = new FactorSpace({ window: W, scalePercentile: 75 });
    for (let i = 0; i < n; i++) expect(fs.addAgent()).toBe(i);
    expect(fs.size).toBe(n);
    h.forEach((t, k) => {
      fs.observe(t.tick, t.orders, t.fills, { bestBid: t.bid, bestAsk: t.ask }, t.r);
      if (k % 7 === 3 || k === h.length - 1) {
        fs.compute();
        expectMatches(fs, reference(h.slice(0, k + 1), n, W, 75, t.tick), `tick ${t.tick}`);
      }
    });
    // as of a later time: open lots keep ageing
    fs.compute(h[h.length - 1]!.tick + 5);
    expectMatches(fs, reference(h, n, W, 75, h[h.length - 1]!.tick + 5), 'later');
    expect(fs.vectorOf(2)).toEqual(Object.fromEntries(FACTOR_NAMES.map((name, k) => [name, fs.factors[2 * 6 + k]])));
  });

  it('scalePercentile 0 and 100; nobody trading gives uniform weights and zero factors', () => {
    const h = history(30, 4, 9);
    for (const pct of [0, 100]) {
      const fs = new FactorSpace({ window: 10, scalePercentile: pct });
      for (let i = 0; i < 4; i++) fs.addAgent();
      for (const t of h) fs.observe(t.tick, t.orders, t.fills, { bestBid: t.bid, bestAsk: t.ask }, t.r);
      fs.compute();
      expectMatches(fs, reference(h, 4, 10, pct, h[h.length - 1]!.tick), `pct ${pct}`);
    }
    const idle = new FactorSpace({ window: 5, scalePercentile: 90 });
    for (let i = 0; i < 3; i++) idle.addAgent();
    idle.observe(1, [], [], { bestBid: 1, bestAsk: 2 }, 0.01);
    idle.compute();
    expect(Array.from(idle.weights.subarray(0, 3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(Array.from(idle.factors.subarray(0, 18))).toEqual(new Array(18).fill(0));
    expect(Array.from(idle.activity.subarray(0, 3))).toEqual([0, 0, 0]);
    const empty = new FactorSpace({ window: 5, scalePercentile: 90 });
    empty.compute();
    expect(empty.size).toBe(0);
  });

  it('restores from a checkpoint and continues identically; refuses a different window or population', () => {
    const h = history(50, 5, 13);
    const a = new FactorSpace({ window: 8, scalePercentile: 90 });
    for (let i = 0; i < 5; i++) a.addAgent();
    for (const t of h.slice(0, 30)) a.observe(t.tick, t.orders, t.fills, { bestBid: t.bid, bestAsk: t.ask }, t.r);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = new FactorSpace({ window: 8, scalePercentile: 90 });
    for (let i = 0; i < 5; i++) b.addAgent();
    b.loadState(saved);
    for (const t of h.slice(30)) {
      a.observe(t.tick, t.orders, t.fills, { bestBid: t.bid, bestAsk: t.ask }, t.r);
      b.observe(t.tick, t.orders, t.fills, { bestBid: t.bid, bestAsk: t.ask }, t.r);
      a.compute();
      b.compute();
      expect(Array.from(b.factors.subarray(0, 30))).toEqual(Array.from(a.factors.subarray(0, 30)));
      expect(Array.from(b.weights.subarray(0, 5))).toEqual(Array.from(a.weights.subarray(0, 5)));
    }
    const wrongWindow = new FactorSpace({ window: 9, scalePercentile: 90 });
    for (let i = 0; i < 5; i++) wrongWindow.addAgent();
    expect(() => wrongWindow.loadState(saved, 'fs')).toThrow('fs: expected 9 tick slots (the factor window)');
    const fewer = new FactorSpace({ window: 8, scalePercentile: 90 });
    fewer.addAgent();
    expect(() => fewer.loadState(saved)).toThrow('FactorSpace: snapshot has 5 agents, this factor space 1');
    expect(() => new FactorSpace({ window: 8, scalePercentile: 90 }).loadState(null)).toThrow(/expected 8 tick slots/);
    expect(() => new FactorSpace({ window: 1, scalePercentile: 90 })).toThrow('FactorSpace window must be an integer >= 2 ticks, got 1');
    expect(() => new FactorSpace({ window: 2.5, scalePercentile: 90 })).toThrow(/got 2.5/);
    const nine = new FactorSpace({ window: 3, scalePercentile: 90 });
    for (let i = 0; i < 9; i++) nine.addAgent();
    expect(() => nine.observe(1, [{ agent: 9, side: 'BID', type: 'LIMIT', price: 1, qty: 1 }], [], { bestBid: null, bestAsk: null }, 0)).toThrow('FactorSpace: agent index 9 is not registered (0..8); call addAgent() first');
    expect(() => nine.observe(1, [], [{ buyer: 0, seller: -1, price: 1, qty: 1, aggressor: 'BID' }], { bestBid: null, bestAsk: null }, 0)).toThrow(/agent index -1/);
  });
});
