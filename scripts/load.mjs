#!/usr/bin/env node
/**
 * `npm run load`: drives a live server (its own child process, loopback only) for LOAD_SECONDS
 * (default 60) with LOAD_WS_CLIENTS (200) WebSocket clients on /ws/market, REST polling at the
 * dashboard's rates (snapshot 1 s, leaderboard 2 s, analytics 2 s, status 5 s; LOAD_POLLERS = 10
 * dashboards) and one user deploying and removing (DELETE) a strategy every 2 s. Prints tick-rate
 * stability against the configured rate, REST p50/p99, WebSocket lag (a TICK's arrival at a client
 * minus the server's timestamp on it — one machine, one clock) p50/p99, fan-out spread (its arrival
 * minus its earliest arrival at any client), RESYNCs, errors and the server's RSS at start and end. Exit 1 when errors > 0 or the tick rate is off by more than 10 %.
 */
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const WS_CLIENTS = Number(process.env.LOAD_WS_CLIENTS ?? 200);
const POLLERS = Number(process.env.LOAD_POLLERS ?? 10);
const TICK_DELAY_MS = Number(process.env.LOAD_TICK_DELAY_MS ?? 100);

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const rssMb = (pid) => { try { return Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024); } catch { return null; } };

const port = await freePort();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-load-'));
const child = spawn(process.execPath, [path.join(root, 'packages/cli/dist/bin.js'), 'serve'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'load.db')}`, CROWDALPHA_TICK_DELAY_MS: String(TICK_DELAY_MS), CROWDALPHA_WEB_DIST: '', LOG_LEVEL: 'warn', CROWDALPHA_LOG_FORMAT: 'json' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
// Never leave the server behind (an exception below, Ctrl-C).
process.on('exit', () => { if (child.exitCode === null) child.kill('SIGKILL'); });
process.on('SIGINT', () => process.exit(130));
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not yet */ }
  if (i > 1200) {
    child.kill('SIGKILL');
    throw new Error('server did not answer /health within 120 s');
  }
  await sleep(100);
}

const errors = [];
const rest = [];
let resyncs = 0;
const tickArrivals = new Map(); // tick -> [times]
const wsLag = []; // ms from the TICK's server timestamp to its arrival
const rssStart = rssMb(child.pid);
const status0 = await (await fetch(`${base}/status`)).json();
const t0 = performance.now();
const until = t0 + SECONDS * 1000;

// WebSocket clients
const sockets = [];
for (let i = 0; i < WS_CLIENTS; i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/market?types=TICK,RESYNC,HEARTBEAT`);
  ws.on('message', (data) => {
    const now = performance.now();
    const text = data.toString();
    if (text.includes('"RESYNC"')) resyncs++;
    const m = /"type":"TICK"[^]*?"tick":(\d+)/.exec(text) ?? /"tick":(\d+)[^]*?"type":"TICK"/.exec(text);
    const ts = /"timestamp":(\d+)/.exec(text);
    if (m && ts) wsLag.push(Date.now() - Number(ts[1]) / 1e6);
    if (m) { const k = Number(m[1]); let a = tickArrivals.get(k); if (!a) tickArrivals.set(k, (a = [])); a.push(now); }
  });
  ws.on('error', (e) => errors.push(`ws: ${e.message}`));
  ws.on('close', (code) => { if (performance.now() < until) errors.push(`ws closed early: ${code}`); });
  sockets.push(ws);
}

async function timed(url, init) {
  const s = performance.now();
  try {
    const r = await fetch(url, init);
    const body = await r.text();
    rest.push(performance.now() - s);
    if (!r.ok) errors.push(`${init?.method ?? 'GET'} ${url.replace(base, '')}: ${r.status}`);
    return { ok: r.ok, status: r.status, body };
  } catch (e) { errors.push(`${url}: ${e.message}`); return null; }
}
function every(ms, fn) { return (async () => { while (performance.now() < until) { const s = performance.now(); await fn(); await sleep(Math.max(0, ms - (performance.now() - s))); } })(); }

const loops = [];
for (let p = 0; p < POLLERS; p++) {
  loops.push(every(1000, () => timed(`${base}/market/snapshot`)));
  loops.push(every(2000, () => timed(`${base}/strategies/leaderboard`)));
  loops.push(every(2000, () => timed(`${base}/analytics/snapshot`)));
  loops.push(every(5000, () => timed(`${base}/status`)));
}
let deployed = 0;
let removed = 0;
loops.push(every(2000, async () => {
  const r = await timed(`${base}/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy_type: 'momentum' }) });
  if (!r?.ok) return;
  deployed++;
  const id = JSON.parse(r.body).agent_id;
  if ((await timed(`${base}/strategies/${id}`, { method: 'DELETE' }))?.ok) removed++;
}));
await Promise.all(loops);
const elapsedS = (performance.now() - t0) / 1000;
const status1 = await (await fetch(`${base}/status`)).json();
const rssEnd = rssMb(child.pid);
for (const ws of sockets) ws.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
fs.rmSync(dir, { recursive: true, force: true });

const lags = [];
for (const arr of tickArrivals.values()) { const first = Math.min(...arr); for (const t of arr) lags.push(t - first); }
const ticks = status1.tick - status0.tick;
const rate = ticks / elapsedS;
const target = 1000 / TICK_DELAY_MS;
const report = {
  seconds: Math.round(elapsedS),
  ws_clients: WS_CLIENTS,
  pollers: POLLERS,
  tick_rate: { target, measured: Math.round(rate * 100) / 100, deviation_pct: Math.round(((rate - target) / target) * 1000) / 10 },
  rest_ms: { requests: rest.length, p50: Math.round(pct(rest, 50) * 10) / 10, p99: Math.round(pct(rest, 99) * 10) / 10 },
  ws_lag_ms: { samples: wsLag.length, p50: Math.round(pct(wsLag, 50) * 10) / 10, p99: Math.round(pct(wsLag, 99) * 10) / 10 },
  ws_fanout_lag_ms: { samples: lags.length, p50: Math.round(pct(lags, 50) * 10) / 10, p99: Math.round(pct(lags, 99) * 10) / 10 },
  resyncs,
  deploy_remove_cycles: { deployed, removed },
  errors: errors.length,
  first_errors: errors.slice(0, 5),
  server_rss_mb: { start: rssStart, end: rssEnd },
};
console.log(JSON.stringify(report, null, 2));
process.exit(errors.length === 0 && Math.abs(report.tick_rate.deviation_pct) <= 10 ? 0 : 1);
