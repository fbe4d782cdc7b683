/**
 * Python strategies in the sandbox pool: the original's contract (issue #13 example unchanged,
 * constructor kwargs from the deploy config, numpy factor vectors, state attribute names),
 * validation with line:column, the import allowlist, language detection, and the same deadline,
 * silencing, restart and stop behaviour as TypeScript strategies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox-pool.js';
import { StrategyValidationError } from '../src/errors.js';
import { detectLanguage, resolveLanguage } from '../src/python/language.js';
import { PYTHON_ALLOWED_IMPORTS } from '../src/python/validate-python.js';
import { harnessSource } from '../src/python/harness-source.js';
import { isPythonCompiled } from '../src/python/python-marker.js';
import { BENIGN, ensureBuilt, tickOnce, waitForAnswer, waitForSilence } from './helpers.js';
import { BENIGN_PY, pythonSuiteEnabled, USER_MOMENTUM_PY } from './python-helpers.js';
import { compileStrategy } from '../src/validate-source.js';

describe('language detection', () => {
  it('class Name( or def name( at a line start means Python; an explicit language wins', () => {
    expect(detectLanguage(USER_MOMENTUM_PY)).toBe('python');
    expect(detectLanguage(BENIGN)).toBe('typescript');
    expect(detectLanguage('def helper(x):\n    return x\n')).toBe('python');
    expect(detectLanguage('class A extends BaseAgent { onTick() { return []; } }')).toBe('typescript');
    expect(resolveLanguage(BENIGN, 'python')).toBe('python');
    expect(resolveLanguage(USER_MOMENTUM_PY, 'typescript')).toBe('typescript');
    expect(() => resolveLanguage('x', 'ruby')).toThrow(/typescript, python/);
  });

  it('the host-side import allowlist is the harness allowlist', () => {
    const m = /ALLOWED_IMPORTS = frozenset\(\(([^)]*)\)\)/.exec(harnessSource());
    const harnessList = [...(m?.[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((x) => x[1]);
    expect(harnessList.sort()).toEqual([...PYTHON_ALLOWED_IMPORTS].sort());
  });
});

describe.runIf(pythonSuiteEnabled('python-strategy'))('Python strategies', () => {
  let pool: SandboxPool;
  beforeAll(() => {
    ensureBuilt();
    // maxErrors 1: a fault silences at once (the default restarts a strategy twice first).
    pool = new SandboxPool({ workers: 1, limits: { watchdogSlackMs: 300, maxErrors: 1 } });
  });
  afterAll(async () => {
    await pool?.close();
  });

  async function validationError(source: string, language?: string): Promise<StrategyValidationError> {
    const err = await pool.validate('some_strategy', source, language).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StrategyValidationError);
    return err as StrategyValidationError;
  }

  it('the original example registers, deploys with constructor kwargs and trades unchanged', async () => {
    const v = await pool.validate('user_momentum', USER_MOMENTUM_PY);
    expect(v.language).toBe('python');
    expect(v.className).toBe('UserMomentum');
    expect(isPythonCompiled(v.compiled)).toBe(true);
    const agent = await pool.deploy('py_mom', 'user_momentum', v.compiled, { params: { qty: 7 }, timeout_ms: 300 });
    const orders = await waitForAnswer(pool, 'py_mom');
    expect(orders).toEqual([{ side: 'BID', type: 'LIMIT', qty: 7, price: expect.any(Number) }]);
    expect(agent.factorVector()).toEqual([0.6, 0.1, 0.8, 0.2, 0.4, 0.7]);
    expect(pool.stats('py_mom')).toMatchObject({ language: 'python', timeout_ms: 300, sandbox_status: 'active' });
  });

  it('sees every state attribute of the original, with plain Python values', async () => {
    const src = `class Probe(BaseAgent):
    NAMES = ['tick', 'mid_price', 'best_bid', 'best_ask', 'spread', 'bid_levels', 'ask_levels', 'recent_trades',
             'inventory', 'cash', 'pnl', 'volatility', 'vwap', 'crowding_intensity', 'crowding_side_pressure',
             'impact_buy_mult', 'impact_sell_mult']
    def on_tick(self, state):
        self.ok = all(hasattr(state, n) for n in self.NAMES)
        self.levels = len(state.bid_levels) + len(state.ask_levels)
        p, q = state.bid_levels[0]
        self.shape = 1 if p == state.best_bid and q > 0 and isinstance(state.recent_trades[0], dict) else 0
        return [Order(agent_id=self.agent_id, side=Side.ASK, order_type=OrderType.MARKET, qty=2.6)]
    def factor_vector(self):
        return np.array([1.0 if self.ok else 0.0, self.levels, self.shape, float('nan')])
`;
    const v = await pool.validate('state_probe', src);
    const agent = await pool.deploy('py_probe', 'state_probe', v.compiled, { timeout_ms: 300 });
    const orders = await waitForAnswer(pool, 'py_probe');
    expect(orders).toEqual([{ side: 'ASK', type: 'MARKET', qty: 3, price: null }]);
    expect(agent.factorVector()).toEqual([1, 10, 1, 0]);
    expect(pool.stats('py_probe').qty_clamped).toBeGreaterThanOrEqual(1);
  });

  it('reports syntax errors at line:column from CPython, refused imports at their line, and contract problems', async () => {
    const syntax = await validationError('class A(BaseAgent):\n    def on_tick(self, state):\n        return [\n');
    expect(syntax.diagnostics[0]).toMatchObject({ rule: 'syntax', line: 3, column: 16 });
    const imp = await validationError('import math\nimport os\nclass A(BaseAgent):\n    def on_tick(self, s):\n        return []\n    def factor_vector(self):\n        return []\n');
    expect(imp.diagnostics).toEqual([expect.objectContaining({ rule: 'import', line: 2, column: 1, message: expect.stringMatching(/'os' is not allowed/) })]);
    const two = await validationError('class A(BaseAgent):\n    def on_tick(self, s): return []\nclass B(BaseAgent):\n    def on_tick(self, s): return []\n');
    expect(two.diagnostics[0]).toMatchObject({ rule: 'class', line: 3 });
    const noTick = await validationError('class A(BaseAgent):\n    def factor_vector(self): return []\n');
    expect(noTick.diagnostics[0]).toMatchObject({ rule: 'methods', line: 1 });
    const noFactors = await validationError('class A(BaseAgent):\n    def on_tick(self, s):\n        return []\n');
    expect(noFactors.diagnostics[0]).toMatchObject({ rule: 'methods', message: expect.stringMatching(/factor_vector/) });
    const probe = await validationError('class A(BaseAgent):\n    def on_tick(self, s):\n        return 1 / 0\n    def factor_vector(self):\n        return []\n');
    expect(probe.diagnostics[0]).toMatchObject({ rule: 'probe', message: expect.stringMatching(/ZeroDivisionError/) });
    // Python code declared as TypeScript fails as TypeScript (the explicit language wins).
    const asTs = await validationError(USER_MOMENTUM_PY, 'typescript');
    expect(asTs.diagnostics[0]?.rule).not.toBe('probe');
  });

  it('allowed imports work; the runtime refuses others even when the checker is bypassed', async () => {
    const v = await pool.validate('uses_math', 'import math\nfrom collections import deque\nclass A(BaseAgent):\n    def on_tick(self, s):\n        self.q = deque([math.sqrt(16)])\n        return []\n    def factor_vector(self):\n        try:\n            __import__("os")\n            return [self.q[0], 1]\n        except ImportError:\n            return [self.q[0], 0]\n');
    const agent = await pool.deploy('py_imports', 'uses_math', v.compiled);
    await waitForAnswer(pool, 'py_imports');
    expect(agent.factorVector()).toEqual([4, 0]);
  });

  it('a call over its deadline is a timeout: the agent is silenced and its worker ends, like TypeScript', async () => {
    const v = await pool.validate('slowpoke', 'class A(BaseAgent):\n    def on_tick(self, s):\n        self.n = getattr(self, "n", 0) + 1\n        if self.n > 1:\n            while True:\n                pass\n        return []\n    def factor_vector(self):\n        return []\n');
    await pool.deploy('py_slow', 'slowpoke', v.compiled, { timeout_ms: 30 });
    const reason = await waitForSilence(pool, 'py_slow');
    expect(reason).toMatch(/^timeout: /);
    expect(pool.stats('py_slow')).toMatchObject({ timeouts: 1, sandbox_status: 'silenced' });
  });

  it('a worker that dies is restarted with a strike; a TypeScript neighbour in the same pool is untouched', async () => {
    await pool.deploy('ts_benign', 'benign', compileStrategy(BENIGN).code, { timeout_ms: 300 });
    const v = await pool.validate('benign_py', BENIGN_PY);
    await pool.deploy('py_benign', 'benign_py', v.compiled, { timeout_ms: 300 });
    await waitForAnswer(pool, 'py_benign');
    const pid = pool.agent('py_benign')!.runnerPid!;
    process.kill(pid, 'SIGKILL');
    // The kill lands between ticks or during one; either way the agent comes back in a new worker.
    for (let i = 0; i < 100 && pool.agent('py_benign')!.runnerPid === pid; i++) await tickOnce(pool, ['py_benign', 'ts_benign']);
    await waitForAnswer(pool, 'py_benign');
    expect(pool.agent('py_benign')!.runnerPid).not.toBe(pid);
    expect(pool.stats('py_benign').restarts).toBe(1);
    expect(await waitForAnswer(pool, 'ts_benign')).toHaveLength(2);
  });

  it('stop tears the worker down', async () => {
    const v = await pool.validate('benign_py', BENIGN_PY);
    await pool.deploy('py_stop', 'benign_py', v.compiled);
    await waitForAnswer(pool, 'py_stop');
    const pid = pool.agent('py_stop')!.runnerPid!;
    expect(pool.stop('py_stop', 'stopped by its owner')).toBe(true);
    // A stop is not a sandbox fault: the status says stopped, the reason is the agent's status reason.
    expect(pool.stats('py_stop')).toMatchObject({ sandbox_status: 'stopped', sandbox_error: null });
    expect(pool.agent('py_stop')!.silencedReason).toBe('stopped by its owner');
    expect(pool.pythonWorkerPids()).not.toContain(pid);
    const r = await tickOnce(pool, ['py_stop']);
    expect(r.has('py_stop')).toBe(false);
  });
});
