#!/usr/bin/env node
// CPU per request of GET /market/book, this checkout against a baseline build, measured from the
// server process's own CPU time (/proc/<pid>/stat utime+stime) over a fixed number of requests,
// so the figure does not depend on how busy the rest of the machine is (throughput does).
// Two conditions: market paused (the request path alone) and running (minus the idle tick cost
// measured over the same wall time just before).
//
//   npm run bench:server-cpu [-- --base <commit>] [--requests 20000] [--rounds 3] [--market seed|default] [--profile <dir>] [--ws-seconds 0] [--ws-clients 500] [--connections 16]
//
// --profile writes a V8 CPU profile of each server (node --cpu-prof) into <dir> for comparison.
// --ws-seconds S first runs S seconds of TICK fan-out to --ws-clients subscribers (as
//   bench:server-compare does before its HTTP run): what the server did before shapes the heap
//   the requests then run in (e.g. V8's pretenuring decisions, see packages/server/src/v8-tuning.ts).
// --connections: autocannon connections (bench:server-compare uses 64).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { benchServerEnv, fanOut } from '../bench/server.bench.mjs';
import { BASELINE_COMMIT, prepareBaseline } from './bench-server-compare.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TICKS_PER_SEC = os.constants ? 100 : 100; // USER_HZ on Linux

function args(argv) {
  const out = { base: BASELINE_COMMIT, requests: 20000, rounds: 3, market: 'seed', profile: null, tree: null, wsSeconds: 0, wsClients: 500, connections: 16 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--base') out.base = v();
    else if (a === '--base-tree') out.tree = v();
    else if (a === '--requests') out.requests = Number(v());
    else if (a === '--rounds') out.rounds = Number(v());
    else if (a === '--market') out.market = v();
    else if (a === '--profile') out.profile = path.resolve(v());
    else if (a === '--ws-seconds') out.wsSeconds = Number(v());
    else if (a === '--ws-clients') out.wsClients = Number(v());
    else if (a === '--connections') out.connections = Number(v());
    else throw new Error(`unknown option ${a}; options: --base <commit> --base-tree <dir> --requests N --rounds N --market seed|default --profile <dir> --ws-seconds S --ws-clients N --connections N`);
  }
  return out;
}

/** utime + stime of `pid` in milliseconds. */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SEC;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fire = (url, amount, connections) =>
  new Promise((res, rej) => autocannon({ url, connections, amount, pipelining: 1 }, (e, r) => (e ? rej(e) : res(r))));

async function control(url, action) {
  const r = await fetch(url + '/market/control', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  if (!r.ok) throw new Error(`control ${action}: ${r.status} ${await r.text()}`);
}

/** The server of `tree` with the bench's environment (bench/server.bench.mjs) and `nodeArgs`. */
function start(tree, dir, env, nodeArgs) {
  const proc = spawn(process.execPath, [...nodeArgs, path.join(tree, 'packages/server/dist/main.js')], {
    cwd: tree,
    env: { ...process.env, ...benchServerEnv(dir), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d.toString();
      const m = /"msg":"CrowdAlpha server ready"[^\n]*"url":"([^"]+)"|"url":"([^"]+)"[^\n]*"msg":"CrowdAlpha server ready"/.exec(buf);
      if (m) resolve({ proc, url: m[1] ?? m[2] });
      buf = buf.slice(-4096);
    });
    proc.once('exit', (c) => reject(new Error(`server exited (${c}) before it was ready`)));
  });
}

async function measure(tree, env, opts, label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-server-cpu-'));
  const nodeArgs = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(opts.profile, label)}`] : [];
  const { proc, url } = await start(tree, dir, env, nodeArgs);
  const pid = proc.pid;
  try {
    await sleep(1500);
    if (opts.wsSeconds > 0) await fanOut(url, opts.wsClients, opts.wsSeconds);
    await fire(url + '/market/book', 3000, opts.connections); // warm-up: JIT, caches
    // Running: idle tick cost first, then the same wall time with requests.
    const i0 = cpuMs(pid), t0 = Date.now();
    await sleep(3000);
    const idlePerMs = (cpuMs(pid) - i0) / (Date.now() - t0);
    const r0 = cpuMs(pid), w0 = Date.now();
    const rr = await fire(url + '/market/book', opts.requests, opts.connections);
    const running = (cpuMs(pid) - r0 - idlePerMs * (Date.now() - w0)) / opts.requests;
    await control(url, 'pause');
    await sleep(500);
    const p0 = cpuMs(pid);
    const pr = await fire(url + '/market/book', opts.requests, opts.connections);
    const paused = (cpuMs(pid) - p0) / opts.requests;
    return { paused_us: paused * 1000, running_us: running * 1000, idle_cpu: idlePerMs, non2xx: rr.non2xx + pr.non2xx };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const opts = args(process.argv.slice(2));
  const baseTree = opts.tree ?? prepareBaseline(opts.base).tree;
  const headEnv = opts.market === 'seed' ? { CROWDALPHA_MARKET_CONFIG: JSON.stringify({ population: 'seed' }) } : {};
  const trees = { this: { tree: root, env: headEnv, runs: [] }, base: { tree: baseTree, env: {}, runs: [] } };
  for (let round = 1; round <= opts.rounds; round++) {
    for (const name of round % 2 ? ['this', 'base'] : ['base', 'this']) {
      const r = await measure(trees[name].tree, trees[name].env, opts, `${name}-${round}`);
      trees[name].runs.push(r);
      console.log(`round ${round} ${name.padEnd(4)}: GET /market/book CPU ${r.paused_us.toFixed(1)} us/request paused, ${r.running_us.toFixed(1)} us/request running (idle tick CPU ${(r.idle_cpu * 100).toFixed(1)} %; non-2xx ${r.non2xx}); load ${os.loadavg()[0].toFixed(1)}`);
    }
  }
  const m = (n, k) => median(trees[n].runs.map((r) => r[k]));
  for (const k of ['paused_us', 'running_us']) {
    console.log(`CPU/request ${k.replace('_us', '')}: this ${m('this', k).toFixed(1)} us, baseline ${m('base', k).toFixed(1)} us, RATIO ${(m('this', k) / m('base', k)).toFixed(2)}x (target <= 1.10)`);
  }
  console.log(`idle tick CPU: this ${(m('this', 'idle_cpu') * 100).toFixed(1)} %, baseline ${(m('base', 'idle_cpu') * 100).toFixed(1)} %`);
}

await main();
