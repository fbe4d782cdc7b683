import { describe, expect, it } from 'vitest';
import { Diagnostics, type AgentDiagnostics, type DiagnosticsFill } from '../../src/analytics/diagnostics.js';
import { autocorrelation, excessKurtosis } from '../../src/analytics/stats.js';
import { Rng } from '../../src/rng.js';

// Diagnostics against a direct computation from each agent's whole history (the definitions of
// docs/MODEL.md §5, written the slow way): several agents, one joining late, one with a starting
// PnL, fills on both sides with both aggressors, a window that wraps several times.

const W = 12;
const opts = { window: W, minSharpeChanges: 5, minStd: 1e-8, ticksPerYear: 400 };

interface Hist {
  levels: number[]; // PnL levels; levels[0] is the reference (initial PnL or first observed)
  inv: number[]; // |inventory| at each change
  traded: number[]; // quantity traded in the tick of each change
  spread: number;
  impact: number;
  fills: number;
  qty: number;
  lastInv: number;
}

function reference(h: Hist): Omit<AgentDiagnostics, 'pnl'> & { pnl: number } {
  const all = h.levels.slice(1).map((l, k) => l - h.levels[k]!);
  const c = Math.min(all.length, W);
  const ch = all.slice(all.length - c);
  const first = h.levels[h.levels.length - 1 - c]!;
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, b) => a + (b - meanOf(xs)) ** 2, 0) / (xs.length - 1));
  const ann = Math.sqrt(opts.ticksPerYear);
  const sharpeOf = (xs: number[]) => (xs.length < Math.max(opts.minSharpeChanges, 2) || !(sd(xs) > opts.minStd) ? null : (meanOf(xs) / sd(xs)) * ann);
  let peak = first;
  let mdd = 0;
  let level = first;
  for (const d of ch) {
    level += d;
    peak = Math.max(peak, level);
    mdd = Math.max(mdd, peak - level);
  }
  const down = Math.sqrt(ch.reduce((a, d) => a + (d < 0 ? d * d : 0), 0) / c);
  const nonzero = ch.filter((d) => d !== 0).length;
  const invW = h.inv.slice(h.inv.length - c);
  const trW = h.traded.slice(h.traded.length - c);
  return {
    pnl: h.levels[h.levels.length - 1]!,
    sharpe: sharpeOf(ch),
    sharpe_full: sharpeOf(all),
    sortino: c >= opts.minSharpeChanges && c > 0 && down > opts.minStd ? (meanOf(ch) / down) * ann : null,
    max_drawdown: mdd,
    hit_rate: nonzero > 0 ? ch.filter((d) => d > 0).length / nonzero : null,
    excess_kurtosis: c >= 4 ? excessKurtosis(ch) : null,
    abs_change_autocorr: c > 2 ? autocorrelation(ch.map(Math.abs), 1) : null,
    turnover: (c > 0 ? meanOf(trW) : 0) / Math.max(c > 0 ? meanOf(invW) : h.lastInv, 1),
    spread_cost: h.spread,
    impact_cost: h.impact,
    fill_count: h.fills,
    avg_fill_size: h.fills > 0 ? h.qty / h.fills : 0,
    inventory: h.lastInv,
    window_changes: c,
  };
}

function expectClose(got: AgentDiagnostics, want: ReturnType<typeof reference>, label: string): void {
  for (const [k, v] of Object.entries(want)) {
    const g = got[k];
    if (v === null || g === null) expect(g, `${label} ${k}`).toBe(v);
    else expect(g, `${label} ${k}`).toBeCloseTo(v as number, 7);
  }
}

