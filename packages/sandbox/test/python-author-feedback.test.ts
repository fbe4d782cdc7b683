/**
 * "Nothing silent" for Python strategies (issue #14 point 2, as TypeScript has it), through the
 * real sandbox: print()/logging output is captured per call (capped) into the log tail of the
 * stats and of a backtest; runtime errors carry the strategy's line:column and a short stack of
 * its own frames only; a timeout names its limit; faults follow the same strike policy
 * (maxErrors) as TypeScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox-pool.js';
import { StrategyValidationError } from '../src/errors.js';
import { runBacktest } from '../src/backtest.js';
import { toPythonCompiled } from '../src/python/python-marker.js';
import { readPythonStack } from '../src/python/python-stack.js';
import { ensureBuilt, tickOnce, waitForAnswer } from './helpers.js';
import { pythonSuiteEnabled } from './python-helpers.js';

describe('readPythonStack', () => {
  it('reads the harness frame lines, innermost first, and ignores anything else', () => {
    const m = readPythonStack('strategy.py:7:16 in helper\nstrategy.py:3:16 in on_tick\n  File "<string>", line 9\nstrategy.py:x:1 in bad');
    expect(m).toEqual({ where: { line: 7, column: 16 }, frames: ['helper (7:16)', 'on_tick (3:16)'] });
    expect(readPythonStack('nothing here')).toEqual({ where: null, frames: [] });
  });
});

describe.runIf(pythonSuiteEnabled('python-author-feedback'))('Python strategies tell their author what happened', () => {
  let pool: SandboxPool;
  beforeAll(() => {
    ensureBuilt();
    pool = new SandboxPool({ workers: 1, seed: 5, limits: { watchdogSlackMs: 1_000, logLinesPerCall: 3, logLineChars: 40, logTailLines: 6 } });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('print() and logging reach the log tail, capped per call and per line, counted when dropped', async () => {
    const src = `import logging
logging.basicConfig(level=logging.INFO, format='%(levelname)s %(message)s')
log = logging.getLogger('talker')

class Talker(BaseAgent):
    def on_tick(self, state):
        print('tick', state.tick, 'mid', round(state.mid_price, 2))
        log.info('thinking about %d orders', 0)
        print('x' * 100)
        print('one too many')
        return []
    def factor_vector(self):
        return [1.0]
`;
    const v = await pool.validate('talker', src);
    await pool.deploy('py_talk', 'talker', v.compiled);
    await waitForAnswer(pool, 'py_talk');
    const d = pool.details('py_talk')!;
    const lines = d.log_tail.map((l) => l.line);
    expect(lines.slice(0, 3)).toEqual(['tick 50 mid 100', 'INFO thinking about 0 orders', 'x'.repeat(40)]);
    expect(d.log_tail[0]!.tick).toBe(50);
    expect(d.log_dropped).toBeGreaterThanOrEqual(1);
    await tickOnce(pool, ['py_talk'], 51);
    await tickOnce(pool, ['py_talk'], 52);
    const after = pool.details('py_talk')!;
    expect(after.log_tail).toHaveLength(6);
    expect(after.log_tail.at(-3)!.line).toBe('tick 52 mid 100');
    expect(pool.stats('py_talk').log_lines).toBeGreaterThanOrEqual(9);
  });

  it('logging submodules that open sockets or files are refused at validation with the way to log instead', async () => {
    const err = await pool.validate('bad_log', 'import logging.handlers\nclass A(BaseAgent):\n    def on_tick(self, state):\n        return []\n    def factor_vector(self):\n        return []\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyValidationError);
    expect((err as StrategyValidationError).message).toMatch(/logging\.handlers.*not allowed.*print\(\)/s);
  });

  it('a runtime error names the line:column in the strategy and a short stack of its own frames; faults under maxErrors only cost the tick', async () => {
    const src = `class Divider(BaseAgent):
    def helper(self, n):
        return 10 / n

    def on_tick(self, state):
        print('about to divide')
        return [self.helper(0)]
`;
    await pool.deploy('py_div', 'divider', toPythonCompiled(src));
    await tickOnce(pool, ['py_div'], 60);
    const d = pool.details('py_div')!;
    expect(d.last_error).toMatchObject({ tick: 60, kind: 'error', line: 3, column: 16, stack: ['helper (3:16)', 'on_tick (7:17)'] });
    expect(d.last_error!.message).toBe('error: on_tick raised ZeroDivisionError: division by zero at line 3:16');
    expect(d.log_tail.map((l) => l.line)).toContain('about to divide');
    // The default strike policy (maxErrors 3): two faults leave it active, the third silences it.
    expect(pool.stats('py_div')).toMatchObject({ sandbox_status: 'active', error_strikes: 1, max_errors: 3 });
    await tickOnce(pool, ['py_div'], 61);
    expect(pool.stats('py_div').sandbox_status).toBe('active');
    await tickOnce(pool, ['py_div'], 62);
    expect(pool.stats('py_div')).toMatchObject({ sandbox_status: 'silenced', error_strikes: 3 });
    expect(String(pool.stats('py_div').sandbox_error)).toMatch(/at line 3:16 \(fault 3 of 3 allowed: silenced\)$/);
  });

  it('a constructor error is refused at deploy with its line:column', async () => {
    const src = `class Broken(BaseAgent):
    def __init__(self, agent_id, **kw):
        super().__init__(agent_id=agent_id)
        self.table = {}['missing']
    def on_tick(self, state):
        return []
`;
    const err = await pool.deploy('py_ctor', 'broken', toPythonCompiled(src)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrategyValidationError);
    expect((err as Error).message).toMatch(/constructor raised KeyError: 'missing' at line 4:22/);
  });

  it('a timeout names the limit and keeps what was printed before it', async () => {
    const src = `class Spinner(BaseAgent):
    def on_tick(self, state):
        print('entering the loop')
        while True:
            pass
`;
    await pool.deploy('py_spin', 'spinner', toPythonCompiled(src), { timeout_ms: 50 });
    await tickOnce(pool, ['py_spin'], 70);
    await pool.settled('py_spin');
    const d = pool.details('py_spin')!;
    expect(d.last_error?.message).toBe('timeout: on_tick did not return within its 50 ms limit (timeout_ms; the most a deploy may set is 1000)');
    expect(d.log_tail.map((l) => l.line)).toEqual(['entering the loop']);
    expect(pool.stats('py_spin')).toMatchObject({ timeouts: 1, sandbox_status: 'active', restarts: 1 });
    expect(pool.stop('py_spin')).toBe(true);
    expect(pool.stats('py_spin').sandbox_status).toBe('stopped');
  });

  it('a backtest shows the log lines and the fault with its position', async () => {
    const src = `class Chatty(BaseAgent):
    def on_tick(self, state):
        print('t', state.tick)
        if state.tick == 5:
            raise ValueError('tick five')
        return []
    def factor_vector(self):
        return [1.0]
`;
    const r = await runBacktest({ source: src, ticks: 8, seed: 3 });
    expect(r.details.log_tail.map((l) => l.line)).toEqual(expect.arrayContaining(['t 1', 't 5', 't 8']));
    expect(r.details.last_error).toMatchObject({ tick: 5, line: 5, column: 13 });
    expect(r.details.last_error!.message).toMatch(/ValueError: tick five at line 5:13/);
    expect(r.silenced).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/1 fault\(s\) cost ticks/);
  }, 60_000);
});
