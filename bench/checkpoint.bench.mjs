// Checkpoints (engine `checkpoint()` → JSON text → `Simulation.restore`), the work the server does
// every `checkpointEvery` ticks and once on start. Since checkpoints carry the analytics state
// (so a resumed market continues bit for bit), this measures its cost side by side with the same
// market's checkpoint without analytics (`analytics: false`), at 8, 100 and 1,000 agents after
// 300 warm-up ticks. Medians of BENCH_ROUNDS (default 7) rounds; text size in KB of JSON.
import { Simulation, createBuiltinAgent } from '../packages/engine/dist/index.js';

const STRATEGIES = ['momentum', 'mean_reversion', 'market_maker'];

function market(agents, analytics) {
  const sim = new Simulation({ seed: 3, analytics });
  for (let i = sim.allAgentStats().length; i < agents; i++) {
    sim.addAgent(createBuiltinAgent(STRATEGIES[i % 3], `x${i}`, {}, sim.config));
  }
  for (let t = 0; t < 300; t++) sim.step();
  return sim;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(sim, rounds) {
  const save = [];
  const load = [];
  let text = '';
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    text = JSON.stringify(sim.checkpoint());
    save.push(performance.now() - t0);
    t0 = performance.now();
    Simulation.restore(JSON.parse(text));
    load.push(performance.now() - t0);
  }
  return { kb: text.length / 1024, save: median(save), load: median(load) };
}

export async function run() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const rows = [];
  for (const agents of [8, 100, 1000]) {
    const on = measure(market(agents, true), rounds);
    const off = measure(market(agents, false), rounds);
    rows.push({
      agents,
      'KB (analytics on)': Math.round(on.kb),
      'KB (off)': Math.round(off.kb),
      'save ms on': +on.save.toFixed(1),
      'save ms off': +off.save.toFixed(1),
      'restore ms on': +on.load.toFixed(1),
      'restore ms off': +off.load.toFixed(1),
      'save on/off': +(on.save / off.save).toFixed(1),
    });
  }
  console.table(rows);
}
