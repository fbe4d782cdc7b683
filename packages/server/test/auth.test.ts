/**
 * The operator token (CROWDALPHA_ADMIN_TOKEN) on a real listening server: every operator route
 * refuses a request without the token or with a wrong one (401, WWW-Authenticate, before the body
 * is even validated) and works with the right one; the other routes and the WebSocket stream
 * stay open; the OpenAPI document declares the bearer scheme on exactly the operator routes; and
 * without a token everything behaves as before.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pino } from 'pino';
import { OperatorGuard, isLoopbackHost, openOperatorWarning, tokenMatches } from '../src/http/auth.js';
import { startServer, type RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite, testOptions } from './helpers.js';
import { createHash } from 'node:crypto';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'op-token-0123456789abcdef';
const SUBMISSION = { submitter_name: 'Ada', contact: 'ada@example.org', template_strategy: 'momentum', parameters: { qty: 4 } };

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => Json;
}

async function call(server: RunningServer, method: string, path: string, opts: { body?: unknown; authorization?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Json };
}

const bearer = (t: string) => `Bearer ${t}`;

function expectUnauthorized(r: Answer, invalidToken: boolean): void {
  expect(r.status, r.text).toBe(401);
  const body = r.json();
  expect(body.error.code).toBe('CA_ERR_UNAUTHORIZED');
  expect(body.error.message).toContain("'Authorization: Bearer <token>'");
  expect(body.error.message).toContain('CROWDALPHA_ADMIN_TOKEN');
  expect(body.error.message).not.toContain(TOKEN);
  const challenge = r.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="/);
  if (invalidToken) expect(challenge).toContain('error="invalid_token"');
  else expect(challenge).not.toContain('error=');
}

const dbA = tempSqlite();
const dbB = tempSqlite();
let guarded: RunningServer;
let open: RunningServer;

beforeAll(async () => {
  [guarded, open] = await Promise.all([startTestServer(dbA.url, { adminToken: TOKEN }, true), startTestServer(dbB.url, {}, true)]);
}, 30_000);
afterAll(async () => {
  await Promise.all([guarded?.close(), open?.close()]);
  dbA.cleanup();
  dbB.cleanup();
});

/** A new pending submission on `server` (submitting is open to everyone). */
async function pendingSubmission(server: RunningServer): Promise<string> {
  const r = await call(server, 'POST', '/strategies/submit-config', { body: SUBMISSION });
  expect(r.status, r.text).toBe(201);
  return r.json().submission_id as string;
}

/** Each operator route, as a request that succeeds when authorised. */
const OPERATOR_ROUTES: Array<{ name: string; request: (server: RunningServer, authorization?: string) => Promise<Answer>; ok: number }> = [
  { name: 'POST /market/control', ok: 200, request: (s, a) => call(s, 'POST', '/market/control', { body: { action: 'step', ticks: 1 }, ...(a ? { authorization: a } : {}) }) },
  {
    name: 'POST /strategies/submissions/{id}/approve',
    ok: 200,
    request: async (s, a) => call(s, 'POST', `/strategies/submissions/${await pendingSubmission(s)}/approve`, { body: { deploy: false }, ...(a ? { authorization: a } : {}) }),
  },
  {
    name: 'POST /strategies/submissions/{id}/reject',
    ok: 200,
    request: async (s, a) => call(s, 'POST', `/strategies/submissions/${await pendingSubmission(s)}/reject`, { body: {}, ...(a ? { authorization: a } : {}) }),
  },
  { name: 'GET /metrics', ok: 200, request: (s, a) => call(s, 'GET', '/metrics', a ? { authorization: a } : {}) },
];