describe('Diagnostics against the definitions, computed from the whole history', () => {
  it('every figure of every agent on every tick, through window wraps, late joins and fills on both sides', () => {
    const rng = new Rng(8);
    const d = new Diagnostics(opts);
    const hist: Hist[] = [];
    const ids: number[] = [];
    const join = (initial?: number) => {
      ids.push(d.addAgent(initial));
      hist.push({ levels: initial === undefined ? [] : [initial], inv: [], traded: [], spread: 0, impact: 0, fills: 0, qty: 0, lastInv: 0 });
    };
    join();
    join(1000);
    join();
    const pnl = [0, 1000, 50];
    const inv = [0, 0, 0];
    let mid = 100;
    for (let t = 0; t < 60; t++) {
      if (t === 17) {
        join(-20);
        pnl.push(-20);
        inv.push(0);
      }
      if (t === 23) {
        join();
        pnl.push(7);
        inv.push(0);
      }
      const n = ids.length;
      const fills: DiagnosticsFill[] = [];
      const tradedNow = new Array<number>(n).fill(0);
      const pre = mid;
      mid = Math.max(1, mid + Math.round(rng.normal(0, 1) * 4) / 4);
      const nf = Math.floor(rng.next() * 3);
      for (let f = 0; f < nf; f++) {
        const buyer = Math.floor(rng.next() * n);
        const seller = (buyer + 1 + Math.floor(rng.next() * (n - 1))) % n;
        const qty = 1 + Math.floor(rng.next() * 5);
        const price = pre + (rng.next() - 0.5) * 2;
        const aggressor = rng.next() < 0.5 ? 'BID' : 'ASK';
        fills.push({ buyer, seller, price, qty, aggressor });
        const taker = aggressor === 'BID' ? buyer : seller;
        hist[taker]!.spread += Math.abs(price - pre) * qty;
        const adverse = aggressor === 'BID' ? mid - pre : pre - mid;
        if (adverse > 0) hist[taker]!.impact += adverse * qty;
        for (const a of [buyer, seller]) {
          hist[a]!.fills++;
          hist[a]!.qty += qty;
          tradedNow[a]! += qty;
        }
        inv[buyer]! += qty;
        inv[seller]! -= qty;
      }
      for (let i = 0; i < n; i++) {
        // Agent 0 stays flat for a while (no Sharpe), then moves; the rest random, with exact zeros.
        const step = i === 0 && t < 30 ? 0 : rng.next() < 0.2 ? 0 : Math.round(rng.normal(0.1 * (i - 1), 3) * 100) / 100;
        pnl[i]! += step;
        const h = hist[i]!;
        if (h.levels.length > 0) {
          h.inv.push(Math.abs(inv[i]!));
          h.traded.push(tradedNow[i]!);
        }
        h.levels.push(pnl[i]!);
        h.lastInv = inv[i]!;
      }
      d.observe(fills, pre, mid, pnl, inv);
      for (let i = 0; i < n; i++) expectClose(d.agent(i), reference(hist[i]!), `t=${t} agent ${i}`);
    }
    expect(d.size).toBe(5);
  });

  it('an agent registered without a PnL yet reports zeros; the first observation is its reference', () => {
    const d = new Diagnostics(opts);
    d.addAgent();
    const a = d.agent(0);
    expect(a).toMatchObject({ pnl: 0, sharpe: null, sharpe_full: null, sortino: null, max_drawdown: 0, hit_rate: null, window_changes: 0, turnover: 0, avg_fill_size: 0 });
    d.observe([], 1, 1, [500], [-3]);
    expect(d.agent(0)).toMatchObject({ pnl: 500, window_changes: 0, inventory: -3, turnover: 0 });
    d.observe([], 1, 1, [510], [-3]);
    expect(d.agent(0)).toMatchObject({ pnl: 510, window_changes: 1, hit_rate: 1 });
    // A starting PnL is the reference of the first change.
    const s = new Diagnostics(opts);
    s.addAgent(100);
    s.observe([], 1, 1, [90], [0]);
    expect(s.agent(0)).toMatchObject({ pnl: 90, window_changes: 1, max_drawdown: 10, hit_rate: 0 });
  });

  it('PnL arrays shorter than the agents leave the rest untouched', () => {
    const d = new Diagnostics(opts);
    d.addAgent(0);
    d.addAgent(0);
    d.observe([], 1, 1, [5], [1]);
    expect(d.agent(0).window_changes).toBe(1);
    expect(d.agent(1).window_changes).toBe(0);
    d.observe([], 1, 1, [6, 3], [1]);
    expect(d.agent(1).window_changes).toBe(0);
  });

  it('the rolling Sharpe’s threshold counts changes; sortino needs downside above minStd', () => {
    const d = new Diagnostics({ ...opts, minSharpeChanges: 3 });
    d.addAgent(0);
    d.observe([], 1, 1, [1], [0]);
    d.observe([], 1, 1, [3], [0]);
    expect(d.sharpe(0)).toBeNull();
    expect(d.sharpeFull(0)).toBeNull();
    d.observe([], 1, 1, [4], [0]);
    // changes 1, 2, 1: mean 4/3, sd sqrt(1/3)
    expect(d.sharpe(0)).toBeCloseTo((4 / 3 / Math.sqrt(1 / 3)) * 20, 9);
    expect(d.sharpeFull(0)).toBeCloseTo((4 / 3 / Math.sqrt(1 / 3)) * 20, 9);
    // No losing change: no downside deviation, no Sortino.
    expect(d.agent(0).sortino).toBeNull();
    d.observe([], 1, 1, [2], [0]);
    // changes 1, 2, 1, -2: downside sqrt(4 / 4) = 1, mean 0.5
    expect(d.agent(0).sortino).toBeCloseTo(0.5 * 20, 9);
    // minSharpeChanges below 2 still needs 2 changes for a std.
    const two = new Diagnostics({ ...opts, minSharpeChanges: 1 });
    two.addAgent(0);
    two.observe([], 1, 1, [1], [0]);
    expect(two.sharpe(0)).toBeNull();
    expect(two.sharpeFull(0)).toBeNull();
    expect(two.agent(0).sortino).toBeNull();
    two.observe([], 1, 1, [0], [0]);
    expect(two.sharpe(0)).toBe(0);
    expect(two.agent(0).sortino).toBe(0);
  });

  it('rejects a bad window and an unregistered agent, saying what was wrong', () => {
    expect(() => new Diagnostics({ ...opts, window: 1 })).toThrow(/diagnostics.window must be an integer >= 2, got 1/);
    expect(() => new Diagnostics({ ...opts, window: 2.5 })).toThrow(/got 2.5/);
    expect(new Diagnostics({ ...opts, window: 2 }).opts.window).toBe(2);
    const d = new Diagnostics(opts);
    d.addAgent();
    expect(() => d.agent(1)).toThrow(/agent index 1 is not registered \(0\.\.0\)/);
    expect(() => d.agent(-1)).toThrow(RangeError);
    expect(() => d.agent(0.5)).toThrow(RangeError);
  });

  it('restores exactly from a checkpoint (and one written before the full-run Sharpe), refusing a mismatched one', () => {
    const rng = new Rng(4);
    const a = new Diagnostics(opts);
    for (let i = 0; i < 9; i++) a.addAgent(i === 0 ? 10 : undefined);
    const pnl = new Array(9).fill(0);
    const inv = new Array(9).fill(0);
    const run = (d: Diagnostics, ticks: number, r: Rng) => {
      for (let t = 0; t < ticks; t++) {
        for (let i = 0; i < 9; i++) {
          pnl[i] += r.normal(0, 1);
          inv[i] = Math.round(r.normal(0, 3));
        }
        d.observe([{ buyer: 1, seller: 2, price: 100.5, qty: 2, aggressor: 'ASK' }], 100, 99.5, pnl, inv);
      }
    };
    run(a, 30, rng);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = new Diagnostics(opts);
    for (let i = 0; i < 9; i++) b.addAgent();
    b.loadState(saved);
    const pnlCopy = [...pnl];
    const invCopy = [...inv];
    run(a, 20, new Rng(9));
    pnl.splice(0, 9, ...pnlCopy);
    inv.splice(0, 9, ...invCopy);
    run(b, 20, new Rng(9));
    for (let i = 0; i < 9; i++) expect(b.agent(i)).toEqual(a.agent(i));
    expect(b.leaderboard(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'])).toEqual(a.leaderboard(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']));
    // Seller-side taker: the ASK aggressor (agent 2) pays the spread and the adverse move.
    expect(a.agent(2).spread_cost).toBeCloseTo(50 * 0.5 * 2, 9);
    expect(a.agent(2).impact_cost).toBeCloseTo(50 * 0.5 * 2, 9);
    expect(a.agent(1).spread_cost).toBe(0);

    const old = { ...saved };
    delete old.fullRun;
    const c = new Diagnostics(opts);
    for (let i = 0; i < 9; i++) c.addAgent();
    c.loadState(old);
    expect(c.sharpeFull(3)).toBeNull();
    expect(c.agent(3).sharpe).toBe(b.agent(3).sharpe === null ? null : c.agent(3).sharpe);

    const fewer = new Diagnostics(opts);
    fewer.addAgent();
    expect(() => fewer.loadState(saved, 'here')).toThrow(/here: snapshot has 9 agents, these diagnostics 1/);
    const other = new Diagnostics({ ...opts, window: W + 1 });
    for (let i = 0; i < 9; i++) other.addAgent();
    expect(() => other.loadState(saved)).toThrow(/Diagnostics: snapshot window does not match diagnostics.window 13/);
  });

  it('leaderboard: ties by id, then index; nulls last and ordered by id', () => {
    const d = new Diagnostics({ ...opts, minSharpeChanges: 2 });
    for (let i = 0; i < 5; i++) d.addAgent(0);
    // 0, 1: flat (null); 2, 3: identical; 4: better
    const steps = [[0, 0, 1, 1, 2], [0, 0, 2, 2, 3], [0, 0, 1, 1, 2]];
    const p = [0, 0, 0, 0, 0];
    for (const s of steps) {
      s.forEach((x, i) => (p[i] += x));
      d.observe([], 1, 1, p, [0, 0, 0, 0, 0]);
    }
    expect(d.leaderboard(['e', 'd', 'x', 'x', 'a'])).toEqual([4, 2, 3, 1, 0]);
    expect(d.leaderboard(['a', 'b', 'c', 'b', 'z'])).toEqual([4, 3, 2, 0, 1]);
    // Fewer ids than agents: only those ranked.
    expect(d.leaderboard(['a', 'b'])).toEqual([0, 1]);
  });
});

