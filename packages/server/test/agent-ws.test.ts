/**
 * WS /ws/agent, the outside-learner protocol (docs/AGENT-PROTOCOL.md), on a real listening server:
 * reset/act against a private MarketEnv that matches the engine's own, protocol errors answered
 * with codes and the session closed after maxErrors of them; and the Python example client
 * (stdlib + numpy, its own RFC 6455 client) training over it — required under CI=true, skipped
 * loudly otherwise when python3 or numpy is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MarketEnv } from '@crowdalpha/engine';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const example = path.join(root, 'examples', 'python', 'market_env_client.py');

function pythonWithNumpy(): string | null {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    if (process.env.CI === 'true') throw new Error('python3 with numpy is required under CI=true (apt-get install -y python3 python3-numpy)');
    console.warn('!!! SKIPPING the Python outside-learner example: python3 with numpy not found (apt-get install -y python3 python3-numpy)');
    return null;
  }
}
const python = pythonWithNumpy();

class Client {
  private queue: Json[] = [];
  private waiters: ((m: Json) => void)[] = [];
  closed: { code: number; reason: string } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Json;
      const w = this.waiters.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }
  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }
  call(msg: unknown): Promise<Json> {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    const q = this.queue.shift();
    return q ? Promise.resolve(q) : new Promise((r) => this.waiters.push(r));
  }
}

describe('WS /ws/agent', () => {
  const db = tempSqlite();
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer(db.url, {}, true);
    url = server.url.replace(/^http/, 'ws') + '/ws/agent';
  });
  afterAll(async () => {
    await server.close();
    db.cleanup();
  });

  it('steps a private MarketEnv exactly like the engine does', async () => {
    const c = await Client.open(url);
    const first = await c.call({ type: 'reset', seed: 5, episode_ticks: 20, config: { analytics: false } });
    expect(first.type).toBe('observation');
    expect(first.actions).toHaveLength(7);
    expect(first.observation).toHaveLength(14);
    const local = new MarketEnv({ episodeTicks: 20, config: { analytics: false } });
    expect(first.obs).toEqual([...local.reset(5)]);
    let last: Json = {};
    for (let t = 0; t < 20; t++) {
      last = await c.call({ type: 'act', action: t % 7 });
      const mine = local.step(t % 7);
      expect(last.type).toBe('step');
      expect(last.obs).toEqual([...mine.obs]);
      expect(last.reward).toBe(mine.reward);
      expect(last.info.netPnl).toBe(mine.info.netPnl);
    }
    expect(last.truncated).toBe(true);
    const after = await c.call({ type: 'act', action: 0 });
    expect(after).toMatchObject({ type: 'error', code: 'CA_ERR_VALIDATION' });
    expect(after.message).toMatch(/send \{"type":"reset","seed":n\} first/);
    c.ws.close();
  });

  it('answers bad messages with a code and a fix, and closes the session after 3 of them', async () => {
    const c = await Client.open(url);
    const e1 = await c.call('not json');
    expect(e1).toMatchObject({ type: 'error', code: 'CA_ERR_VALIDATION' });
    const e2 = await c.call({ type: 'reset', seed: 1, config: { crowding: { kapa: 1 } } });
    expect(e2).toMatchObject({ type: 'error', code: 'CA_ERR_MARKET_CONFIG' });
    expect(e2.message).toMatch(/config\.crowding\.kapa: unknown key/);
    const e3 = await c.call({ type: 'act', action: 'buy' });
    expect(e3.message).toMatch(/act\.action must be an integer.*closing the session/);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.closed?.code).toBe(1008);
  });

  it('joins the live market: an observation each tick, the action traded, stats counted; disconnect stops the agent', async () => {
    const c = await Client.open(url);
    const joined = await c.call({ type: 'join', agent_id: 'ext_live', owner: 'test', timeout_ms: 1000 });
    expect(joined).toMatchObject({ type: 'joined', agent_id: 'ext_live', timeout_ms: 1000 });
    expect(joined.manage_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const seen: Json[] = [];
    c.ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Json;
      if (m.type === 'observation') {
        seen.push(m);
        c.ws.send(JSON.stringify({ type: 'act', tick: m.tick, action: 3 })); // buy_large: a market order
      }
    });
    await server.hub.stepTicks(4);
    expect(seen).toHaveLength(4);
    expect(seen[0]!.obs).toHaveLength(14);
    expect(seen[0]!.reward).toBeNull();
    expect(typeof seen[1]!.reward).toBe('number');
    const stats = server.hub.market.agentStats('ext_live')!;
    expect(stats.inventory).toBeGreaterThan(0);
    expect(stats.extra).toMatchObject({ remote_answered: 4, remote_missed: 0, remote_last_action: 'buy_large' });
    c.ws.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.hub.market.agentStats('ext_live')!.status_reason).toMatch(/outside learner disconnected/);
  });

  it('silences a live agent that misses its deadline maxErrors times, like a sandboxed strategy', async () => {
    const c = await Client.open(url);
    const joined = await c.call({ type: 'join', agent_id: 'ext_slow', timeout_ms: 10 });
    expect(joined.type).toBe('joined');
    await server.hub.stepTicks(4);
    const stats = server.hub.market.agentStats('ext_slow')!;
    expect(stats.status).toBe('silenced');
    expect(stats.status_reason).toMatch(/silenced after 3 faults; last: no action within 10 ms/);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.closed).not.toBeNull();
    const bad = await Client.open(url);
    expect(await bad.call({ type: 'join', timeout_ms: 5000 })).toMatchObject({ type: 'error', code: 'CA_ERR_VALIDATION' });
    bad.ws.close();
  });

  it.skipIf(!python)('runs the Python example client (stdlib + numpy, its own RFC 6455 client) for two episodes', async () => {
    const { stdout } = await promisify(execFile)(python as string, [example, '--url', url, '--episodes', '2', '--episode-ticks', '40', '--json'], { timeout: 60_000 });
    const out = JSON.parse(stdout) as Json;
    expect(out.actions).toEqual(['hold', 'buy_small', 'buy_medium', 'buy_large', 'sell_small', 'sell_medium', 'sell_large']);
    expect(out.episodes).toHaveLength(2);
    for (const e of out.episodes) {
      expect(e.steps).toBe(40);
      expect(Number.isFinite(e.return) && Number.isFinite(e.net_pnl)).toBe(true);
    }
    expect(out.episodes.map((e: Json) => e.seed)).toEqual([100, 101]);
  }, 90_000);

  it.skipIf(!python)('the Python example then acts in the live market for N ticks with its trained policy', async () => {
    const run = promisify(execFile)(python as string, [example, '--url', url, '--episodes', '1', '--episode-ticks', '20', '--live', '5', '--agent-id', 'ext_py', '--timeout-ms', '1000', '--json'], { timeout: 60_000 });
    const started = Date.now();
    while (!server.hub.market.hasAgent('ext_py')) {
      if (Date.now() - started > 30_000) throw new Error('the Python client did not join within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Step until the client has answered its 5 observations and hung up.
    for (let k = 0; k < 40 && server.hub.market.agentStats('ext_py')!.status === 'active'; k++) await server.hub.stepTicks(1);
    const out = JSON.parse((await run).stdout) as Json;
    expect(out.live).toMatchObject({ agent_id: 'ext_py', ticks: 5 });
    const stats = server.hub.market.agentStats('ext_py')!;
    expect(stats.extra.remote_answered).toBe(5);
    expect(stats.status_reason).toMatch(/outside learner disconnected/);
  }, 90_000);
});
