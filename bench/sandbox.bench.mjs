// Sandboxed user strategies (issue #5): per-tick cost of asking N strategies for orders through
// SandboxPool.collect (runner processes sized to the cores, one isolated-vm isolate per strategy,
// JSON strings across the boundary, host-side re-validation) versus the same strategy logic as
// in-process built-ins (BaseAgent subclasses called directly). Both sides are timed in
// interleaved rounds in one process; the machine is shared, so read the ratios.
// Then a full market tick (Simulation two-phase: prepareTick, runLocalAgents, collect,
// completeTick) with the default population plus N sandboxed vs N in-process copies.
// Budget: 10 sandboxed strategies doing trivial work <= 2 ms per tick (median of collect).
// Collects here wait for every answer (`waitForAll`), so the figure is the full round trip, not
// a deadline cut; "answered" shows none was lost. CPU per tick adds the host's process.cpuUsage
// and the runners' /proc/<pid>/stat time, which a busy machine inflates far less than wall time.
// BENCH_BASELINE=<another checkout's packages/sandbox/dist> runs that build's pool too, in the
// same rounds, and prints this / baseline ratios; the budget line is this build's.
import os from 'node:os';
import { Simulation } from '../packages/engine/dist/index.js';
import { SandboxPool, compileStrategy } from '../packages/sandbox/dist/index.js';
import { BuiltinQuoter, TRIVIAL_SOURCE, fmt, hostCpuMs, marketStates, procCpuMs, quantile, ratio, sandboxBuilds } from './sandbox-common.mjs';

export async function collectOverhead(n, rounds, workers = Math.max(1, os.availableParallelism()), builds = [{ label: 'this', SandboxPool, compileStrategy }]) {
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const sides = [];
  for (const b of builds) {
    const pool = new b.SandboxPool({ workers, seed: 1 });
    const code = b.compileStrategy(TRIVIAL_SOURCE).code;
    const t0 = performance.now();
    await Promise.all(ids.map((id) => pool.deploy(id, 'quoter', code)));
    sides.push({ label: b.label, pool, deployMs: performance.now() - t0, wall: [], cpu: 0, answered: 0 });
  }
  const states = marketStates(ids);
  const builtins = ids.map((id) => {
    const a = new BuiltinQuoter(id, 'quoter');
    a.attach({ rng: null, tickSize: 0.0001 });
    return a;
  });
  const local = [];
  for (let r = 0; r < 20; r++) for (const s of sides) await s.pool.collect(states, { waitForAll: true }); // warm-up (first calls compile)
  for (const s of sides) {
    s.pids = s.pool.runnerPids();
    s.runnerCpu = -s.pids.reduce((a, p) => a + procCpuMs(p), 0);
  }
  let cpuLocal = 0;
  for (let r = 0; r < rounds; r++) {
    for (const s of r % 2 ? [...sides].reverse() : sides) {
      const c = hostCpuMs();
      const t = performance.now();
      const got = await s.pool.collect(states, { waitForAll: true });
      s.wall.push(performance.now() - t);
      s.cpu += hostCpuMs() - c;
      s.answered += got.size;
    }
    const c = hostCpuMs();
    const t = performance.now();
    let k = 0;
    for (const a of builtins) k += a.onTick(states.get(a.id)).length;
    local.push(performance.now() - t);
    cpuLocal += hostCpuMs() - c;
    if (k !== 2 * n) throw new Error('builtin produced unexpected orders');
  }
  const lMed = quantile(local, 0.5);
  const figs = {};
  for (const s of sides) {
    s.runnerCpu += s.pids.reduce((a, p) => a + procCpuMs(p), 0);
    await s.pool.close();
    const sMed = quantile(s.wall, 0.5);
    const perTick = (s.cpu + s.runnerCpu) / rounds;
    figs[s.label] = { median: sMed, perTick };
    const tag = s.label === 'this' ? '' : `${s.label}: `;
    console.log(
      `${tag}collect  N=${String(n).padStart(3)} workers=${workers}: sandboxed median ${fmt(sMed)} (p90 ${fmt(quantile(s.wall, 0.9))}) | ` +
        `in-process ${fmt(lMed)} | ratio ${(sMed / lMed).toFixed(0)}x | answered ${((s.answered / (rounds * n)) * 100).toFixed(1)}% | deploy ${n} in ${s.deployMs.toFixed(0)} ms`,
    );
    console.log(
      `${' '.repeat(tag.length)}         CPU per tick: host ${fmt(s.cpu / rounds)} + runners ${fmt(s.runnerCpu / rounds)} = ${fmt(perTick)} ` +
        `(${fmt(perTick / n)} per strategy) | in-process ${fmt(cpuLocal / rounds)}`,
    );
  }
  if (figs.baseline) console.log(`         this / baseline, N=${n}: collect ${ratio(figs.this.median, figs.baseline.median)}, CPU per tick ${ratio(figs.this.perTick, figs.baseline.perTick)}`);
  return figs.this.median;
}

export async function fullTick(n, ticks, builds = [{ label: 'this', SandboxPool, compileStrategy }]) {
  const workers = Math.max(1, os.availableParallelism());
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const sides = [];
  for (const b of builds) {
    const pool = new b.SandboxPool({ workers, seed: 1 });
    const code = b.compileStrategy(TRIVIAL_SOURCE).code;
    const sim = new Simulation({ seed: 5 });
    for (const id of ids) sim.addAgent(await pool.deploy(id, 'quoter', code));
    sides.push({ label: b.label, pool, sim, t: [] });
  }
  const simB = new Simulation({ seed: 5 });
  for (const id of ids) simB.addAgent(new BuiltinQuoter(id, 'quoter'));
  const tb = [];
  for (let t = 0; t < ticks; t++) {
    for (const s of t % 2 ? [...sides].reverse() : sides) {
      const t0 = performance.now();
      const req = s.sim.prepareTick();
      const orders = s.sim.runLocalAgents(req);
      const ext = await s.pool.collect(new Map(ids.map((id) => [id, req.states.get(id)]).filter(([, x]) => x)), { waitForAll: true });
      for (const [id, o] of ext) orders.set(id, o);
      s.sim.completeTick(orders);
      s.t.push(performance.now() - t0);
    }
    const t0 = performance.now();
    simB.step();
    tb.push(performance.now() - t0);
  }
  const b = quantile(tb, 0.5);
  const added = {};
  for (const s of sides) {
    await s.pool.close();
    const m = quantile(s.t, 0.5);
    added[s.label] = m - b;
    const tag = s.label === 'this' ? '' : `${s.label}: `;
    console.log(`${tag}full tick N=${String(n).padStart(3)} + default population: sandboxed median ${fmt(m)} | all in-process ${fmt(b)} | ratio ${(m / b).toFixed(1)}x | difference ${fmt(m - b)}`);
  }
  if (added.baseline !== undefined) console.log(`          this / baseline, N=${n}: full-tick difference ${ratio(added.this, added.baseline)}`);
}

export async function run() {
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const builds = await sandboxBuilds();
  if (builds.length > 1) console.log(`side by side with the baseline build ${process.env.BENCH_BASELINE} (BENCH_BASELINE), interleaved round by round`);
  const workers = Math.max(1, os.availableParallelism());
  const m10 = await collectOverhead(10, 400, workers, builds);
  await collectOverhead(100, 150, workers, builds);
  await fullTick(10, 300, builds);
  await fullTick(100, 100, builds);
  console.log(`budget: 10 sandboxed strategies <= 2 ms per tick (median): ${m10 <= 2 ? 'met' : 'NOT met'} (${fmt(m10)})`);
}
