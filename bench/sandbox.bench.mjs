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
import os from 'node:os';
import { Simulation } from '../packages/engine/dist/index.js';
import { SandboxPool, compileStrategy } from '../packages/sandbox/dist/index.js';
import { BuiltinQuoter, TRIVIAL_SOURCE, fmt, hostCpuMs, marketStates, procCpuMs, quantile } from './sandbox-common.mjs';

export async function collectOverhead(n, rounds, workers = Math.max(1, os.availableParallelism())) {
  const pool = new SandboxPool({ workers, seed: 1 });
  const code = compileStrategy(TRIVIAL_SOURCE).code;
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  const t0 = performance.now();
  await Promise.all(ids.map((id) => pool.deploy(id, 'quoter', code)));
  const deployMs = performance.now() - t0;
  const states = marketStates(ids);
  const builtins = ids.map((id) => {
    const a = new BuiltinQuoter(id, 'quoter');
    a.attach({ rng: null, tickSize: 0.0001 });
    return a;
  });
  const sandboxed = [];
  const local = [];
  let answered = 0;
  for (let r = 0; r < 20; r++) await pool.collect(states, { waitForAll: true }); // warm-up (first calls compile)
  const pids = pool.runnerPids();
  let cpuSandboxed = 0;
  let cpuLocal = 0;
  const runnerCpu0 = pids.reduce((a, p) => a + procCpuMs(p), 0);
  for (let r = 0; r < rounds; r++) {
    let c = hostCpuMs();
    let t = performance.now();
    const got = await pool.collect(states, { waitForAll: true });
    sandboxed.push(performance.now() - t);
    cpuSandboxed += hostCpuMs() - c;
    answered += got.size;
    c = hostCpuMs();
    t = performance.now();
    let k = 0;
    for (const a of builtins) k += a.onTick(states.get(a.id)).length;
    local.push(performance.now() - t);
    cpuLocal += hostCpuMs() - c;
    if (k !== 2 * n) throw new Error('builtin produced unexpected orders');
  }
  const runnerCpu = pids.reduce((a, p) => a + procCpuMs(p), 0) - runnerCpu0;
  await pool.close();
  const sMed = quantile(sandboxed, 0.5);
  const lMed = quantile(local, 0.5);
  console.log(
    `collect  N=${String(n).padStart(3)} workers=${workers}: sandboxed median ${fmt(sMed)} (p90 ${fmt(quantile(sandboxed, 0.9))}) | ` +
      `in-process ${fmt(lMed)} | ratio ${(sMed / lMed).toFixed(0)}x | answered ${((answered / (rounds * n)) * 100).toFixed(1)}% | deploy ${n} in ${deployMs.toFixed(0)} ms`,
  );
  console.log(
    `         CPU per tick: host ${fmt(cpuSandboxed / rounds)} + runners ${fmt(runnerCpu / rounds)} = ${fmt((cpuSandboxed + runnerCpu) / rounds)} ` +
      `(${fmt((cpuSandboxed + runnerCpu) / rounds / n)} per strategy) | in-process ${fmt(cpuLocal / rounds)}`,
  );
  return sMed;
}

export async function fullTick(n, ticks) {
  const workers = Math.max(1, os.availableParallelism());
  const pool = new SandboxPool({ workers, seed: 1 });
  const code = compileStrategy(TRIVIAL_SOURCE).code;
  const simS = new Simulation({ seed: 5 });
  const simB = new Simulation({ seed: 5 });
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  for (const id of ids) {
    simS.addAgent(await pool.deploy(id, 'quoter', code));
    simB.addAgent(new BuiltinQuoter(id, 'quoter'));
  }
  const ts = [];
  const tb = [];
  for (let t = 0; t < ticks; t++) {
    let t0 = performance.now();
    const req = simS.prepareTick();
    const orders = simS.runLocalAgents(req);
    const ext = await pool.collect(new Map(ids.map((id) => [id, req.states.get(id)]).filter(([, s]) => s)), { waitForAll: true });
    for (const [id, o] of ext) orders.set(id, o);
    simS.completeTick(orders);
    ts.push(performance.now() - t0);
    t0 = performance.now();
    simB.step();
    tb.push(performance.now() - t0);
  }
  await pool.close();
  const s = quantile(ts, 0.5);
  const b = quantile(tb, 0.5);
  console.log(`full tick N=${String(n).padStart(3)} + default population: sandboxed median ${fmt(s)} | all in-process ${fmt(b)} | ratio ${(s / b).toFixed(1)}x | difference ${fmt(s - b)}`);
}

export async function run() {
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const m10 = await collectOverhead(10, 400);
  await collectOverhead(100, 150);
  await fullTick(10, 300);
  await fullTick(100, 100);
  console.log(`budget: 10 sandboxed strategies <= 2 ms per tick (median): ${m10 <= 2 ? 'met' : 'NOT met'} (${fmt(m10)})`);
}
