// What the sandbox benches (sandbox.bench.mjs: TypeScript; python.bench.mjs: Python beside
// TypeScript) share: the in-process twin of their trivial quoting strategy, realistic market
// states, per-process CPU readings from /proc and the quantile/format helpers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BaseAgent, Simulation } from '../packages/engine/dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The sandbox builds to measure: this checkout's, and with BENCH_BASELINE=<another checkout's
 * packages/sandbox/dist> (a worktree with its node_modules, e.g. at main before a change) that
 * one too, so both run in the same process, round by round. Each is the package's index and
 * internal exports plus a label.
 */
export async function sandboxBuilds() {
  const dirs = [['this', path.join(here, '..', 'packages', 'sandbox', 'dist')]];
  if (process.env.BENCH_BASELINE) dirs.push(['baseline', path.resolve(process.env.BENCH_BASELINE)]);
  return Promise.all(
    dirs.map(async ([label, dir]) => ({
      label,
      ...(await import(pathToFileURL(path.join(dir, 'index.js')).href)),
      ...(await import(pathToFileURL(path.join(dir, 'internal.js')).href)),
    })),
  );
}

/** "this / baseline" of two figures, for the side-by-side lines. */
export const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

/** The trivial quoter as a sandboxed TypeScript strategy. */
export const TRIVIAL_SOURCE = `class Quoter extends BaseAgent {
  onTick(state) {
    // Requote only when flat on resting orders, so the state (openOrders) stays small.
    if (state.bestBid === null || state.bestAsk === null || state.openOrders.length > 0) return [];
    const skew = state.position * state.tickSize;
    return [limit(Side.BID, state.bestBid - skew, 2), limit(Side.ASK, state.bestAsk - skew, 2)];
  }
  factorVector() { return [0.5, 1, 0, 0, 0, 0.2]; }
}`;

/** The trivial quoter's logic as an in-process agent (the baseline every sandboxed run is compared with). */
export class BuiltinQuoter extends BaseAgent {
  onTick(state) {
    if (state.bestBid === null || state.bestAsk === null || state.openOrders.length > 0) return [];
    const skew = state.position * state.tickSize;
    return [
      { side: 'BID', type: 'LIMIT', price: this.roundPrice(state.bestBid - skew), qty: 2 },
      { side: 'ASK', type: 'LIMIT', price: this.roundPrice(state.bestAsk - skew), qty: 2 },
    ];
  }
  factorVector() {
    return [0.5, 1, 0, 0, 0, 0.2];
  }
}

/** CPU ms (user + system) a process has used, from /proc/<pid>/stat (Linux; clock ticks of 10 ms); NaN when gone. */
export function procCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export const hostCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(3)} ms` : `${(ms * 1000).toFixed(1)} µs`);

/** Realistic states: a warmed-up default market with both sides quoted, one state per agent id. */
export function marketStates(ids) {
  const sim = new Simulation({ seed: 11 });
  for (let i = 0; i < 200; i++) sim.step();
  // A state with both sides of the book quoted (the quoter answers only then).
  let req = sim.prepareTick();
  for (let i = 0; i < 5_000 && (req.states.values().next().value.bestBid === null || req.states.values().next().value.bestAsk === null); i++) {
    sim.completeTick(sim.runLocalAgents(req));
    req = sim.prepareTick();
  }
  const base = req.states.values().next().value;
  return new Map(ids.map((id) => [id, { ...base, agentId: id, position: 0, openOrders: [] }]));
}