describe('Diagnostics boundaries from the mutation run', () => {
  it('a std exactly at minStd gives no Sharpe (and downside exactly at minStd no Sortino)', () => {
    // changes 1, −1: std (ddof 1) √2, downside √(1/2)
    const at = (minStd: number) => {
      const d = new Diagnostics({ ...opts, minSharpeChanges: 2, minStd });
      d.addAgent(0);
      d.observe([], 1, 1, [1], [0]);
      d.observe([], 1, 1, [0], [0]);
      return d;
    };
    expect(at(Math.SQRT2).sharpe(0)).toBeNull();
    expect(at(Math.SQRT2).sharpeFull(0)).toBeNull();
    expect(at(Math.SQRT2 * 0.999).sharpe(0)).toBe(0);
    expect(at(Math.SQRT2 * 0.999).sharpeFull(0)).toBe(0);
    expect(at(Math.SQRT1_2).agent(0).sortino).toBeNull();
    expect(at(Math.SQRT1_2 * 0.999).agent(0).sortino).toBe(0);
  });

  it('leaderboard: an agent without a Sharpe ranks below one with a negative Sharpe; identical agents keep index order', () => {
    const d = new Diagnostics({ ...opts, minSharpeChanges: 2 });
    for (let i = 0; i < 6; i++) d.addAgent(0);
    const steps = [[0, -1, -2, 1, 1, 1], [0, -2, -1, 2, 2, 2], [0, -1, -3, 1, 1, 1]];
    const p = [0, 0, 0, 0, 0, 0];
    for (const s of steps) {
      s.forEach((x, i) => (p[i] += x));
      d.observe([], 1, 1, p, [0, 0, 0, 0, 0, 0]);
    }
    expect(d.sharpe(0)).toBeNull();
    expect(d.sharpe(1)!).toBeLessThan(0);
    const negatives = d.sharpe(1)! > d.sharpe(2)! ? [1, 2] : [2, 1];
    expect(d.sharpe(1)).not.toBe(d.sharpe(2));
    expect(d.leaderboard(['a', 'b', 'c', 's', 's', 's'])).toEqual([3, 4, 5, ...negatives, 0]);
    expect(d.leaderboard(['z', 'b', 'c', 'x', 'x', 'x']).slice(0, 3)).toEqual([3, 4, 5]);
  });

  it('a checkpoint from before the full-run Sharpe resets it, even in diagnostics that already ran', () => {
    const d = new Diagnostics({ ...opts, minSharpeChanges: 2 });
    d.addAgent(0);
    for (const p of [1, 3, 2, 5]) d.observe([], 1, 1, [p], [0]);
    const saved = JSON.parse(JSON.stringify(d.saveState()));
    delete saved.fullRun;
    const used = new Diagnostics({ ...opts, minSharpeChanges: 2 });
    used.addAgent(0);
    for (const p of [2, 9, 4, 7]) used.observe([], 1, 1, [p], [0]);
    expect(used.sharpeFull(0)).not.toBeNull();
    used.loadState(saved);
    expect(used.sharpeFull(0)).toBeNull();
    expect(used.sharpe(0)).toBe(d.sharpe(0));
    expect(() => used.loadState({ ...JSON.parse(JSON.stringify(d.saveState())), fullRun: 3 }, 'w')).toThrow(/w\.fullRun/);
  });
});
