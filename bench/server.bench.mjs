// Live server under load, loopback only (127.0.0.1). The server runs as its own process
// (`node packages/server/dist/main.js`, the default market: docs/MODEL.md §2 defaults, seed 42, 100 ms
// ticks, SQLite in a temp dir); the clients run in this process.
//
// 1. WebSocket fan-out: 1 client, then 500 concurrent clients subscribed to TICK
//    (`/ws/market?types=TICK`). Delivery lag = receive time − the TICK envelope's timestamp (the
//    server's wall clock when the tick was stamped), so it includes the tick's own compute,
//    serialisation and fan-out. Every client must see every tick (no gaps, no RESYNC).
//    Target: p99 < 50 ms with 500 clients. The 1-client run is the baseline in the same process.
// 2. HTTP: autocannon (programmatic) on GET /market/book while the market ticks, alternating in
//    rounds with a bare Fastify process serving the same body (the machine's ceiling right now),
//    so the ratio survives a noisy shared machine. Target: >= 10,000 req/s.
//    GET /status (uncached, builds its body per request) alongside.
//
// The bench configures its own server: the per-IP and deploy rate limits are off (they exist to
// stop one client flooding a shared server; here the one client is the load generator).
//
// Run: `npm run bench server`. Env: SERVER_BENCH_CLIENTS (500), SERVER_BENCH_SECONDS (20),
// SERVER_BENCH_HTTP_SECONDS (12, split into SERVER_BENCH_ROUNDS=3 alternating rounds), SERVER_BENCH_CONNECTIONS (64).
// scripts/bench-server-compare.mjs reuses startServer/fanOut/cannon to compare two builds side by side.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import autocannon from 'autocannon';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLIENTS = Number(process.env.SERVER_BENCH_CLIENTS ?? 500);
const SECONDS = Number(process.env.SERVER_BENCH_SECONDS ?? 20);
const HTTP_SECONDS = Number(process.env.SERVER_BENCH_HTTP_SECONDS ?? 12);
const CONNECTIONS = Number(process.env.SERVER_BENCH_CONNECTIONS ?? 64);
const ROUNDS = Number(process.env.SERVER_BENCH_ROUNDS ?? 3);
const TARGET_P99_MS = 50;
const TARGET_RPS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A bare Fastify process answering the same book body: the ceiling this machine allows right now. */
const BASELINE = `
import Fastify from 'fastify';
const app = Fastify();
const body = process.env.BOOK_BODY;
app.get('/market/book', (req, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ msg: 'CrowdAlpha server ready', url: 'http://127.0.0.1:' + app.server.address().port }));
`;

function startBaseline(bookBody) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', BASELINE], { cwd: root, env: { ...process.env, BOOK_BODY: bookBody }, stdio: ['ignore', 'pipe', 'inherit'] });
  return waitReady(proc);
}

