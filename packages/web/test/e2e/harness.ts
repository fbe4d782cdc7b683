/**
 * Browser e2e harness: builds what is missing (web dist, server dist), starts the REAL server on a
 * free port with a temporary SQLite file and 100 agents, and launches Debian's Chromium through
 * playwright-core. Without /usr/bin/chromium the suite skips with one loud line, except under
 * CI=true where that is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const WEB_DIST = path.join(REPO, 'packages', 'web', 'dist');
export const SERVER_MAIN = path.join(REPO, 'packages', 'server', 'dist', 'main.js');
export const SCREENSHOTS = path.join(REPO, 'artifacts', 'screenshots');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The live market the e2e runs against: 100 agents at the server's default 10 ticks/s. */
export const E2E_POPULATION = { momentum: 30, meanReversion: 30, marketMakers: 30, rl: 10 };

export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing and CI=true: install it with \`apt-get install -y chromium\``);
  console.warn(`[web e2e] SKIPPED: ${CHROMIUM} not found. Enable the browser tests with \`apt-get install -y chromium\`.`);
  return false;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${cwd} with exit code ${r.status}`);
}

/** Newest modification time under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let newest = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    newest = Math.max(newest, f.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when the built dashboard is missing or older than any of its sources (so the browser tests test the current code). */
export function webDistStale(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(index)) return true;
  const web = path.join(REPO, 'packages', 'web');
  // The bundle also holds the engine's wire contract (@crowdalpha/engine/wire): its sources count too.
  const engine = path.join(REPO, 'packages', 'engine');
  const sources = Math.max(newestMtime(path.join(web, 'src')), newestMtime(path.join(engine, 'src')), newestMtime(path.join(engine, 'dist')), ...['index.html', 'vite.config.ts', 'package.json'].map((f) => (fs.existsSync(path.join(web, f)) ? fs.statSync(path.join(web, f)).mtimeMs : 0)));
  return fs.statSync(index).mtimeMs < sources;
}

/** Build the dashboard (vite) when it is missing or stale, and the server (tsc -b: incremental, a no-op when current) always. */
export function ensureBuilt(): void {
  if (webDistStale()) run('npx', ['vite', 'build'], path.join(REPO, 'packages', 'web'));
  run('npx', ['tsc', '-b', 'packages/server'], REPO);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  proc: ChildProcess;
  dir: string;
  log: () => string;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  /** Starts the server with CROWDALPHA_ADMIN_TOKEN (16+ characters); without it the operator routes are open. */
  adminToken?: string;
  /** The live market's agents; the default is the 100-agent E2E_POPULATION. */
  population?: typeof E2E_POPULATION;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crowdalpha-web-e2e-'));
  const port = await freePort();
  let out = '';
  // a token in the caller's shell must not close the operator routes the other tests use
  const { CROWDALPHA_ADMIN_TOKEN: _inherited, ...inheritedEnv } = process.env;
  const proc = spawn(process.execPath, [SERVER_MAIN], {
    cwd: REPO,
    env: {
      ...inheritedEnv,
      ...(options.adminToken !== undefined ? { CROWDALPHA_ADMIN_TOKEN: options.adminToken } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${path.join(dir, 'e2e.db')}`,
      CROWDALPHA_AUTOSTART: 'true',
      CROWDALPHA_WEB_DIST: WEB_DIST,
      CROWDALPHA_RATE_LIMIT_MAX: '0',
      CROWDALPHA_MARKET_CONFIG: JSON.stringify({ population: options.population ?? E2E_POPULATION }),
      LOG_LEVEL: 'warn',
      CROWDALPHA_LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} before answering:\n${out}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer /status within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    proc,
    dir,
    log: () => out,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<{ context: BrowserContext; userDataDir: string }> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crowdalpha-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    // --expose-gc lets the soak test collect garbage before reading the heap, so it sees retained memory only
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
    viewport: { width: 1440, height: 900 },
  });
  return { context, userDataDir };
}

/** What `browserSession` hands its tests once `beforeAll` has run. */
export interface BrowserSession {
  server: RunningServer;
  context: BrowserContext;
  page: Page;
}

/**
 * Registers a describe block's `beforeAll`/`afterAll`: a real server (`options`) and a fresh
 * Chromium profile started side by side, `init` run on the context before the first page, and
 * both torn down (profile directory included) after the block. Read the fields inside hooks/tests.
 */
export function browserSession(options: ServerOptions = {}, init?: (context: BrowserContext) => Promise<unknown>): BrowserSession {
  const session = {} as BrowserSession;
  let userDataDir = '';
  beforeAll(async () => {
    ensureBuilt();
    const [server, browser] = await Promise.all([startServer(options), launchBrowser()]);
    session.server = server;
    session.context = browser.context;
    userDataDir = browser.userDataDir;
    if (init) await init(browser.context);
    session.page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 240_000);
  afterAll(async () => {
    await session.context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await session.server?.stop();
  });
  return session;
}