describe('with an operator token configured', () => {
  for (const route of OPERATOR_ROUTES) {
    describe(route.name, () => {
      it('refuses a request without an Authorization header', async () => {
        expectUnauthorized(await route.request(guarded), false);
      });

      it('refuses a wrong token, of the same length or not', async () => {
        expectUnauthorized(await route.request(guarded, bearer(TOKEN.replace(/.$/, 'X'))), true);
        expectUnauthorized(await route.request(guarded, bearer(`${TOKEN}-and-more`)), true);
        expectUnauthorized(await route.request(guarded, bearer('short')), true);
      });

      it('refuses the token in another scheme', async () => {
        expectUnauthorized(await route.request(guarded, `Basic ${Buffer.from(`op:${TOKEN}`).toString('base64')}`), false);
        expectUnauthorized(await route.request(guarded, TOKEN), false);
      });

      it('works with the right token (scheme name in any case)', async () => {
        const r = await route.request(guarded, bearer(TOKEN));
        expect(r.status, r.text).toBe(route.ok);
        const lower = await route.request(guarded, `bearer ${TOKEN}`);
        expect(lower.status, lower.text).toBe(route.ok);
      });
    });
  }

  it('refuses before validating the body, so an anonymous caller learns nothing from it', async () => {
    expectUnauthorized(await call(guarded, 'POST', '/market/control', { body: { action: 'explode' } }), false);
    const authorised = await call(guarded, 'POST', '/market/control', { body: { action: 'explode' }, authorization: bearer(TOKEN) });
    expect(authorised.status).toBe(400);
    expect(authorised.json().error.code).toBe('CA_ERR_VALIDATION');
  });

  it('a refused control request changes nothing', async () => {
    const before = (await call(guarded, 'GET', '/status')).json().tick as number;
    expectUnauthorized(await call(guarded, 'POST', '/market/control', { body: { action: 'step', ticks: 5 } }), false);
    expect((await call(guarded, 'GET', '/status')).json().tick).toBe(before);
  });

  it('leaves reads, deploying and submitting open', async () => {
    for (const path of ['/', '/health', '/status', '/market/book', '/market/config', '/market/metrics', '/strategies', '/strategies/leaderboard', '/simulations', '/ws/schema', '/docs/json']) {
      const r = await call(guarded, 'GET', path);
      expect(r.status, `${path}: ${r.text}`).toBe(200);
    }
    const deployed = await call(guarded, 'POST', '/strategies', { body: { strategy_type: 'momentum', agent_id: 'mom_open', owner: 'ada' } });
    expect(deployed.status, deployed.text).toBe(201);
    await pendingSubmission(guarded);
  });

  it('shows submitters\' contacts only to the operator', async () => {
    await pendingSubmission(guarded);
    const anonymous = (await call(guarded, 'GET', '/strategies/submissions')).json().items as Json[];
    expect(anonymous.length).toBeGreaterThan(0);
    for (const s of anonymous) expect(s.contact).toBeNull();
    const operator = (await call(guarded, 'GET', '/strategies/submissions', { authorization: bearer(TOKEN) })).json().items as Json[];
    for (const s of operator) expect(s.contact).toBe('ada@example.org');
    const wrong = (await call(guarded, 'GET', '/strategies/submissions', { authorization: bearer('not-the-token-at-all') })).json().items as Json[];
    for (const s of wrong) expect(s.contact).toBeNull();
  });

  it('keeps the WebSocket market stream public', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${guarded.port}/ws/market`);
    const reply = await new Promise<Json>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send('ping'));
      ws.on('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Json));
    });
    ws.terminate();
    expect(reply).toMatchObject({ type: 'HEARTBEAT', payload: { reason: 'pong' } });
  });

  it('declares the bearer scheme in the OpenAPI document on exactly the operator routes', async () => {
    const doc = (await call(guarded, 'GET', '/docs/json')).json();
    expect(doc.components.securitySchemes.operatorToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const protectedOps = new Set([
      'post /market/control',
      'post /strategies/submissions/{id}/approve',
      'post /strategies/submissions/{id}/reject',
      'get /metrics',
      'post /experiments',
      'delete /experiments/{id}',
      'post /admin/keys',
      'get /admin/keys',
      'post /admin/keys/{id}/revoke',
      'post /admin/keys/{id}/rotate',
    ]);
    const seen: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method} ${path}`;
        if (protectedOps.has(key)) {
          seen.push(key);
          expect(op.security, key).toEqual([{ operatorToken: [] }]);
          expect(op.responses['401'], key).toBeDefined();
        } else if (key === 'post /strategies/{agent_id}/stop' || key === 'delete /strategies/{agent_id}') {
          // The operator token or the agent's own manage key (agent-stop.test.ts).
          expect(op.security, key).toEqual([{ operatorToken: [] }, { manageKey: [] }]);
        } else {
          expect(op.security, key).toBeUndefined();
        }
      }
    }
    expect(seen.sort()).toEqual([...protectedOps].sort());
  });
});