/** Environment of the bench's server: loopback, SQLite in `dir`, no rate limits, no dashboard. */
export function benchServerEnv(dir) {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`,
    CROWDALPHA_LOG_FORMAT: 'json',
    CROWDALPHA_WEB_DIST: '',
    LOG_LEVEL: 'info',
    CROWDALPHA_RATE_LIMIT_MAX: '0',
    CROWDALPHA_DEPLOY_RATE_LIMIT_MAX: '0',
  };
}

/** Starts `<tree>/packages/server/dist/main.js` (default: this checkout) with the bench's environment plus `extraEnv`. */
export function startServer(dir, { tree = root, extraEnv = {} } = {}) {
  const proc = spawn(process.execPath, [path.join(tree, 'packages/server/dist/main.js')], {
    cwd: tree,
    env: { ...process.env, ...benchServerEnv(dir), ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return waitReady(proc);
}

function waitReady(proc) {
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d.toString();
      for (const line of buf.split('\n').slice(0, -1)) {
        try {
          const rec = JSON.parse(line);
          if (rec.msg === 'CrowdAlpha server ready') resolve({ proc, url: rec.url });
        } catch {}
      }
      buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
    proc.once('exit', (c) => reject(new Error(`server exited (${c}) before it was ready`)));
  });
}

/** Reads tick and timestamp from the envelope's first bytes: no full JSON.parse per message. */
const HEAD = /"type":"(\w+)","timestamp":(\d+(?:\.\d+)?(?:e\+\d+)?),"payload":\{"tick":(\d+)/;

export async function fanOut(base, n, seconds) {
  const wsUrl = base.replace('http://', 'ws://') + '/ws/market?types=TICK';
  const clients = [];
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 50); k++) {
      const c = { ticks: [], lags: [], resyncs: 0, recording: false, ws: new WebSocket(wsUrl, { perMessageDeflate: false }) };
      c.ws.on('message', (data) => {
        const now = Date.now();
        const m = HEAD.exec(data.toString('latin1', 0, 160));
        if (!m) {
          if (data.toString('latin1', 0, 60).includes('RESYNC')) c.resyncs++;
          return;
        }
        if (!c.recording || m[1] !== 'TICK') return;
        c.ticks.push(Number(m[3]));
        c.lags.push(now - Number(m[2]) / 1e6);
      });
      batch.push(new Promise((res, rej) => { c.ws.once('open', res); c.ws.once('error', rej); }));
      clients.push(c);
    }
    await Promise.all(batch);
  }
  await sleep(1000);
  for (const c of clients) c.recording = true;
  await sleep(seconds * 1000);
  for (const c of clients) c.recording = false;
  let gaps = 0;
  let resyncs = 0;
  const lags = [];
  let minTicks = Infinity;
  for (const c of clients) {
    for (let i = 1; i < c.ticks.length; i++) gaps += c.ticks[i] - c.ticks[i - 1] - 1;
    resyncs += c.resyncs;
    minTicks = Math.min(minTicks, c.ticks.length);
    for (const l of c.lags) lags.push(l);
    c.ws.terminate();
  }
  lags.sort((a, b) => a - b);
  const q = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
  return { clients: n, samples: lags.length, ticksPerClientMin: minTicks, gaps, resyncs, p50: q(0.5), p99: q(0.99), max: lags[lags.length - 1] };
}

export function cannon(url, seconds, connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, pipelining: 1 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-server-bench-'));
  const { proc, url } = await startServer(dir);
  try {
    console.log(`server ${url} (default market: seed 42, 100 ms ticks); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await sleep(1500);
    const one = await fanOut(url, 1, Math.min(10, SECONDS));
    const many = await fanOut(url, CLIENTS, SECONDS);
    const status = await (await fetch(url + '/status')).json();
    const fmt = (r) =>
      `${String(r.clients).padStart(4)} clients: ${r.samples} TICK deliveries (>= ${r.ticksPerClientMin} per client), gaps ${r.gaps}, RESYNC ${r.resyncs}, ` +
      `lag p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`;
    console.log('WebSocket fan-out (TICK subscribers)');
    console.log('  ' + fmt(one));
    console.log('  ' + fmt(many));
    console.log(
      `  p99 ratio ${CLIENTS}/1 clients: ${(many.p99 / Math.max(one.p99, 0.1)).toFixed(2)}x; server ticks/s ${status.market.ticks_per_second}, last tick ${status.market.last_tick_ms} ms, ` +
        `fan-out to ${CLIENTS} clients (serialise + hand to sockets) last ${status.websocket.last_broadcast_ms.toFixed(2)} ms, max ${status.websocket.max_broadcast_ms.toFixed(2)} ms`,
    );
    console.log(`  target p99 < ${TARGET_P99_MS} ms with every tick delivered: ${many.p99 < TARGET_P99_MS && many.gaps === 0 && many.resyncs === 0 ? 'MET' : 'NOT MET'}`);

    // Alternate bare Fastify and our route in short rounds so both see the same machine load.
    const bookBody = await (await fetch(url + '/market/book')).text();
    const base = await startBaseline(bookBody);
    const bareRounds = [];
    const bookRounds = [];
    const roundSeconds = Math.max(2, Math.floor(HTTP_SECONDS / ROUNDS));
    try {
      for (let i = 0; i < ROUNDS; i++) {
        bareRounds.push(await cannon(base.url + '/market/book', roundSeconds));
        bookRounds.push(await cannon(url + '/market/book', roundSeconds));
      }
    } finally {
      base.proc.kill('SIGTERM');
    }
    const median = (rs) => [...rs].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(rs.length / 2)];
    const bare = median(bareRounds);
    const book = median(bookRounds);
    const stat = await cannon(url + '/status', roundSeconds);
    const after = await (await fetch(url + '/status')).json();
    console.log(
      `HTTP (autocannon, ${CONNECTIONS} connections, median of ${ROUNDS} alternating ${roundSeconds}-s rounds; market running at ${after.market?.ticks_per_second ?? "?"} ticks/s; load average ${os.loadavg()[0].toFixed(2)})`,
    );
    for (const [name, r] of [['bare Fastify, same body', bare], ['GET /market/book', book], ['GET /status', stat]]) {
      console.log(
        `  ${name.padEnd(24)} ${Math.round(r.requests.average).toLocaleString('en-US')} req/s avg (${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}), ` +
          `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
      );
    }
    console.log(`  rounds, req/s: bare ${bareRounds.map((r) => Math.round(r.requests.average)).join(' / ')}; book ${bookRounds.map((r) => Math.round(r.requests.average)).join(' / ')}`);
    console.log(`  GET /market/book / bare Fastify: ${(book.requests.average / bare.requests.average).toFixed(2)}x`);
    console.log(`  target GET /market/book >= ${TARGET_RPS.toLocaleString('en-US')} req/s: ${book.requests.average >= TARGET_RPS && book.non2xx === 0 ? 'MET' : 'NOT MET'}`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await run();
