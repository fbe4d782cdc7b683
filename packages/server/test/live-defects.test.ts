/**
 * Regression tests for the defects an outside fuzz and fault run found (issue #16): each test
 * fails on the code before its fix.
 */
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { resolveServerOptions } from '../src/config.js';
import type { RunningServer } from '../src/server.js';
import { startServer } from '../src/server.js';
import { sleep, startTestServer, tempSqlite, testOptions, waitFor } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const db = tempSqlite();
let server: RunningServer;

/** A raw JSON body: `1e309` must reach the server as written (JSON.stringify would send null). */
const postRaw = (url: string, body: string) => server.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json' } });
const get = (url: string) => server.app.inject({ method: 'GET', url });

/** Sends `request` on a raw socket; resolves with what came back and whether the server closed it. */
function rawExchange(port: number, request: string, waitMs = 1500): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      c.destroy();
      resolve({ text, closedByServer });
    };
    c.on('data', (b) => (text += b.toString()));
    c.on('end', () => finish(true));
    c.on('error', () => finish(true));
    c.write(request);
    setTimeout(() => finish(false), waitMs);
  });
}

const bodyOf = (text: string): Json => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Json;

beforeAll(async () => {
  server = await startTestServer(db.url, {}, true);
});
afterAll(async () => {
  await server?.close();
  db.cleanup();
});

describe('non-finite numbers are refused at the edge', () => {
  const submission = (parameters: string) =>
    `{"submitter_name":"ann","contact":"ann@example.org","template_strategy":"momentum","parameters":${parameters}}`;

  it('a 1e309 in a submission is a 400 naming the field, nothing is stored, and the list still answers', async () => {
    const r = await postRaw('/strategies/submit-config', submission('{"qty": 1e309}'));
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'CA_ERR_VALIDATION', field: 'parameters.qty', rule: 'finite' } });
    const list = await get('/strategies/submissions');
    expect(list.statusCode).toBe(200);
    expect((list.json() as Json).items).toEqual([]);
  });

  it('refuses non-finite numbers in every JSON body, however deep', async () => {
    for (const [url, body] of [
      ['/strategies', '{"strategy_type":"momentum","config":{"qty":-1e400}}'],
      ['/market/control', '{"action":"step","ticks":1e309}'],
      ['/strategies/user', '{"strategy_name":"abc","code":"x","config":{"params":{"a":[{"b":1e999}]}}}'],
    ] as const) {
      const r = await postRaw(url, body);
      expect(r.statusCode, `${url} ${r.body}`).toBe(400);
      expect((r.json() as Json).error).toMatchObject({ code: 'CA_ERR_VALIDATION', rule: 'finite' });
    }
  });

  it('bounds numeric query parameters (1e20 and Infinity are 400s, not database errors)', async () => {
    for (const url of ['/simulations?offset=1e20', '/simulations?offset=Infinity', '/market/trades?since_tick=1e400', '/strategies/submissions?limit=-Infinity']) {
      const r = await get(url);
      expect(r.statusCode, `${url} ${r.body}`).toBe(400);
      expect((r.json() as Json).error.code).toBe('CA_ERR_VALIDATION');
    }
    expect((await get('/simulations?offset=1000000000')).statusCode).toBe(200);
  });

  it('a row stored before the fix (Infinity written as null) no longer breaks the list, approve or reject', async () => {
    const now = new Date().toISOString();
    for (const id of ['sub_poisoned_1', 'sub_poisoned_2']) {
      await server.store.insertSubmission({
        id,
        submitter_name: 'old',
        contact: 'old@example.org',
        mode: 'beginner',
        template_strategy: 'momentum',
        parameters: '{"qty":null,"maxInventory":10}',
        visibility: 'public',
        notes: null,
        clone_source_agent_id: null,
        status: 'pending',
        deployed_agent_id: null,
        created_at: now,
        updated_at: now,
      });
    }
    const list = await get('/strategies/submissions');
    expect(list.statusCode, list.body).toBe(200);
    expect(((list.json() as Json).items as Json[]).find((s) => s.submission_id === 'sub_poisoned_1')?.parameters).toEqual({ maxInventory: 10 });
    const approve = await postRaw('/strategies/submissions/sub_poisoned_1/approve', '{"deploy":false}');
    expect(approve.statusCode, approve.body).toBe(200);
    const reject = await postRaw('/strategies/submissions/sub_poisoned_2/reject', '{}');
    expect(reject.statusCode, reject.body).toBe(200);
  });
});

describe('built-in agent parameters are bounded', () => {
  it('refuses qty 0, 1e308 and 2^64 with a 400 and deploys nothing', async () => {
    const before = ((await get('/strategies')).json() as Json).agents.length;
    for (const qty of ['0', '1e308', '18446744073709551616']) {
      const r = await postRaw('/strategies', `{"strategy_type":"momentum","config":{"qty":${qty}}}`);
      expect(r.statusCode, r.body).toBe(400);
      expect((r.json() as Json).error.code).toBe('CA_ERR_BAD_AGENT_CONFIG');
    }
    expect(((await get('/strategies')).json() as Json).agents.length).toBe(before);
  });
});

