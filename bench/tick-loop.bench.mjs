// Full tick loop throughput (docs/MODEL.md §2 pipeline, events included): the default market (the seed's
// 8 strategies on the background of 1,000 noise + 100 value traders, aggregated, and 2 ladder
// makers: 12 agent rows) and the seed preset at several population sizes, analytics off and on,
// measured side by side in one process. The original Python implementation
// ran ~160 ticks/s at 8 agents and ~0.7 at 1,000 on this machine (figures from the issue): ratios
// against those are printed for reference.
//
// BENCH_BASELINE=/path/to/other/packages/engine/dist measures that build's Simulation in the same
// process, round by round beside this one, and prints this/baseline ratios (the figure to trust on
// a loaded machine). The "analytics on, TICK agent_stats off" row is the same market with
// `tickAgentStats: false` (a run where nobody reads every agent's stats each tick); builds without
// that option ignore it.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { Simulation } from '../packages/engine/dist/index.js';

const PYTHON_TICKS_PER_SEC = { 8: 160, 1000: 0.7 };

/** 'market': the default market; a number: the seed preset with n agents in its 3:3:2 proportions. */
function population(n) {
  if (n === 'market') return 'market';
  if (n === 8) return { preset: 'seed', momentum: 3, meanReversion: 3, marketMakers: 2 };
  const momentum = Math.round((n * 3) / 8);
  const meanReversion = Math.round((n * 3) / 8);
  return { preset: 'seed', momentum, meanReversion, marketMakers: n - momentum - meanReversion };
}

function measure(Sim, n, analytics, seconds, tickAgentStats = true) {
  const sim = new Sim({ seed: 42, analytics, population: population(n) }, { tickAgentStats });
  const warm = n === 'market' ? 2000 : Math.max(20, Math.min(2000, Math.round(20000 / n)));
  for (let i = 0; i < warm; i++) sim.step();
  let ticks = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let now = start;
  while (now - start < seconds * 1000) {
    for (let k = 0; k < 10; k++) sim.step();
    ticks += 10;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpu0);
  // CPU time is the steadier figure on a shared machine; wall time is what a user waits.
  return { wall: (ticks / (now - start)) * 1000, cpu: ticks / ((cpu.user + cpu.system) / 1e6) };
}

export async function run() {
  const sizes = (process.env.BENCH_AGENTS ?? 'market,8,100,1000').split(',').map((x) => (x === 'market' ? x : Number(x)));
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const baseDir = process.env.BENCH_BASELINE;
  const Base = baseDir ? (await import(pathToFileURL(path.join(path.resolve(baseDir), 'index.js')).href)).Simulation : null;
  const rows = [];
  for (const n of sizes) {
    const variants = [
      { analytics: false, tickAgentStats: true, label: 'off' },
      { analytics: true, tickAgentStats: true, label: 'on' },
      ...(n === 'market' ? [{ analytics: true, tickAgentStats: false, label: 'on, TICK agent_stats off' }] : []),
    ];
    for (const v of variants) {
      const rounds = [];
      const baseRounds = [];
      for (let r = 0; r < 3; r++) {
        rounds.push(measure(Simulation, n, v.analytics, seconds / 3, v.tickAgentStats));
        if (Base) baseRounds.push(measure(Base, n, v.analytics, seconds / 3, v.tickAgentStats));
      }
      const median = (xs, k) => xs.map((x) => x[k]).sort((a, b) => a - b)[1];
      const wall = median(rounds, 'wall');
      const cpu = median(rounds, 'cpu');
      const py = PYTHON_TICKS_PER_SEC[n];
      rows.push({
        agents: n === 'market' ? 'default market (12 rows)' : `seed preset, ${n}`,
        analytics: v.label,
        'ticks/s wall': Math.round(wall),
        'ticks per CPU-s': Math.round(cpu),
        ...(Base
          ? { 'baseline ticks per CPU-s': Math.round(median(baseRounds, 'cpu')), 'this / baseline (CPU)': (cpu / median(baseRounds, 'cpu')).toFixed(2) }
          : { 'vs Python original (CPU)': py ? `${(cpu / py).toFixed(0)}x` : '' }),
      });
    }
  }
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(`load average ${load} on ${(await import('node:os')).availableParallelism()} cores; median of 3 rounds${Base ? `; baseline ${baseDir}` : ''}`);
  console.table(rows);
}
