// Python strategies (issue #13), side by side with the TypeScript sandbox in one process:
// - per-tick cost of asking N trivial strategies for orders (SandboxPool.collect, waiting for
//   every answer) for N Python workers vs N TypeScript isolates vs the same logic in-process,
//   timed in interleaved rounds on the same market states;
// - a full market tick (default population + N Python strategies) vs all in-process;
// - a Python worker's start-up time (spawn of bubblewrap to the harness's ready frame, and a whole
//   deploy: + load + constructor) and its resident memory (bubblewrap + CPython + numpy).
// Budget: 10 Python strategies add <= 2 ms per tick (median), 100 add <= 20 ms.
// BENCH_BASELINE=<another checkout's packages/sandbox/dist> runs that build's pools too, in the same
// rounds (collect and full tick), and prints this / baseline ratios; the budget lines are this build's.
// Skips with one line when python3/numpy/bubblewrap are missing.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { Simulation } from '../packages/engine/dist/index.js';
import { SandboxPool, pythonAvailability, defaultLimits, DEFAULT_PYTHON_RUNTIME } from '../packages/sandbox/dist/index.js';
import { PythonWorker, toPythonCompiled } from '../packages/sandbox/dist/internal.js';
import { BuiltinQuoter, TRIVIAL_SOURCE, fmt, hostCpuMs, marketStates, procCpuMs, quantile, ratio, sandboxBuilds } from './sandbox-common.mjs';

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

/** One language of one build in a side-by-side collect: its pool and what its rounds measured. */
async function collectSide(build, kind, ids) {
  const workers = kind === 'Python' ? 1 : Math.max(1, os.availableParallelism());
  const pool = new build.SandboxPool({ workers, seed: 1 });
  const code = kind === 'Python' ? build.toPythonCompiled(PY_SOURCE) : build.compileStrategy(TRIVIAL_SOURCE).code;
  const t0 = performance.now();
  await Promise.all(ids.map((id) => pool.deploy(id, 'quoter', code)));
  return { build: build.label, kind, workers, pool, deployMs: performance.now() - t0, wall: [], host: 0, children: 0, answered: 0 };
}

async function collectSideBySide(builds, n, rounds) {
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const sides = [];
  for (const b of builds) sides.push(await collectSide(b, 'Python', ids), await collectSide(b, 'TypeScript', ids));
  const states = marketStates(ids);
  const builtins = ids.map((id) => {
    const a = new BuiltinQuoter(id, 'quoter');
    a.attach({ rng: null, tickSize: 0.0001 });
    return a;
  });
  for (let r = 0; r < 20; r++) for (const s of sides) await s.pool.collect(states, { waitForAll: true });
  const sum = (pids) => pids.reduce((a, p) => a + procCpuMs(p), 0);
  for (const s of sides) {
    s.pids = s.kind === 'Python' ? s.pool.pythonWorkerPids().flatMap(processTree) : s.pool.runnerPids();
    s.children = -sum(s.pids);
  }
  const tLocal = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order, so no side always runs right after another one's wake-ups.
    for (const s of r % 2 ? [...sides].reverse() : sides) {
      const c = hostCpuMs();
      const t = performance.now();
      s.answered += (await s.pool.collect(states, { waitForAll: true })).size;
      s.wall.push(performance.now() - t);
      s.host += hostCpuMs() - c;
    }
    const t = performance.now();
    let k = 0;
    for (const a of builtins) k += a.onTick(states.get(a.id)).length;
    tLocal.push(performance.now() - t);
    sink += k;
  }
  for (const s of sides) {
    s.children += sum(s.pids);
    await s.pool.close();
  }
  const l = quantile(tLocal, 0.5);
  const fig = (s) => ({ median: quantile(s.wall, 0.5), p90: quantile(s.wall, 0.9), cpu: (s.host + s.children) / rounds, host: s.host / rounds, children: s.children / rounds, answered: (s.answered / (rounds * n)) * 100 });
  const out = {};
  for (const b of builds) {
    const py = sides.find((s) => s.build === b.label && s.kind === 'Python');
    const ts = sides.find((s) => s.build === b.label && s.kind === 'TypeScript');
    const p = fig(py);
    const t = fig(ts);
    out[b.label] = { py: p, ts: t };
    const tag = b.label === 'this' ? '' : `${b.label}: `;
    console.log(
      `${tag}collect N=${String(n).padStart(3)}: Python median ${fmt(p.median)} (p90 ${fmt(p.p90)}) | TypeScript (${ts.workers} runners) ${fmt(t.median)} (p90 ${fmt(t.p90)}) | in-process ${fmt(l)} | ` +
        `Python/TypeScript ${(p.median / t.median).toFixed(1)}x | answered Python ${p.answered.toFixed(1)}% TypeScript ${t.answered.toFixed(1)}% | ${n} Python deploys in ${py.deployMs.toFixed(0)} ms`,
    );
    console.log(
      `${' '.repeat(tag.length)}          CPU per tick: Python host ${fmt(p.host)} + workers ${fmt(p.children)} = ${fmt(p.cpu)} | ` +
        `TypeScript host ${fmt(t.host)} + runners ${fmt(t.children)} = ${fmt(t.cpu)}`,
    );
  }
  if (out.baseline) {
    const [a, z] = [out.this, out.baseline];
    console.log(
      `          this / baseline, N=${n}: Python collect ${ratio(a.py.median, z.py.median)}, CPU per tick ${ratio(a.py.cpu, z.py.cpu)} | TypeScript collect ${ratio(a.ts.median, z.ts.median)}, CPU per tick ${ratio(a.ts.cpu, z.ts.cpu)}`,
    );
  }
  return out.this.py.median;
}