describe('upgrade requests on routes that do not upgrade', () => {
  const upgrade = (method: string, path: string, extra = '') =>
    `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${extra}\r\n`;

  it('are answered in the error shape and their socket is closed by the server', async () => {
    for (const [method, path] of [
      ['OPTIONS', '/market/control'],
      ['POST', '/market/control'],
      ['GET', '/no/such/route'],
      ['DELETE', '/status'],
    ] as const) {
      const r = await rawExchange(server.port, upgrade(method, path));
      expect(r.closedByServer, `${method} ${path}: ${r.text}`).toBe(true);
      expect(r.text).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(bodyOf(r.text).error.code).toMatch(/^CA_ERR_/);
    }
  });

  it('a server holding such sockets still shuts down (they used to keep close() waiting for good)', async () => {
    const d = tempSqlite();
    const s = await startTestServer(d.url, {}, true);
    const clients: net.Socket[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const c = net.connect(s.port, '127.0.0.1');
        c.on('error', () => undefined);
        await new Promise((r) => c.once('connect', r));
        // The client neither reads nor closes: only the server can end these sockets.
        c.write(upgrade('OPTIONS', '/market/control'));
        clients.push(c);
      }
      await sleep(200);
      await s.close();
      const ended = await Promise.all(clients.map((c) => new Promise<boolean>((resolve) => (c.destroyed || c.readableEnded ? resolve(true) : (c.once('close', () => resolve(true)), c.resume())))));
      expect(ended.every(Boolean)).toBe(true);
    } finally {
      for (const c of clients) c.destroy();
      d.cleanup();
    }
  }, 30_000);
});

describe('error responses all have the documented shape', () => {
  it('router errors, CORS preflights and double slashes', async () => {
    const cases: Array<[string, number, string]> = [
      ['GET /%zz HTTP/1.1', 400, 'CA_ERR_BAD_REQUEST'],
      ['OPTIONS /status HTTP/1.1', 400, 'CA_ERR_BAD_REQUEST'],
      ['OPTIONS /market/control HTTP/1.1', 400, 'CA_ERR_BAD_REQUEST'],
      [`GET /strategies/${'a'.repeat(200)}/stats HTTP/1.1`, 400, 'CA_ERR_BAD_REQUEST'],
    ];
    for (const [line, status, code] of cases) {
      const r = await rawExchange(server.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(r.text.startsWith(`HTTP/1.1 ${status}`), `${line}: ${r.text}`).toBe(true);
      expect(r.text).toMatch(/content-type: application\/json/i);
      const body = bodyOf(r.text);
      expect(body.error.code, line).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(20);
    }
    const twice = await rawExchange(server.port, 'GET //status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(twice.text.startsWith('HTTP/1.1 200'), twice.text).toBe(true);
    expect(bodyOf(twice.text)).toHaveProperty('tick');
  });
});

describe('CROWDALPHA_RATE_LIMIT_ALLOWLIST', () => {
  it('empty means no address is exempt (as the README says)', () => {
    expect(resolveServerOptions({}, { CROWDALPHA_RATE_LIMIT_ALLOWLIST: '' }).rateLimitAllowList).toEqual([]);
    expect(resolveServerOptions({}, {}).rateLimitAllowList).toContain('127.0.0.1');
  });

  it('so loopback is limited too', async () => {
    const d = tempSqlite();
    const s = await startServer(testOptions(d.url, { rateLimitMax: 2, rateLimitWindowMs: 60_000, rateLimitAllowList: undefined }), {
      logger: pino({ level: 'silent' }),
      env: { CROWDALPHA_RATE_LIMIT_ALLOWLIST: '' },
      listen: true,
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await fetch(`${s.url}/health`)).status);
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await s.close();
      d.cleanup();
    }
  });
});

describe('the sandbox', () => {
  let s: RunningServer;
  const lines: Json[] = [];
  const d = tempSqlite();
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Json);
        cb();
      },
    });
    s = await startServer(testOptions(d.url, { sandbox: true, sandboxWorkers: 1 }), { logger: pino({ level: 'info' }, sink), env: {}, listen: false });
    if (!s.hub.sandboxAvailable) throw new Error(`the sandbox must be available for this suite: ${s.hub.sandboxUnavailableReason}`);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    d.cleanup();
  });

  it('deeply nested strategy code is a 400 CA_ERR_STRATEGY_INVALID, not a 500', async () => {
    const deep = (expr: string) => `class Deep extends BaseAgent { onTick(s) { const x = ${expr}; return []; } factorVector() { return []; } }`;
    for (const expr of ['('.repeat(1000) + '1' + ')'.repeat(1000), '!'.repeat(30_000) + '1']) {
      const r = await s.app.inject({ method: 'POST', url: '/strategies/user', payload: { strategy_name: 'deep_one', code: deep(expr) } });
      expect(r.statusCode, r.body.slice(0, 300)).toBe(400);
      expect((r.json() as Json).error.code).toBe('CA_ERR_STRATEGY_INVALID');
    }
  });

  it('a runner crash and its replacement are logged at info', async () => {
    const code = 'class Q extends BaseAgent { onTick(s) { return []; } factorVector() { return []; } }';
    const r = await s.app.inject({ method: 'POST', url: '/strategies/user', payload: { strategy_name: 'quiet_q', code, deploy: true, agent_id: 'user_q' } });
    expect(r.statusCode, r.body).toBe(201);
    const runners = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /runner/.test(l))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(runners.length).toBeGreaterThan(0);
    for (const pid of runners) process.kill(pid, 'SIGKILL');
    const exited = await waitFor(() => lines.find((l) => l.msg?.startsWith('sandbox runner exited')), 10_000, 'the exit log line');
    expect(exited.level).toBe(30);
    expect(runners).toContain(exited.pid);
    await s.hub.stepTicks(2).catch(() => undefined);
    const replaced = await waitFor(() => lines.find((l) => l.msg?.startsWith('sandbox runner replaced')), 10_000, 'the replacement log line');
    expect(replaced.level).toBe(30);
    expect(replaced.reloaded).toContain('user_q');
    await sleep(10);
  }, 30_000);
});
