// Crowding + analytics facade cost, measured alone (no book, no agents): MarketAnalytics.endTick +
// executionMultipliers on synthetic ticks at N = 10 / 100 / 1,000 / 5,000 agents, once with the
// CROWDING_MATRIX_UPDATED payload left unread (a CLI run) and once serialised with JSON.stringify
// every tick (a served market: this forces the lazy all-pairs pass for matrix and top pairs).
// Then the crowding update alone at 5,000: CrowdingMatrix.compute (Phi, intensity, multipliers,
// O(N)), the all-pairs pass for the top pairs only, and the all-pairs pass writing the N×N matrix.
// Each agent sends one order per tick and about a quarter of them trade, a busier flow than the
// built-in population produces.
// Budgets from the issue (full tick loop with analytics): >= 10,000 ticks/s at 8 agents (100 µs
// a tick), >= 1,000 at 100 (1 ms), >= 50 at 1,000 (20 ms); the crowding update alone >= 20/s at 5,000.
import { CrowdingMatrix, MarketAnalytics, Rng, Simulation, resolveConfig } from '../packages/engine/dist/index.js';
import { similarityPass } from '../packages/engine/dist/internal.js';

const BUDGET_US = { 10: 100, 100: 1000, 1000: 20000 };

function depth(mid, rng) {
  const lv = (start, step) =>
    Array.from({ length: 10 }, (_, k) => ({ price: +(start + k * step).toFixed(4), qty: 5 + Math.floor(rng.next() * 20), orders: 1 }));
  return { bids: lv(mid - 0.03, -0.01), asks: lv(mid + 0.03, 0.01), bestBid: mid - 0.03, bestAsk: mid + 0.03, mid, spread: 0.06 };
}

/** A pool of synthetic ticks cycled through during timing (so generation is not measured). */
function makeTicks(n, count, rng) {
  const ticks = [];
  let mid = 100;
  const pnl = new Float64Array(n);
  const inv = new Float64Array(n);
  for (let t = 0; t < count; t++) {
    const orders = [];
    for (let i = 0; i < n; i++) {
      const side = rng.next() < 0.5 ? 'BID' : 'ASK';
      const market = rng.next() < 0.3;
      orders.push({ agent: i, side, type: market ? 'MARKET' : 'LIMIT', price: market ? null : mid + (side === 'BID' ? -1 : 1) * 0.01 * rng.int(0, 5), qty: rng.int(1, 10) });
    }
    const fills = [];
    const nf = Math.max(1, Math.floor(n / 4));
    for (let k = 0; k < nf; k++) {
      const buyer = rng.int(0, n - 1);
      const seller = rng.int(0, n - 1);
      const qty = rng.int(1, 8);
      fills.push({ buyer, seller, price: mid + (rng.next() - 0.5) * 0.06, qty, aggressor: rng.next() < 0.5 ? 'BID' : 'ASK' });
      inv[buyer] += qty;
      inv[seller] -= qty;
    }
    const r = rng.normal(0, 0.0005);
    const pre = depth(mid, rng);
    mid *= Math.exp(r);
    for (let i = 0; i < n; i++) pnl[i] += rng.normal(0, 1);
    ticks.push({
      orders,
      fills,
      preTrade: { mid: pre.mid, bestBid: pre.bestBid, bestAsk: pre.bestAsk, depth: pre },
      postTrade: { mid, spread: 0.06, depth: depth(mid, rng) },
      logReturn: r,
      pnl: Float64Array.from(pnl),
      inventory: Float64Array.from(inv),
      cash: new Float64Array(n),
      tickSize: 0.0001,
    });
  }
  return ticks;
}