async function fullTick(builds, n, ticks) {
  const workers = Math.max(1, os.availableParallelism());
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const sides = [];
  for (const b of builds) {
    for (const kind of ['Python', 'TypeScript']) {
      const pool = new b.SandboxPool({ workers: kind === 'Python' ? 1 : workers, seed: 1 });
      const code = kind === 'Python' ? b.toPythonCompiled(PY_SOURCE) : b.compileStrategy(TRIVIAL_SOURCE).code;
      const sim = new Simulation({ seed: 5 });
      for (const id of ids) sim.addAgent(await pool.deploy(id, 'quoter', code));
      sides.push({ build: b.label, kind, pool, sim, t: [] });
    }
  }
  const simB = new Simulation({ seed: 5 });
  for (const id of ids) simB.addAgent(new BuiltinQuoter(id, 'quoter'));
  const step = async ({ sim, pool }) => {
    const req = sim.prepareTick();
    const orders = sim.runLocalAgents(req);
    const ext = await pool.collect(new Map(ids.map((id) => [id, req.states.get(id)]).filter(([, s]) => s)), { waitForAll: true });
    for (const [id, o] of ext) orders.set(id, o);
    sim.completeTick(orders);
  };
  const tB = [];
  for (let t = 0; t < ticks; t++) {
    for (const s of t % 2 ? [...sides].reverse() : sides) {
      const t0 = performance.now();
      await step(s);
      s.t.push(performance.now() - t0);
    }
    const t0 = performance.now();
    simB.step();
    tB.push(performance.now() - t0);
  }
  for (const s of sides) await s.pool.close();
  const b = quantile(tB, 0.5);
  const added = {};
  for (const bl of builds) {
    const p = quantile(sides.find((s) => s.build === bl.label && s.kind === 'Python').t, 0.5);
    const s = quantile(sides.find((x) => x.build === bl.label && x.kind === 'TypeScript').t, 0.5);
    added[bl.label] = { py: p - b, ts: s - b };
    const tag = bl.label === 'this' ? '' : `${bl.label}: `;
    console.log(
      `${tag}full tick N=${String(n).padStart(3)} + default population: Python median ${fmt(p)} (+${fmt(p - b)}) | TypeScript ${fmt(s)} (+${fmt(s - b)}) | all in-process ${fmt(b)} | added time Python/TypeScript ${((p - b) / (s - b)).toFixed(1)}x`,
    );
  }
  if (added.baseline) {
    console.log(`          this / baseline, N=${n}: added time Python ${ratio(added.this.py, added.baseline.py)} | TypeScript ${ratio(added.this.ts, added.baseline.ts)}`);
  }
  return added.this.py;
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
  const builds = await sandboxBuilds();
  if (builds.length > 1) console.log(`side by side with the baseline build ${process.env.BENCH_BASELINE} (BENCH_BASELINE), interleaved round by round`);
  await startup(10);
  const c10 = await collectSideBySide(builds, 10, 300);
  const c100 = await collectSideBySide(builds, 100, 100);
  const f10 = await fullTick(builds, 10, 200);
  const f100 = await fullTick(builds, 100, 60);
  console.log(`budget: 10 Python strategies add <= 2 ms per tick (median): ${f10 <= 2 ? 'met' : 'NOT met'} (full tick +${fmt(f10)}, collect ${fmt(c10)})`);
  console.log(`budget: 100 Python strategies add <= 20 ms per tick (median): ${f100 <= 20 ? 'met' : 'NOT met'} (full tick +${fmt(f100)}, collect ${fmt(c100)})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
