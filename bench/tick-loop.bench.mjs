// Full tick loop throughput (docs/MODEL.md §2 pipeline, events included): the default market (the seed's
// 8 strategies on the background of 1,000 noise + 100 value traders, aggregated, and 2 ladder
// makers: 12 agent rows) and the seed preset at several population sizes, analytics off and on,
// measured side by side in one process. The original Python implementation
// ran ~160 ticks/s at 8 agents and ~0.7 at 1,000 on this machine (figures from the issue): ratios
// against those are printed for reference.
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

function measure(n, analytics, seconds) {
  const sim = new Simulation({ seed: 42, analytics, population: population(n) });
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
  const rows = [];
  for (const n of sizes) {
    for (const analytics of [false, true]) {
      const rounds = [];
      for (let r = 0; r < 3; r++) rounds.push(measure(n, analytics, seconds / 3));
      const median = (k) => rounds.map((x) => x[k]).sort((a, b) => a - b)[1];
      const wall = median('wall');
      const cpu = median('cpu');
      const py = PYTHON_TICKS_PER_SEC[n];
      rows.push({
        agents: n === 'market' ? 'default market (12 rows)' : `seed preset, ${n}`,
        analytics,
        'ticks/s wall': Math.round(wall),
        'ticks per CPU-s': Math.round(cpu),
        'vs Python original (CPU)': py ? `${(cpu / py).toFixed(0)}x` : '',
      });
    }
  }
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(`load average ${load} on ${(await import('node:os')).availableParallelism()} cores; median of 3 rounds`);
  console.table(rows);
}