function facadeRate(n, seconds, serialise) {
  const rng = new Rng(7);
  const pool = makeTicks(n, n >= 1000 ? 8 : 64, rng);
  const a = new MarketAnalytics(resolveConfig({}), new Rng(42));
  for (let i = 0; i < n; i++) a.addAgent(`a${i}`, i % 3 === 0 ? 'momentum' : i % 3 === 1 ? 'mean_reversion' : 'market_maker');
  let tick = 0;
  const step = () => {
    const base = pool[tick % pool.length];
    a.executionMultipliers(base.orders);
    const out = a.endTick({ ...base, tick });
    if (serialise && out.crowding) JSON.stringify(out.crowding);
    tick++;
  };
  const warm = Math.max(5, Math.min(3000, Math.round(30000 / n)));
  for (let i = 0; i < warm; i++) step();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  let count = 0;
  while (now - start < seconds * 1000 || count < 3) {
    step();
    count++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  // wall µs/tick, and CPU µs/tick (user + system: less sensitive to other load on a shared machine)
  return { wall: ((now - start) * 1000) / count, cpu: (cpu.user + cpu.system) / count };
}

/** Calls per second of CPU time (user + system), robust to other load on a shared machine. */
function rate(fn, seconds) {
  fn();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  let count = 0;
  while (now - start < seconds * 1000 || count < 3) {
    fn();
    count++;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  return (count / (cpu.user + cpu.system)) * 1e6;
}

function median3(f) {
  return [f(), f(), f()].sort((x, y) => x - y)[1];
}

function median3By(f, key) {
  return [f(), f(), f()].sort((x, y) => x[key] - y[key])[1];
}

export async function run() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);
  const rows = [];
  for (const n of [10, 100, 1000, 5000]) {
    const un = median3By(() => facadeRate(n, seconds / 3, false), 'cpu');
    const ser = median3By(() => facadeRate(n, seconds / 3, true), 'cpu');
    const budget = BUDGET_US[n];
    rows.push({
      agents: n,
      'unread: wall µs/tick': +un.wall.toFixed(1),
      'unread: CPU µs/tick': +un.cpu.toFixed(1),
      'serialised: CPU µs/tick': +ser.cpu.toFixed(1),
      'full-loop budget µs': budget ?? '',
      'unread CPU / budget': budget ? `${((un.cpu / budget) * 100).toFixed(1)}%` : '',
      'serialised CPU / budget': budget ? `${((ser.cpu / budget) * 100).toFixed(1)}%` : '',
    });
  }
  console.table(rows);

  const n = 5000;
  const rng = new Rng(3);
  const factors = new Float64Array(n * 6).map(() => rng.next() * 2 - 1);
  const weights = new Float64Array(n).fill(1 / n);
  const m = new CrowdingMatrix({ phiNormalization: 'seed', kappa: 18, agentMultiplierMin: 0.2, agentMultiplierMax: 6, topPairs: 5 });
  m.compute(factors, weights, n);
  const out = new Float64Array(n * n);
  const table = [
    ['compute(): Phi, intensity, multipliers (O(N))', () => m.compute(factors, weights, n)],
    ['all-pairs pass, top pairs only', () => similarityPass(m.unit, n, 5, null)],
    ['all-pairs pass writing the N×N matrix + top pairs', () => similarityPass(m.unit, n, 5, out)],
  ].map(([step, fn]) => ({ step, 'per CPU second': +median3(() => rate(fn, seconds / 3)).toFixed(1) }));
  console.log(`crowding update alone at ${n} agents (target >= 20/s):`);
  console.table(table);

  // GET /analytics/decay at 100 agents: the first request after a 50-tick window closes refits every
  // agent, strategy type and the pooled fit with its bootstrap intervals (later requests hit the cache).
  const sim = new Simulation({ seed: 3, population: { preset: 'seed', momentum: 34, meanReversion: 33, marketMakers: 33 } });
  for (let t = 0; t < 3000; t++) sim.step();
  const cpuMs = (f) => {
    const c = process.cpuUsage();
    f();
    const d = process.cpuUsage(c);
    return (d.user + d.system) / 1000;
  };
  const first = [];
  const repeat = [];
  for (let w = 0; w < 5; w++) {
    for (let t = 0; t < 50; t++) sim.step();
    first.push(cpuMs(() => sim.decaySnapshot()));
    repeat.push(cpuMs(() => sim.decaySnapshot()));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log('decay request at 100 agents after 3,000 ticks (CPU ms, median of 5 windows):');
  console.table([{ 'first request after a window': +med(first).toFixed(1), 'repeat (cached)': +med(repeat).toFixed(2) }]);
}
