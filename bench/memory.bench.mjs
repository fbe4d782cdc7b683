// Flat memory over a long run: every history in the engine is bounded, so RSS after warm-up
// should not grow with the tick count. BENCH_TICKS (default 1,000,000) ticks of the default
// market with analytics off; RSS and heap sampled every 10% after a forced GC when available.
import { Simulation } from '../packages/engine/dist/index.js';

export async function run() {
  const total = Number(process.env.BENCH_TICKS ?? 1_000_000);
  const analytics = process.env.BENCH_ANALYTICS === '1';
  const sim = new Simulation({ seed: 42, analytics });
  const every = Math.max(1, Math.floor(total / 10));
  const rows = [];
  const start = performance.now();
  for (let t = 1; t <= total; t++) {
    sim.step();
    if (t % every === 0) {
      globalThis.gc?.();
      const m = process.memoryUsage();
      rows.push({ tick: t, 'rss MB': +(m.rss / 2 ** 20).toFixed(1), 'heapUsed MB': +(m.heapUsed / 2 ** 20).toFixed(1), 'ticks/s': Math.round((t / (performance.now() - start)) * 1000) });
    }
  }
  console.log(`analytics ${analytics ? 'on' : 'off'}; gc ${globalThis.gc ? 'forced before each sample' : 'not exposed (run node with --expose-gc for steadier figures)'}`);
  console.table(rows);
}
