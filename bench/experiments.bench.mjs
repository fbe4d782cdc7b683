// Experiments and sweeps: how the runners scale and what the store and the queue cost, measured
// side by side in rounds (A B C … A B C …) on this shared machine, as ratios.
//
// 1. Scaling: `sweep --workers 2` vs `--workers 1` on the same N runs, against what the machine
//    gives two independent processes (two `sweep --workers 1` processes at once, N/2 runs each, vs
//    one such process alone). Efficiency = pool speed-up / independent speed-up; target >= 0.90.
// 2. Storing: `experiment run --workers 2` (each run written to SQLite) vs `sweep --workers 2`
//    (rows kept in memory, one CSV at the end), same N runs. Target: <= 5 % slower per run.
// 3. Distributed: `experiment run --redis` with K `crowdalpha worker --concurrency 1` processes
//    (already started) vs `experiment run --workers K` embedded, both storing. K = 2 is the target
//    case (<= 10 % slower per run); K = 1 and 3 show how it would scale with more hosts. The
//    workers are warmed by one experiment first (long-lived workers), and that cold run is shown.
// 4. Fixed cost: a `sweep` of one 1-tick run (process start, module loading, one thread) — the
//    serial part that caps pool scaling on short sweeps (Amdahl: with F fixed and R per run,
//    --workers 2 can give at most (F + 8R) / (F + 4R) on 8 runs, while two processes of 4 runs
//    each run their F in parallel).
//
// Run: `npm run bench experiments`. Env: EXP_BENCH_RUNS (8), EXP_BENCH_TICKS (10000),
// EXP_BENCH_ROUNDS (2), EXP_BENCH_REDIS (redis://127.0.0.1:6379; distributed part skipped if down).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'packages/cli/dist/bin.js');
const RUNS = Number(process.env.EXP_BENCH_RUNS ?? 8);
const TICKS = Number(process.env.EXP_BENCH_TICKS ?? 10_000);
const ROUNDS = Number(process.env.EXP_BENCH_ROUNDS ?? 2);
const REDIS = process.env.EXP_BENCH_REDIS ?? 'redis://127.0.0.1:6379';

function cli(args, { quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, out }) : reject(new Error(`crowdalpha ${args.join(' ')} exited ${code}: ${out.slice(-800)}`))));
    if (!quiet) p.stdout.pipe(process.stdout);
  });
}

