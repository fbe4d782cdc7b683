/**
 * Hostile-input suite (issue #5). One pool with a single runner process hosts a benign strategy
 * next to every attacker, so each test checks the three promises at once: the host stays up,
 * the benign strategy keeps answering (same process, same pool), and the attacker gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox-pool.js';
import { compileStrategy } from '../src/validate-source.js';
import { StrategyValidationError } from '../src/errors.js';
import { BENIGN, ensureBuilt, stateFor, tickOnce, waitForAnswer, waitForSilence } from './helpers.js';

let pool: SandboxPool;
let n = 0;

/** Deploys `body` (a class body) as a fresh attacker agent and returns its id. */
async function deploy(classBody: string, opts: { timeout_ms?: number; prefix?: string } = {}): Promise<string> {
  const id = `attacker_${++n}`;
  const src = `${opts.prefix ?? ''}\nclass Attack extends BaseAgent {\n${classBody}\n}`;
  // Attackers are ill-typed on purpose: the type check is guidance for authors, never a defence,
  // so they are compiled without it and the sandbox alone must hold.
  await pool.deploy(id, 'attack', compileStrategy(src, { typeCheck: false }).code, { timeout_ms: opts.timeout_ms ?? 40 });
  return id;
}

/** Benign strategy still answers, reports no pollution/foreign state, host untouched. */
async function expectBenignHealthy(): Promise<void> {
  const orders = await waitForAnswer(pool, 'benign');
  expect(orders).toHaveLength(2);
  const fv = pool.agent('benign')!.factorVector();
  expect(fv.slice(1)).toEqual([0, 0, 0]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

beforeAll(async () => {
  ensureBuilt();
  // maxErrors 1: every fault silences at once, the strictest policy (the default allows 3).
  pool = new SandboxPool({ workers: 1, limits: { watchdogSlackMs: 150, memoryMb: 32, startupTimeoutMs: 1_200, maxErrors: 1 } });
  await pool.deploy('benign', 'benign', compileStrategy(BENIGN).code, { timeout_ms: 200 });
});
afterAll(async () => {
  await pool?.close();
});

describe('escape attempts find no host', () => {
  it('constructor chains, require/import/process/globalThis probes see only the bare isolate', async () => {
    const id = await deploy(`
      onTick(state) {
        const probes = [
          () => this.constructor.constructor('return typeof process')(),
          () => state.constructor.constructor('return typeof require')(),
          () => [].constructor.constructor('return typeof module')(),
          () => limit('BID', 1, 1).constructor.constructor('return typeof globalThis.process')(),
          () => (async () => {}).constructor('return 1').constructor.constructor('return typeof process')(),
          () => Object.getPrototypeOf(function* () {}).constructor('yield typeof require')().next().value,
          () => typeof globalThis['req' + 'uire'],
          () => typeof globalThis.process,
          () => typeof eval('typeof process === "undefined" ? undefined : process'),
          () => typeof SharedArrayBuffer + typeof Atomics + typeof WebAssembly,
          () => typeof setTimeout + typeof setImmediate + typeof queueMicrotask + typeof fetch,
          () => Object.getOwnPropertyNames(globalThis).filter((k) => /^(process|require|module|exports|Buffer|global|ivm|_ivm.*|performance|crypto)$/.test(k)).join(',') || 'undefined',
        ];
        this.found = probes.map((p) => { try { return String(p()); } catch (e) { return 'threw'; } });
        if (!this.importTried) {
          this.importTried = true;
          try { (0, eval)('imp' + 'ort("fs")').then((m) => { this.imported = m; }, () => { this.imported = null; }); } catch (e) { this.imported = null; }
        }
        return [];
      }
      factorVector() {
        const bad = (this.found || []).filter((v) => !/^(undefined|threw|(undefined)+)$/.test(v) && v !== 'function' && v !== 'functionundefinedfunctionundefined');
        return [bad.length, this.imported ? 1 : 0, (this.found || []).length];
      }`);
    await tickOnce(pool, [id, 'benign']);
    const r = await tickOnce(pool, [id, 'benign']);
    expect(r.get(id)).toEqual([]);
    const [bad, imported, probed] = pool.agent(id)!.factorVector();
    expect(probed).toBe(12);
    expect(imported).toBe(0);
    expect(bad).toBe(0);
    await expectBenignHealthy();
  });

  it('escapes through thrown errors, returned objects and promises reach nothing', async () => {
    const viaError = await deploy(`
      onTick() { const e = new Error('x'); Object.defineProperty(e, 'message', { get() { return 'found:' + this.constructor.constructor('return typeof process')(); } }); throw e; }
      factorVector() { return []; }`);
    const err = await waitForSilence(pool, viaError);
    expect(err).toContain('found:undefined');
    const viaOrder = await deploy(`
      onTick() { return [{ get side() { return this.constructor.constructor('return typeof process')() === 'undefined' ? 'BID' : 'ASK'; }, type: 'MARKET', qty: 1 }]; }
      factorVector() { return []; }`);
    const orders = (await tickOnce(pool, [viaOrder])).get(viaOrder);
    expect(orders).toEqual([{ side: 'BID', type: 'MARKET', qty: 1, price: null }]);
    const viaPromise = await deploy(`
      onTick() { return Promise.resolve().then(() => this.constructor.constructor('return process')()); }
      factorVector() { return []; }`);
    expect(await waitForSilence(pool, viaPromise)).toMatch(/Promise/);
    await expectBenignHealthy();
  });
});

describe('runaway CPU', () => {
  it('an infinite loop is interrupted at the deadline and silenced; the runner survives', async () => {
    const pid = pool.runnerPids()[0];
    const id = await deploy(`onTick() { for (;;) {} } factorVector() { return []; }`, { timeout_ms: 30 });
    const r = await tickOnce(pool, [id, 'benign']);
    expect(r.has(id)).toBe(false);
    expect(r.get('benign')).toHaveLength(2);
    expect(pool.stats(id)).toMatchObject({ sandbox_status: 'silenced', timeouts: 1 });
    expect(String(pool.stats(id).sandbox_error)).toMatch(/timeout/);
    expect(pool.runnerPids()[0]).toBe(pid);
    await expectBenignHealthy();
  });

  it('a busy loop just under the deadline answers; just over is silenced', async () => {
    const busy = (ms: number) => `onTick(state) { const until = Date.now(); let x = 0; const t0 = globalThis.__clock ? 0 : 0; const end = this.spin(${ms}); return [market('BID', 1)]; }
      spin(ms) { let i = 0; const budget = ms * 20000; while (i < budget) i++; return i; }
      factorVector() { return []; }`;
    // Calibrate inside the sandbox is impossible (no wall clock), so use generous margins: ~2 ms of work vs a 60 ms deadline, and an unbounded loop vs 60 ms.
    const under = await deploy(busy(2), { timeout_ms: 60 });
    const over = await deploy(`onTick() { let i = 0; while (i >= 0) i = (i + 1) % 1e9; return []; } factorVector() { return []; }`, { timeout_ms: 60 });
    const r = await tickOnce(pool, [under, over, 'benign']);
    expect(r.get(under)).toEqual([{ side: 'BID', type: 'MARKET', qty: 1, price: null }]);
    expect(r.has(over)).toBe(false);
    expect(pool.stats(under).sandbox_status).toBe('active');
    expect(pool.stats(over).sandbox_status).toBe('silenced');
    await expectBenignHealthy();
  });

  it('BigInt parsing that ignores the interrupt: watchdog SIGKILLs the runner, benign is re-registered, offender struck', async () => {
    const before = pool.runnerPids()[0];
    const id = await deploy(`onTick() { return [market('BID', String(BigInt('1'.repeat(1e7))).length)]; } factorVector() { return []; }`, { timeout_ms: 30 });
    // No wall-clock bound (timings are noise on a shared machine): the runner being replaced below
    // is what shows the tick did not wait for the parse to finish.
    const r = await tickOnce(pool, [id, 'benign']);
    expect(r.has(id)).toBe(false);
    const err = await waitForSilence(pool, id);
    expect(err).toMatch(/watchdog/);
    expect(pool.stats(id).strikes).toBe(1);
    await expectBenignHealthy();
    expect(pool.runnerPids()[0]).not.toBe(before);
    expect(pool.stats('benign').restarts).toBeGreaterThanOrEqual(1);
  });
});

describe('the fast path (calls on the runner main thread)', () => {
  it('a strategy that behaves, earns the fast path, then ignores its interrupt: only it is blamed', async () => {
    const id = await deploy(`onTick(s) { if (s.tick === 999) BigInt('1'.repeat(1e7)); return []; } factorVector() { return []; }`, { timeout_ms: 30 });
    const both = (tick: number) => new Map([id, 'benign'].map((k) => [k, stateFor(k, tick)]));
    // Quick answers earn the fast path (a hiccup on a busy machine can reset the streak: retry).
    for (let i = 0; i < 30 && !pool.stats(id).fast_path; i++) await pool.collect(both(50 + i));
    expect(pool.stats(id).fast_path).toBe(true);
    const strikesBefore = pool.stats('benign').strikes;
    // The attacker comes first, so the benign call waits behind it on the runner's main thread.
    const pidBefore = pool.runnerPids()[0];
    const r = await pool.collect(both(999));
    expect(r.has(id)).toBe(false);
    // The watchdog killed the runner (instead of the tick waiting for the parse): a new process.
    await waitForAnswer(pool, 'benign');
    expect(pool.runnerPids()[0]).not.toBe(pidBefore);
    expect(await waitForSilence(pool, id)).toMatch(/watchdog/);
    await expectBenignHealthy();
    expect(pool.stats('benign').sandbox_status).toBe('active');
    expect(pool.stats('benign').strikes).toBe(strikesBefore);
  });
});

describe('memory and stack', () => {
  it('a memory bomb hits the isolate heap cap and is silenced', async () => {
    const id = await deploy(`onTick() { const a = []; for (;;) a.push(new Array(1e6).fill(Math.random())); } factorVector() { return []; }`, { timeout_ms: 1_000 });
    const err = await waitForSilence(pool, id);
    expect(err).toMatch(/memory|crash|watchdog|died/);
    await expectBenignHealthy();
  });

  it('deep recursion ends as a caught RangeError', async () => {
    // isolated-vm threads have deep stacks (~10^5 frames take ~0.1 s), hence the longer deadline.
    const id = await deploy(`onTick() { const f = (n) => f(n + 1) + 1; return [market('BID', f(0))]; } factorVector() { return []; }`, { timeout_ms: 1_000 });
    expect(await waitForSilence(pool, id)).toMatch(/RangeError|call stack/);
    await expectBenignHealthy();
  });

  it('huge strings are cut to size and never reach the host whole', async () => {
    const id = await deploy(`onTick() { return [{ side: 'B'.repeat(5e6), type: 'LIMIT'.repeat(1e6), qty: 1, price: 100 }, market('BID', 1)]; } factorVector() { return []; }`, { timeout_ms: 500 });
    const r = await tickOnce(pool, [id]);
    expect(r.get(id)).toEqual([{ side: 'BID', type: 'MARKET', qty: 1, price: null }]);
    expect(pool.stats(id).malformed_dropped).toBe(1);
    const thrower = await deploy(`onTick() { throw new Error('E'.repeat(1e7)); } factorVector() { return []; }`, { timeout_ms: 500 });
    const err = await waitForSilence(pool, thrower);
    expect(err.length).toBeLessThan(1_000);
    await expectBenignHealthy();
  });
});

describe('bad output', () => {
  it('10^6 orders: 12 kept, the rest dropped and counted', async () => {
    const id = await deploy(`onTick(state) { return new Array(1e6).fill(limit('BID', state.mid - 0.01, 1)); } factorVector() { return []; }`, { timeout_ms: 500 });
    const r = await tickOnce(pool, [id]);
    expect(r.get(id)).toHaveLength(12);
    expect(pool.stats(id).over_cap_dropped).toBe(1e6 - 12);
    expect(pool.stats(id).sandbox_status).toBe('active');
    await expectBenignHealthy();
  });

  it('NaN/Infinity/negative/fractional quantities and prices are dropped or clamped', async () => {
    const id = await deploy(`onTick(state) { return [
        limit('BID', NaN, 1), limit('BID', Infinity, 1), limit('BID', -5, 1), limit('BID', 99, NaN), limit('BID', 99, -Infinity),
        limit('BID', 99, -2), market('ASK', Infinity), limit('BID', 99.00004, 2.6), market('ASK', 0.2), cancel(-1), cancel(NaN), 7,
      ]; } factorVector() { return [NaN, Infinity, 1]; }`);
    const r = await tickOnce(pool, [id]);
    expect(r.get(id)).toEqual([
      { side: 'BID', type: 'LIMIT', qty: 3, price: 99 },
      { side: 'ASK', type: 'MARKET', qty: 1, price: null },
    ]);
    expect(pool.stats(id)).toMatchObject({ malformed_dropped: 10, qty_clamped: 2, sandbox_status: 'active' });
    expect(pool.agent(id)!.factorVector()).toEqual([0, 0, 1]);
    await expectBenignHealthy();
  });

  it('getters and Proxies that throw or loop when read', async () => {
    const throwing = await deploy(`onTick() { return [{ get side() { throw new Error('gotcha'); }, type: 'MARKET', qty: 1 }]; } factorVector() { return []; }`);
    expect(await waitForSilence(pool, throwing)).toContain('gotcha');
    const looping = await deploy(`onTick() { return [{ get qty() { for (;;) {} }, side: 'BID', type: 'MARKET' }]; } factorVector() { return []; }`, { timeout_ms: 30 });
    expect(await waitForSilence(pool, looping)).toMatch(/timeout/);
    const proxyArray = await deploy(`onTick() { return new Proxy([], { get(t, k) { if (k === 'length') for (;;) {} return t[k]; } }); } factorVector() { return []; }`, { timeout_ms: 30 });
    expect(await waitForSilence(pool, proxyArray)).toMatch(/timeout/);
    const proxyOrder = await deploy(`onTick() { return [new Proxy({}, { get() { throw new Proxy({}, { get() { for (;;) {} } }); } })]; } factorVector() { return []; }`, { timeout_ms: 30 });
    expect(await waitForSilence(pool, proxyOrder)).toMatch(/timeout/);
    await expectBenignHealthy();
  });

  it('thrown objects with looping message getters, thrown Proxies and a looping Error.prepareStackTrace cannot hang the runner', async () => {
    const pid = pool.runnerPids()[0];
    const loopingMessage = await deploy(`onTick() { throw { get message() { for (;;) {} }, get stack() { for (;;) {} } }; } factorVector() { return []; }`, { timeout_ms: 30 });
    const thrownProxy = await deploy(`onTick() { throw new Proxy({}, { get() { for (;;) {} }, getPrototypeOf() { for (;;) {} } }); } factorVector() { return []; }`, { timeout_ms: 30 });
    const prepare = await deploy(`onTick() { Error.prepareStackTrace = () => { for (;;) {} }; throw new Error('plain'); } factorVector() { return []; }`, { timeout_ms: 30 });
    // The prepareStackTrace case first and alone: the two spinners below occupy the runner's
    // isolate threads (one per core) until their deadline, which would also time this one out.
    await tickOnce(pool, [prepare]);
    const r = await tickOnce(pool, [loopingMessage, thrownProxy, prepare, 'benign']);
    expect(r.get('benign')).toHaveLength(2);
    for (const id of [loopingMessage, thrownProxy, prepare]) expect(pool.stats(id).sandbox_status).toBe('silenced');
    expect(String(pool.stats(loopingMessage).sandbox_error)).toMatch(/timeout/);
    expect(String(pool.stats(prepare).sandbox_error)).toContain('plain'); // never read .stack, so no hang at all
    expect(pool.runnerPids()[0]).toBe(pid); // handled by the interrupt: no watchdog kill needed
    await expectBenignHealthy();
  });

  it('unresolved and endless promises', async () => {
    const never = await deploy(`onTick() { return new Promise(() => {}); } factorVector() { return []; }`);
    expect(await waitForSilence(pool, never)).toMatch(/Promise/);
    const endless = await deploy(`onTick() { const f = () => Promise.resolve().then(f); f(); return []; } factorVector() { return []; }`, { timeout_ms: 30 });
    expect(await waitForSilence(pool, endless)).toMatch(/timeout/);
    const asyncTick = await deploy(`async onTick() { return [market('BID', 1)]; } factorVector() { return []; }`);
    expect(await waitForSilence(pool, asyncTick)).toMatch(/Promise/);
    await expectBenignHealthy();
  });
});

describe('output cap', () => {
  it('an answer larger than maxOutputBytes silences the strategy (defence in depth behind the order cap)', async () => {
    const small = new SandboxPool({ workers: 1, limits: { maxOutputBytes: 1_024, maxOrdersPerTick: 100, maxErrors: 1 } });
    try {
      const code = compileStrategy(`class Big extends BaseAgent { onTick(s) { return new Array(100).fill(limit('BID', s.mid, 1)); } factorVector() { return []; } }`, { typeCheck: false }).code;
      await small.deploy('big', 'big', code);
      const r = await small.collect(new Map([['big', stateFor('big')]]));
      expect(r.has('big')).toBe(false);
      expect(String(small.stats('big').sandbox_error)).toMatch(/output exceeds 1024/);
    } finally {
      await small.close();
    }
  });
});

describe('isolation between strategies', () => {
  it('prototype pollution stays inside the polluter', async () => {
    const id = await deploy(`onTick() {
        Object.prototype.polluted = 1; Array.prototype.polluted = 1;
        Object.prototype.toJSON = function () { return 'hijacked'; };
        JSON.stringify = () => '{"ok":true,"orders":[{"side":"BID","type":"MARKET","qty":200}],"extra":0}';
        return [market('BID', 1)];
      } factorVector() { return []; }`);
    const r = await tickOnce(pool, [id, 'benign']);
    // The polluter garbles only its own answer (toJSON on its own objects): nothing valid comes out.
    expect(r.get(id) ?? []).not.toContainEqual({ side: 'BID', type: 'MARKET', qty: 200, price: null });
    await expectBenignHealthy();
  });

  it('a strategy cannot read another strategy\u2019s globals or instances', async () => {
    const a = await deploy(`onTick() { globalThis.secretOfA = 42; this.secret = 42; return []; } factorVector() { return []; }`);
    const b = await deploy(`onTick() { return []; }
      factorVector() { return [typeof globalThis.secretOfA === 'undefined' ? 0 : 1, typeof globalThis.benign === 'undefined' ? 0 : 1, Object.keys(globalThis).length > 0 && Object.keys(globalThis).some(k => /attacker|benign|secret/.test(k)) ? 1 : 0]; }`);
    await tickOnce(pool, [a, b, 'benign']);
    await tickOnce(pool, [a, b, 'benign']);
    expect(pool.agent(b)!.factorVector()).toEqual([0, 0, 0]);
    await expectBenignHealthy();
  });

  it('time and randomness are the simulation clock and a seeded stream', async () => {
    const src = `onTick(state) { this.seen = [Date.now(), new Date().getTime(), state.timestamp / 1e6, Math.random(), this.random.next(), typeof performance]; return []; }
      factorVector() { return [this.seen[0], this.seen[1], this.seen[2], this.seen[3], this.seen[4], this.seen[5] === 'undefined' ? 0 : 1]; }`;
    const a = await deploy(src);
    await tickOnce(pool, [a], 77);
    const [now, dateNow, simMs, r1, r2, perf] = pool.agent(a)!.factorVector();
    expect(now).toBe(7_700);
    expect(dateNow).toBe(7_700);
    expect(simMs).toBe(7_700);
    expect(perf).toBe(0);
    expect(r1).toBeGreaterThanOrEqual(0);
    expect(r1).toBeLessThan(1);
    // Same agent id and pool seed → same stream (reproducible); a different pool seed → different.
    const p2 = new SandboxPool({ workers: 1, seed: 0 });
    const p3 = new SandboxPool({ workers: 1, seed: 99 });
    try {
      const code = compileStrategy(`class R extends BaseAgent { onTick() { return []; } factorVector() { return [Math.random(), Math.random()]; } }`).code;
      await p2.deploy('same', 'r', code);
      await p3.deploy('same', 'r', code);
      await p2.collect(new Map([['same', (await import('./helpers.js')).stateFor('same')]]));
      await p3.collect(new Map([['same', (await import('./helpers.js')).stateFor('same')]]));
      const again = new SandboxPool({ workers: 1, seed: 0 });
      try {
        await again.deploy('same', 'r', code);
        await again.collect(new Map([['same', (await import('./helpers.js')).stateFor('same')]]));
        expect(again.agent('same')!.factorVector()).toEqual(p2.agent('same')!.factorVector());
      } finally {
        await again.close();
      }
      expect(p3.agent('same')!.factorVector()).not.toEqual(p2.agent('same')!.factorVector());
    } finally {
      await p2.close();
      await p3.close();
    }
    void r2;
  });
});

describe('process faults', () => {
  it('a runner killed from outside is replaced and its strategies restarted, and both steps are reported', async () => {
    const events: Array<{ kind: string } & Record<string, unknown>> = [];
    pool.onRunnerEvent = (e) => events.push(e);
    const pid = pool.runnerPids()[0]!;
    process.kill(pid, 'SIGKILL');
    try {
      await expectBenignHealthy();
      // Reported once every survivor's reload has settled (an attacker's may take its load deadline).
      for (let i = 0; i < 400 && !events.some((e) => e.kind === 'runner_replaced'); i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      pool.onRunnerEvent = undefined;
    }
    expect(pool.runnerPids()[0]).not.toBe(pid);
    // A crash may have an outside cause: at most a strike, never silenced on the first one.
    expect(pool.stats('benign').sandbox_status).toBe('active');
    // The server logs these at info (a crash and its replacement are operational events).
    const exited = events.find((e) => e.kind === 'runner_exited');
    expect(exited).toMatchObject({ pid, killedByWatchdog: false });
    expect(exited?.agents).toContain('benign');
    const replaced = events.find((e) => e.kind === 'runner_replaced');
    expect(replaced?.reloaded).toContain('benign');
    expect(replaced?.pid).toBe(pool.runnerPids()[0]);
  });

  it('an unhandled rejection whose reason has looping getters: the runner is killed, not hung', async () => {
    const id = await deploy(`onTick() {
        Promise.reject({ get message() { for (;;) {} }, get stack() { for (;;) {} }, get name() { for (;;) {} } });
        return [];
      } factorVector() { return []; }`, { timeout_ms: 30 });
    await tickOnce(pool, [id, 'benign']);
    expect(await waitForSilence(pool, id)).toMatch(/watchdog|error/);
    await expectBenignHealthy();
  });
});

describe('registration refuses bad code and keeps nothing', () => {
  it('syntax errors, two classes, no class, imports: StrategyValidationError with positions', async () => {
    const cases: Array<[string, string]> = [
      ['syntax', `class S extends BaseAgent {\n onTick( { return []; }\n factorVector() { return []; } }`],
      ['class', `class A extends BaseAgent { onTick() { return []; } factorVector() { return []; } }\nclass B extends BaseAgent { onTick() { return []; } factorVector() { return []; } }`],
      ['class', `const x = 1;`],
      ['import', `const cp = require('child_process');\nclass S extends BaseAgent { onTick() { return []; } factorVector() { return []; } }`],
    ];
    for (const [rule, src] of cases) {
      const err = await pool.validate('good_name', src).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StrategyValidationError);
      expect((err as StrategyValidationError).diagnostics[0]!.rule).toBe(rule);
    }
  });

  it('probe-start failures: throwing constructor, hanging constructor, bad onTick', async () => {
    const cases = [
      `class S extends BaseAgent { constructor(o) { super(o); throw new Error('nope'); } onTick() { return []; } factorVector() { return []; } }`,
      `class S extends BaseAgent { constructor(o) { super(o); for (;;) {} } onTick() { return []; } factorVector() { return []; } }`,
      // Typed past the type check (`as any`): the probe must still catch them.
      `class S extends BaseAgent { onTick(state) { return (state as any).nope.deeper; } factorVector() { return []; } }`,
      `class S extends BaseAgent { onTick() { return 'orders' as any; } factorVector() { return []; } }`,
      `throw new Error('top level');\nclass S extends BaseAgent { onTick() { return []; } factorVector() { return []; } }`,
    ];
    const reasons: string[] = [];
    for (const src of cases) {
      const err = await pool.validate('good_name', src).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StrategyValidationError);
      expect((err as StrategyValidationError).diagnostics[0]!.rule).toBe('probe');
      reasons.push((err as StrategyValidationError).message);
    }
    expect(reasons[0]).toContain('nope');
    expect(reasons[1]).toMatch(/time limit|within 1200 ms/);
    expect(reasons[2]).toMatch(/TypeError/);
    expect(reasons[3]).toMatch(/array/);
    expect(reasons[4]).toContain('top level');
    const ok = await pool.validate('good_name', `class S extends BaseAgent { onTick(s: MarketState) { return [limit(Side.BID, s.mid, 1)]; } factorVector() { return []; } }`);
    expect(ok.compiled).toContain('return (S)');
    await expectBenignHealthy();
  });

  it('deploy refuses duplicate ids and bad timeouts without keeping anything', async () => {
    const code = compileStrategy(`class S extends BaseAgent { onTick() { return []; } factorVector() { return []; } }`).code;
    await expect(pool.deploy('benign', 's', code)).rejects.toThrow(/already deployed/);
    await expect(pool.deploy('t_low', 's', code, { timeout_ms: 4 })).rejects.toThrow(/timeout_ms/);
    await expect(pool.deploy('t_high', 's', code, { timeout_ms: 1_001 })).rejects.toThrow(/timeout_ms/);
    expect(pool.has('t_low') || pool.has('t_high')).toBe(false);
    await expect(pool.deploy('bad_boot', 's', `(function(){ for(;;){} })`)).rejects.toThrow(StrategyValidationError);
    expect(pool.has('bad_boot')).toBe(false);
    await expectBenignHealthy();
  });
});
