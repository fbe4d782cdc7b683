// Python strategies (issue #13), side by side with the TypeScript sandbox in one process:
// - per-tick cost of asking N trivial strategies for orders (SandboxPool.collect, waiting for
//   every answer) for N Python workers vs N TypeScript isolates vs the same logic in-process,
//   timed in interleaved rounds on the same market states;
// - a full market tick (default population + N Python strategies) vs all in-process;
// - a Python worker's start-up time (spawn of bubblewrap to the harness's ready frame, and a whole
//   deploy: + load + constructor) and its resident memory (bubblewrap + CPython + numpy).
// Budget: 10 Python strategies add <= 2 ms per tick (median), 100 add <= 20 ms.
// Skips with one line when python3/numpy/bubblewrap are missing.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { Simulation } from '../packages/engine/dist/index.js';
import { SandboxPool, compileStrategy, pythonAvailability, defaultLimits, DEFAULT_PYTHON_RUNTIME } from '../packages/sandbox/dist/index.js';
import { PythonWorker, toPythonCompiled } from '../packages/sandbox/dist/internal.js';
import { BuiltinQuoter, TRIVIAL_SOURCE, fmt, hostCpuMs, marketStates, procCpuMs, quantile } from './sandbox-common.mjs';

const PY_SOURCE = `class Quoter(BaseAgent):
    def on_tick(self, state):
        # Requote only when flat on resting orders, so the state stays small.
        if state.best_bid is None or state.best_ask is None or state.open_orders:
            return []
        skew = state.inventory * state.tick_size
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.best_bid - skew, qty=2),
                Order(agent_id=self.agent_id, side=Side.ASK, order_type=OrderType.LIMIT, price=state.best_ask - skew, qty=2)]
    def factor_vector(self):
        return np.array([0.5, 1, 0, 0, 0, 0.2])
`;

let sink = 0; // keeps the in-process calls from being optimised away

/** A process and all its descendants (bubblewrap's pid-1 helper, then CPython). */
function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(/\s+/).map(Number));
    } catch {
      /* gone */
    }
  }
  return out;
}
function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional and private memory of a process, MB (/proc/<pid>/smaps_rollup). */
function smaps(pid) {
  try {
    const r = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(r)?.[1] ?? NaN);
    return { pss: kb('Pss') / 1024, priv: (kb('Private_Clean') + kb('Private_Dirty')) / 1024 };
  } catch {
    return { pss: NaN, priv: NaN };
  }
}

async function startup(samples) {
  const limits = defaultLimits();
  const ready = [];
  for (let i = 0; i < samples; i++) {
    const w = new PythonWorker(DEFAULT_PYTHON_RUNTIME, {
      memoryMb: limits.pythonMemoryMb,
      cpuSeconds: limits.pythonCpuSeconds,
      maxFiles: limits.pythonMaxFiles,
      spawnTimeoutMs: limits.pythonSpawnTimeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
    });
    await w.ready;
    ready.push(w.readyAt - w.spawnedAt);
    w.kill();
  }
  const pool = new SandboxPool({ workers: 1, seed: 1 });
  const code = toPythonCompiled(PY_SOURCE);
  const deploys = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await pool.deploy(`s${i}`, 'quoter', code);
    deploys.push(performance.now() - t);
  }
  const states = marketStates(Array.from({ length: samples }, (_, i) => `s${i}`));
  for (let r = 0; r < 20; r++) await pool.collect(states, { waitForAll: true });
  const trees = pool.pythonWorkerPids().map(processTree);
  const rss = trees.map((t) => t.reduce((a, p) => a + rssKb(p), 0) / 1024);
  const pyRss = trees.map((t) => rssKb(t[t.length - 1]) / 1024);
  const pySmaps = trees.map((t) => smaps(t[t.length - 1]));
  await pool.close();
  console.log(
    `python worker start-up: spawn → ready median ${fmt(quantile(ready, 0.5))} (p90 ${fmt(quantile(ready, 0.9))}); whole deploy (spawn + load + constructor) median ${fmt(quantile(deploys, 0.5))}; n=${samples}`,
  );
  console.log(
    `python worker RSS after 20 ticks: ${quantile(rss, 0.5).toFixed(1)} MB per strategy (bubblewrap + CPython + numpy; CPython alone ${quantile(pyRss, 0.5).toFixed(1)} MB; shared library pages counted in each) | ` +
      `CPython PSS ${quantile(pySmaps.map((m) => m.pss), 0.5).toFixed(1)} MB, private ${quantile(pySmaps.map((m) => m.priv), 0.5).toFixed(1)} MB (what each further strategy really adds)`,
  );
}