function redisUp(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok) => (s.destroy(), resolve(ok));
    s.setTimeout(1500, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Median (the mean of the middle two for an even count). */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-exp-bench-'));
  const db = `sqlite:${path.join(dir, 'bench.db')}`;
  const spec = path.join(dir, 'spec.json');
  fs.writeFileSync(spec, JSON.stringify({ name: 'bench', grid: { 'crowding.kappa': [18] }, seeds: `1..${RUNS}`, ticks: TICKS }));
  const sweep = (workers, seeds) => cli(['sweep', '--ticks', String(TICKS), '--seeds', seeds, '--set', 'crowding.kappa=18', '--workers', String(workers), '--out', path.join(dir, `s${Math.random()}.csv`), '--no-progress']);
  const half = `1..${RUNS / 2}`;
  const all = `1..${RUNS}`;
  console.log(`${RUNS} runs × ${TICKS} ticks, ${ROUNDS} rounds, ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const t = { one: [], two: [], w1: [], w2: [], stored: [], writeMs: [], fixed: [] };
  for (let r = 0; r < ROUNDS; r++) {
    t.fixed.push((await cli(['sweep', '--ticks', '1', '--seeds', '1', '--workers', '1', '--out', path.join(dir, `f${r}.csv`), '--no-progress'])).ms);
    t.one.push((await sweep(1, half)).ms);
    const t0 = performance.now();
    await Promise.all([sweep(1, half), sweep(1, half)]);
    t.two.push(performance.now() - t0);
    t.w1.push((await sweep(1, all)).ms);
    t.w2.push((await sweep(2, all)).ms);
    const stored = await cli(['experiment', 'run', spec, '--workers', '2', '--database-url', db, '--no-progress']);
    t.stored.push(stored.ms);
    t.writeMs.push(Number(/\(([\d.]+) ms per run/.exec(stored.out)?.[1] ?? NaN));
    console.log(`round ${r + 1}: one process ${fmt(t.one[r])}, two at once ${fmt(t.two[r])}, pool w1 ${fmt(t.w1[r])}, pool w2 ${fmt(t.w2[r])}, stored w2 ${fmt(t.stored[r])}`);
  }
  const indep = (2 * median(t.one)) / median(t.two);
  const pool = median(t.w1) / median(t.w2);
  console.log(`two independent processes: ${indep.toFixed(2)}× one; pool --workers 2: ${pool.toFixed(2)}× --workers 1; efficiency ${((pool / indep) * 100).toFixed(0)} % (target >= 90 %)`);
  const F = median(t.fixed);
  const R = Math.max(1, (median(t.w1) - F) / RUNS);
  console.log(`fixed cost of a sweep command (1 run of 1 tick): ${fmt(F)}; per run ${fmt(R)}; Amdahl ceiling of --workers 2 on ${RUNS} runs: ${((F + RUNS * R) / (F + (RUNS / 2) * R)).toFixed(2)}×`);
  // A store write holds up only the thread whose run it stores, so its cost per run is the write
  // time over one run's compute time (pool wall time × threads / runs).
  const perRunMs = (median(t.w2) * 2) / RUNS;
  console.log(`storing results: ${median(t.writeMs).toFixed(1)} ms per run written (SQLite, measured in the runner) vs ${perRunMs.toFixed(0)} ms per run computed: ${((median(t.writeMs) / perRunMs) * 100).toFixed(2)} % (target <= 5 %); whole commands: experiment run ${fmt(median(t.stored))} vs sweep ${fmt(median(t.w2))} (${(((median(t.stored) / median(t.w2)) - 1) * 100).toFixed(1)} %, process start-up and noise included)`);

  if (!(await redisUp(REDIS))) {
    console.log(`!!! distributed part skipped: no Redis at ${REDIS}`);
    return;
  }
  for (const k of [1, 2, 3]) {
    const queue = `bench-exp-${process.pid}-${k}`;
    const workers = Array.from({ length: k }, () => spawn(process.execPath, [bin, 'worker', '--redis', REDIS, '--queue', queue, '--concurrency', '1', '--database-url', db], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await Promise.all(workers.map((w) => new Promise((res) => { let o = ''; w.stdout.on('data', (d) => { o += d; if (o.includes('worker ready')) res(); }); })));
    const emb = [];
    const dist = [];
    try {
      // Long-lived workers: the first job of a fresh worker thread loads the engine and opens the
      // store (seconds on a loaded machine); measured separately, then the steady state.
      const cold = await cli(['experiment', 'run', spec, '--redis', REDIS, '--queue', queue, '--database-url', db, '--no-progress']);
      console.log(`K=${k}: first experiment on fresh workers (cold threads) ${fmt(cold.ms)}`);
      for (let r = 0; r < ROUNDS; r++) {
        emb.push((await cli(['experiment', 'run', spec, '--workers', String(k), '--database-url', db, '--no-progress'])).ms);
        dist.push((await cli(['experiment', 'run', spec, '--redis', REDIS, '--queue', queue, '--database-url', db, '--no-progress'])).ms);
      }
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
    console.log(`K=${k}: embedded --workers ${k} ${fmt(median(emb))} (${fmt(median(emb) / RUNS)}/run), distributed ${k} worker process(es) ${fmt(median(dist))} (${fmt(median(dist) / RUNS)}/run): ${(((median(dist) / median(emb)) - 1) * 100).toFixed(1)} %${k === 2 ? ' (target <= 10 %)' : ''}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