describe('without an operator token (the default)', () => {
  for (const route of OPERATOR_ROUTES) {
    it(`${route.name} works without an Authorization header, as before`, async () => {
      const r = await route.request(open);
      expect(r.status, r.text).toBe(route.ok);
    });
  }

  it('ignores an Authorization header it has no token to check against', async () => {
    const r = await call(open, 'POST', '/market/control', { body: { action: 'step' }, authorization: bearer('anything-at-all-here') });
    expect(r.status, r.text).toBe(200);
  });

  it('shows contacts to everyone and puts no security requirement in the OpenAPI document', async () => {
    await pendingSubmission(open);
    const items = (await call(open, 'GET', '/strategies/submissions')).json().items as Json[];
    for (const s of items) expect(s.contact).toBe('ada@example.org');
    const doc = (await call(open, 'GET', '/docs/json')).json();
    expect(doc.paths['/market/control'].post.security).toBeUndefined();
  });
});

describe('the start-up warning', () => {
  /** Starts (without listening) and returns the warn-level log lines. */
  async function warningsFor(extra: Parameters<typeof testOptions>[1]): Promise<Json[]> {
    const lines: Json[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Json);
        done();
      },
    });
    const db = tempSqlite();
    const s = await startServer(testOptions(db.url, { allowOpen: true, ...extra }), { logger: pino({ level: 'warn' }, sink), env: {}, listen: false });
    await s.close();
    db.cleanup();
    return lines.filter((l) => l.level === 40);
  }

  it('warns once that operator endpoints are open when bound beyond loopback without a token', async () => {
    const warnings = (await warningsFor({ host: '0.0.0.0' })).filter((l) => /operator endpoints/.test(l.msg as string));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/open to anyone who can reach 0\.0\.0\.0.*set CROWDALPHA_ADMIN_TOKEN/);
  });

  it('stays quiet on loopback, or with a token', async () => {
    expect((await warningsFor({ host: '127.0.0.1' })).filter((l) => /operator endpoints/.test(l.msg as string))).toEqual([]);
    expect((await warningsFor({ host: '0.0.0.0', adminToken: TOKEN })).filter((l) => /operator endpoints/.test(l.msg as string))).toEqual([]);
  });

  it('knows loopback addresses from exposed ones', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.org', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
    expect(openOperatorWarning({ host: '::', adminToken: null })).toMatch(/CROWDALPHA_ADMIN_TOKEN/);
  });
});

describe('token comparison', () => {
  it('compares digests, so tokens of any length are refused without throwing', () => {
    const expected = createHash('sha256').update(TOKEN).digest();
    expect(tokenMatches(expected, TOKEN)).toBe(true);
    expect(tokenMatches(expected, '')).toBe(false);
    expect(tokenMatches(expected, TOKEN.slice(1))).toBe(false);
    expect(tokenMatches(expected, TOKEN + TOKEN)).toBe(false);
  });

  it('is disabled without a token and lets every request through', () => {
    const guard = new OperatorGuard(null);
    expect(guard.enabled).toBe(false);
    expect(guard.check({ headers: {} } as never)).toBe('ok');
  });
});