async function collectSideBySide(n, rounds) {
  const workers = Math.max(1, os.availableParallelism());
  const py = new SandboxPool({ workers: 1, seed: 1 });
  const ts = new SandboxPool({ workers, seed: 1 });
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const t0 = performance.now();
  const pyCode = toPythonCompiled(PY_SOURCE);
  await Promise.all(ids.map((id) => py.deploy(id, 'quoter', pyCode)));
  const deployMs = performance.now() - t0;
  const tsCode = compileStrategy(TRIVIAL_SOURCE).code;
  await Promise.all(ids.map((id) => ts.deploy(id, 'quoter', tsCode)));
  const states = marketStates(ids);
  const builtins = ids.map((id) => {
    const a = new BuiltinQuoter(id, 'quoter');
    a.attach({ rng: null, tickSize: 0.0001 });
    return a;
  });
  for (let r = 0; r < 20; r++) {
    await py.collect(states, { waitForAll: true });
    await ts.collect(states, { waitForAll: true });
  }
  const tPy = [];
  const tTs = [];
  const tLocal = [];
  let answeredPy = 0;
  let answeredTs = 0;
  const pyPids = py.pythonWorkerPids().flatMap(processTree);
  const tsPids = ts.runnerPids();
  const sum = (pids) => pids.reduce((a, p) => a + procCpuMs(p), 0);
  let hostPy = 0;
  let hostTs = 0;
  let workersPy = -sum(pyPids);
  let workersTs = -sum(tsPids);
  for (let r = 0; r < rounds; r++) {
    let c = hostCpuMs();
    let t = performance.now();
    answeredPy += (await py.collect(states, { waitForAll: true })).size;
    tPy.push(performance.now() - t);
    hostPy += hostCpuMs() - c;
    c = hostCpuMs();
    t = performance.now();
    answeredTs += (await ts.collect(states, { waitForAll: true })).size;
    tTs.push(performance.now() - t);
    hostTs += hostCpuMs() - c;
    t = performance.now();
    let k = 0;
    for (const a of builtins) k += a.onTick(states.get(a.id)).length;
    tLocal.push(performance.now() - t);
    sink += k;
  }
  workersPy += sum(pyPids);
  workersTs += sum(tsPids);
  await py.close();
  await ts.close();
  const p = quantile(tPy, 0.5);
  const s = quantile(tTs, 0.5);
  const l = quantile(tLocal, 0.5);
  console.log(
    `collect N=${String(n).padStart(3)}: Python median ${fmt(p)} (p90 ${fmt(quantile(tPy, 0.9))}) | TypeScript (${workers} runners) ${fmt(s)} (p90 ${fmt(quantile(tTs, 0.9))}) | in-process ${fmt(l)} | ` +
      `Python/TypeScript ${(p / s).toFixed(1)}x | answered Python ${((answeredPy / (rounds * n)) * 100).toFixed(1)}% TypeScript ${((answeredTs / (rounds * n)) * 100).toFixed(1)}% | ${n} Python deploys in ${deployMs.toFixed(0)} ms`,
  );
  console.log(
    `          CPU per tick: Python host ${fmt(hostPy / rounds)} + workers ${fmt(workersPy / rounds)} = ${fmt((hostPy + workersPy) / rounds)} | ` +
      `TypeScript host ${fmt(hostTs / rounds)} + runners ${fmt(workersTs / rounds)} = ${fmt((hostTs + workersTs) / rounds)}`,
  );
  return p;
}

async function fullTick(n, ticks) {
  const workers = Math.max(1, os.availableParallelism());
  const pyPool = new SandboxPool({ workers: 1, seed: 1 });
  const tsPool = new SandboxPool({ workers, seed: 1 });
  const pyCode = toPythonCompiled(PY_SOURCE);
  const tsCode = compileStrategy(TRIVIAL_SOURCE).code;
  const simP = new Simulation({ seed: 5 });
  const simT = new Simulation({ seed: 5 });
  const simB = new Simulation({ seed: 5 });
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  for (const id of ids) {
    simP.addAgent(await pyPool.deploy(id, 'quoter', pyCode));
    simT.addAgent(await tsPool.deploy(id, 'quoter', tsCode));
    simB.addAgent(new BuiltinQuoter(id, 'quoter'));
  }
  const step = async (sim, pool) => {
    const req = sim.prepareTick();
    const orders = sim.runLocalAgents(req);
    const ext = await pool.collect(new Map(ids.map((id) => [id, req.states.get(id)]).filter(([, s]) => s)), { waitForAll: true });
    for (const [id, o] of ext) orders.set(id, o);
    sim.completeTick(orders);
  };
  const tP = [];
  const tT = [];
  const tB = [];
  for (let t = 0; t < ticks; t++) {
    let t0 = performance.now();
    await step(simP, pyPool);
    tP.push(performance.now() - t0);
    t0 = performance.now();
    await step(simT, tsPool);
    tT.push(performance.now() - t0);
    t0 = performance.now();
    simB.step();
    tB.push(performance.now() - t0);
  }
  await pyPool.close();
  await tsPool.close();
  const p = quantile(tP, 0.5);
  const s = quantile(tT, 0.5);
  const b = quantile(tB, 0.5);
  console.log(
    `full tick N=${String(n).padStart(3)} + default population: Python median ${fmt(p)} (+${fmt(p - b)}) | TypeScript ${fmt(s)} (+${fmt(s - b)}) | all in-process ${fmt(b)} | added time Python/TypeScript ${((p - b) / (s - b)).toFixed(1)}x`,
  );
  return p - b;
}

export async function run() {
  const a = pythonAvailability();
  if (!a.available) {
    console.log(`SKIPPED python bench: ${a.reason}`);
    return;
  }
  console.log(
    `node ${process.version}, python ${a.python}, numpy ${a.numpy}, bubblewrap ${a.bwrap}, ${os.availableParallelism()} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  await startup(10);
  const c10 = await collectSideBySide(10, 300);
  const c100 = await collectSideBySide(100, 100);
  const f10 = await fullTick(10, 200);
  const f100 = await fullTick(100, 60);
  console.log(`budget: 10 Python strategies add <= 2 ms per tick (median): ${f10 <= 2 ? 'met' : 'NOT met'} (full tick +${fmt(f10)}, collect ${fmt(c10)})`);
  console.log(`budget: 100 Python strategies add <= 20 ms per tick (median): ${f100 <= 20 ? 'met' : 'NOT met'} (full tick +${fmt(f100)}, collect ${fmt(c100)})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
