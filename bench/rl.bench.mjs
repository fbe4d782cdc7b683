// Learning agents (#18): action selection per agent per tick, one PPO update over 2,048
// transitions with a 64×64 network, the default market with 4 learning agents (updates included),
// the worst tick with a large network updated whole vs split over ticks, and MarketEnv vectorised
// steps/s for K = 1, 8, 64. All in one process, side by side.
import { PpoLearner, Rng, Simulation, VectorMarketEnv, defaultConfig } from '../packages/engine/dist/index.js';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Per-call times of every rl agent's onTick (observe + reward + decide + any update share). */
function actionSelection(ticks, rlPpo = {}) {
  const sim = new Simulation({ seed: 42, population: { rl: 4 }, rlPpo });
  const times = [];
  const updateTicks = [];
  for (const id of sim.agentIds().filter((x) => x.startsWith('rl_'))) {
    const agent = sim.getAgent(id);
    const orig = agent.onTick.bind(agent);
    agent.onTick = (s) => {
      const before = agent.diagnostics().rl_updates;
      const t0 = performance.now();
      const out = orig(s);
      const dt = performance.now() - t0;
      if (agent.diagnostics().rl_updates !== before) updateTicks.push(dt);
      else times.push(dt);
      return out;
    };
  }
  for (let t = 0; t < ticks; t++) sim.step();
  return { times, updateTicks };
}

function updateTime(rounds) {
  const hp = { ...defaultConfig().rlPpo, hiddenLayers: 2, hiddenUnits: 64, rolloutLength: 2048, minibatchSize: 64, epochs: 4 };
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const learner = new PpoLearner(14, 7, hp, new Rng(r));
    const rng = new Rng(100 + r);
    for (let t = 0; t < 2048; t++) {
      const obs = Array.from({ length: 14 }, () => rng.normal(0, 1));
      const d = learner.decide(obs, rng.next(), true);
      learner.record(0, d, rng.normal(0, 0.1), false);
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    learner.update([learner.normalize(new Float64Array(14), false)], 2048, rng);
    const c = process.cpuUsage(c0);
    out.push({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 });
  }
  return out;
}

function marketThroughput(seconds, rlPpo = {}, minTicks = 0) {
  const sim = new Simulation({ seed: 7, population: { rl: 4 }, rlPpo });
  for (let i = 0; i < 300; i++) sim.step();
  const tickMs = [];
  const tickCpu = [];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let n = 0;
  while (performance.now() - start < seconds * 1000 || n < minTicks) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sim.step();
    tickMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    tickCpu.push((c.user + c.system) / 1000);
    n++;
  }
  const wall = performance.now() - start;
  const cpuAll = process.cpuUsage(cpuStart);
  const updates = sim.agentIds().filter((x) => x.startsWith('rl_')).reduce((a, id) => a + sim.agentStats(id).extra.rl_updates, 0);
  return {
    ticksPerSec: (n / wall) * 1000,
    ticksPerCpuSec: n / ((cpuAll.user + cpuAll.system) / 1e6),
    maxTick: Math.max(...tickMs),
    maxTickCpu: Math.max(...tickCpu),
    p99: quantile(tickMs, 0.99),
    updates,
    ticks: n,
  };
}

function vecSteps(K, seconds) {
  const vec = new VectorMarketEnv(K, { episodeTicks: 1000 });
  vec.reset(1);
  const rng = new Rng(5);
  const actions = new Array(K).fill(0);
  for (let i = 0; i < 20; i++) vec.step(actions.map(() => rng.int(0, 6)));
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    vec.step(actions.map(() => rng.int(0, 6)));
    steps += K;
  }
  return (steps / (performance.now() - start)) * 1000;
}

export async function run() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const sel = actionSelection(3000);
  const upd = updateTime(3);
  const big = { hiddenLayers: 2, hiddenUnits: 64, rolloutLength: 2048, minibatchSize: 64 };
  const rows = [
    { measure: 'action selection per agent per tick (median, default 1×32 net)', value: `${median(sel.times).toFixed(4)} ms`, target: '<= 0.2 ms' },
    { measure: 'action selection p99', value: `${quantile(sel.times, 0.99).toFixed(4)} ms`, target: '' },
    { measure: 'one agent tick that ran an update, default net (median)', value: `${median(sel.updateTicks).toFixed(2)} ms`, target: '' },
    {
      measure: 'one update, 2,048 transitions, 64×64, 4 epochs × 32 minibatches (median of 3)',
      value: `${median(upd.map((u) => u.cpu)).toFixed(0)} ms CPU (${median(upd.map((u) => u.wall)).toFixed(0)} ms wall)`,
      target: '<= 1000 ms',
    },
  ];
  const def = marketThroughput(seconds);
  rows.push({
    measure: 'default market + 4 learning agents (analytics on), updates included',
    value: `${Math.round(def.ticksPerSec)} ticks/s wall, ${Math.round(def.ticksPerCpuSec)} per CPU-s (${def.updates} updates)`,
    target: '>= 1000 ticks/s',
  });
  rows.push({ measure: '  worst tick wall / CPU, p99 wall', value: `${def.maxTick.toFixed(1)} / ${def.maxTickCpu.toFixed(1)} ms, ${def.p99.toFixed(2)} ms`, target: '<= 100 ms' });
  for (const [label, split] of [
    ['whole update in one tick (updateWorkPerTick 0)', { minibatchesPerTick: 0, updateWorkPerTick: 0 }],
    ['automatic split (default updateWorkPerTick)', {}],
    ['minibatchesPerTick 1', { minibatchesPerTick: 1 }],
  ]) {
    const mpt = split.updateWorkPerTick === 0 ? 0 : 1;
    // 2,048 ticks fill the rollouts, then up to 128 ticks to finish a split update.
    const r = marketThroughput(0, { ...big, ...split }, 2048 + 128 + 50);
    rows.push({
      measure: `4 learners 64×64 / 2,048, ${label}: worst tick wall / CPU, p99 wall`,
      value: `${r.maxTick.toFixed(1)} / ${r.maxTickCpu.toFixed(1)} ms, ${r.p99.toFixed(2)} ms (${Math.round(r.ticksPerSec)} ticks/s, ${r.updates} updates)`,
      target: mpt ? '<= 100 ms' : '',
    });
  }
  for (const K of [1, 8, 64]) rows.push({ measure: `VectorMarketEnv K=${K} (default market, random actions)`, value: `${Math.round(vecSteps(K, seconds))} env steps/s`, target: '' });
  console.table(rows);
}
