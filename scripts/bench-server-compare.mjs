#!/usr/bin/env node
// Issue #12's performance criterion, measured side by side: "`npm run bench` server figures (500
// WebSocket clients p99, GET /market/book req/s) stay within 10 % of today's". Builds the
// baseline commit in a temporary git worktree, then runs this checkout's server and the
// baseline's alternately, round by round (order swapped every round), with the same measurement
// as `npm run bench server` (bench/server.bench.mjs: 500 TICK subscribers' delivery lag, then
// autocannon on GET /market/book while the market ticks). Prints every round and the ratios of
// the medians (this / baseline). On a shared machine only the ratios mean anything.
//
//   npm run bench:server-compare [-- --base <commit>] [--rounds 3] [--seconds 20] [--http-seconds 6] [--market seed|default] [--keep]
//
// --base: default BASELINE_COMMIT, the commit before issue #12's work first landed (0997065, the
//   TickDriver / MarketHub split, is its first commit; dd7b591 the wire contract).
// --market: the baseline's default market is the seed market (8 agents); this checkout's default
//   is the background market of issue #10 (1,000 noise + 100 value traders aggregated, ladder
//   makers), which does more per tick for reasons unrelated to the contract. `seed` (default)
//   runs this checkout with population "seed" (CROWDALPHA_MARKET_CONFIG), the same market as the
//   baseline's, so the ratio is the server's own cost; `default` compares the two default markets.
// The baseline worktree gets a node_modules of links into this checkout's (the runtime packages
// it needs, under the names it used then), so nothing is installed. --keep leaves it for a re-run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cannon, fanOut, startServer } from '../bench/server.bench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Parent of 0997065, the first commit of issue #12 on main. */
export const BASELINE_COMMIT = 'b4549a7';
/** Packages that the baseline required under a name the install now gives per Node.js major (issue #17). */
const RENAMED = { 'better-sqlite3': 'better-sqlite3-v12', 'isolated-vm': 'isolated-vm-v5' };

function args(argv) {
  const out = { base: BASELINE_COMMIT, rounds: 3, seconds: 20, httpSeconds: 6, market: 'seed', keep: false, clients: 500, connections: 64 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--base') out.base = next();
    else if (a === '--rounds') out.rounds = Number(next());
    else if (a === '--seconds') out.seconds = Number(next());
    else if (a === '--http-seconds') out.httpSeconds = Number(next());
    else if (a === '--clients') out.clients = Number(next());
    else if (a === '--connections') out.connections = Number(next());
    else if (a === '--market') out.market = next();
    else if (a === '--keep') out.keep = true;
    else throw new Error(`unknown option ${a}; options: --base <commit> --rounds N --seconds S --http-seconds S --clients N --connections N --market seed|default --keep`);
  }
  if (!['seed', 'default'].includes(out.market)) throw new Error(`--market must be seed or default, got ${out.market}`);
  for (const k of ['rounds', 'seconds', 'httpSeconds', 'clients', 'connections']) {
    if (!Number.isInteger(out[k]) || out[k] < 1) throw new Error(`--${k} must be a whole number >= 1, got ${out[k]}`);
  }
  return out;
}

const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();

/** A detached worktree of `commit` with node_modules linked to this checkout's and the server built. */
function prepareBaseline(commit) {
  const sha = git('rev-parse', '--verify', `${commit}^{commit}`);
  const tree = path.join(os.tmpdir(), `ca-bench-base-${sha.slice(0, 12)}`);
  if (!fs.existsSync(path.join(tree, '.git'))) {
    fs.rmSync(tree, { recursive: true, force: true });
    git('worktree', 'add', '--detach', tree, sha);
  }
  const nm = path.join(tree, 'node_modules');
  if (!fs.existsSync(nm)) {
    fs.mkdirSync(nm);
    const ours = path.join(root, 'node_modules');
    for (const name of fs.readdirSync(ours)) {
      if (name === '@crowdalpha' || name === '.bin' || name.startsWith('.')) continue;
      fs.symlinkSync(path.join(ours, name), path.join(nm, name));
    }
    for (const [old, now] of Object.entries(RENAMED)) {
      if (!fs.existsSync(path.join(nm, old)) && fs.existsSync(path.join(ours, now))) fs.symlinkSync(path.join(ours, now), path.join(nm, old));
    }
    fs.symlinkSync(path.join(ours, '.bin'), path.join(nm, '.bin'));
    // The workspace packages must be the baseline's own, not this checkout's.
    fs.mkdirSync(path.join(nm, '@crowdalpha'));
    for (const p of fs.readdirSync(path.join(tree, 'packages'))) fs.symlinkSync(path.join('..', '..', 'packages', p), path.join(nm, '@crowdalpha', p));
  }
  console.log(`baseline ${sha.slice(0, 12)} (${git('log', '-1', '--format=%s', sha).slice(0, 90)}) in ${tree}; building`);
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/engine', 'packages/sandbox', 'packages/server'], { cwd: tree, stdio: 'inherit' });
  return { tree, sha };
}

async function measure(tree, opts, extraEnv) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-server-compare-'));
  const { proc, url } = await startServer(dir, { tree, extraEnv });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const ws = await fanOut(url, opts.clients, opts.seconds);
    const book = await cannon(url + '/market/book', opts.httpSeconds, opts.connections);
    return { ws, book: { rps: book.requests.average, non2xx: book.non2xx, errors: book.errors, p99: book.latency.p99 } };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const opts = args(process.argv.slice(2));
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/engine', 'packages/sandbox', 'packages/server'], { cwd: root, stdio: 'inherit' });
  const base = prepareBaseline(opts.base);
  const headEnv = opts.market === 'seed' ? { CROWDALPHA_MARKET_CONFIG: JSON.stringify({ population: 'seed' }) } : {};
  const trees = { this: { tree: root, env: headEnv, runs: [] }, base: { tree: base.tree, env: {}, runs: [] } };
  console.log(
    `this checkout ${git('rev-parse', '--short=12', 'HEAD')} vs baseline ${base.sha.slice(0, 12)}; ${opts.rounds} rounds, ${opts.clients} TICK clients for ${opts.seconds} s, ` +
      `then GET /market/book ${opts.httpSeconds} s x ${opts.connections} connections; market: ${opts.market === 'seed' ? 'seed population on both' : 'each tree\'s default'}`,
  );
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const order = round % 2 ? ['this', 'base'] : ['base', 'this'];
      for (const name of order) {
        const t = trees[name];
        const r = await measure(t.tree, opts, t.env);
        t.runs.push(r);
        const w = r.ws;
        console.log(
          `round ${round} ${name.padEnd(4)}: ${w.clients} clients lag p50 ${w.p50.toFixed(1)} ms p99 ${w.p99.toFixed(1)} ms max ${w.max.toFixed(1)} ms ` +
            `(${w.samples} deliveries, gaps ${w.gaps}, RESYNC ${w.resyncs}); GET /market/book ${Math.round(r.book.rps)} req/s (non-2xx ${r.book.non2xx}, errors ${r.book.errors}); load ${os.loadavg()[0].toFixed(2)}`,
        );
      }
    }
  } finally {
    if (!opts.keep) {
      git('worktree', 'remove', '--force', base.tree);
      console.log(`removed ${base.tree} (--keep leaves it for a re-run)`);
    }
  }
  const p99 = (n) => median(trees[n].runs.map((r) => r.ws.p99));
  const rps = (n) => median(trees[n].runs.map((r) => r.book.rps));
  const perRound = (f) => trees.this.runs.map((r, i) => f(r, trees.base.runs[i]).toFixed(2)).join(' / ');
  console.log(`median over ${opts.rounds} rounds: p99 this ${p99('this').toFixed(1)} ms, baseline ${p99('base').toFixed(1)} ms; GET /market/book this ${Math.round(rps('this'))} req/s, baseline ${Math.round(rps('base'))} req/s`);
  console.log(`  per round this/baseline: p99 ${perRound((a, b) => a.ws.p99 / b.ws.p99)}; req/s ${perRound((a, b) => a.book.rps / b.book.rps)}`);
  const p99Ratio = p99('this') / p99('base');
  const rpsRatio = rps('this') / rps('base');
  console.log(`RATIO ${opts.clients}-client p99 this/baseline ${p99Ratio.toFixed(2)}x (target <= 1.10): ${p99Ratio <= 1.1 ? 'MET' : 'NOT MET'}`);
  console.log(`RATIO GET /market/book req/s this/baseline ${rpsRatio.toFixed(2)}x (target >= 0.90): ${rpsRatio >= 0.9 ? 'MET' : 'NOT MET'}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
export { prepareBaseline };
