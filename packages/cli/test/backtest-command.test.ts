import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonAvailability } from '@crowdalpha/sandbox';
import { cli } from './helpers.js';

const python = pythonAvailability();
if (!python.available) {
  if (process.env.CI === 'true') throw new Error(`backtest: Python is required under CI=true: ${python.reason}`);
  console.warn(`\n!!! SKIPPING crowdalpha backtest of .py files: ${python.reason}\n`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-bt-'));

describe('crowdalpha backtest', () => {
  it('runs a TypeScript strategy in the sandbox and reports its diagnostics as JSON', async () => {
    const file = path.join(dir, 'alternator.ts');
    writeFileSync(
      file,
      `class Alternator extends BaseAgent {
  onTick(state: MarketState) {
    if (state.tick % 4 === 0) return [market(state.position > 0 ? 'ASK' : 'BID', 1)];
    return [];
  }
  factorVector() { return [0.5]; }
}
`,
    );
    const r = await cli('backtest', file, '--ticks', '200', '--seed', '7', '--json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.strategy_class).toBe('Alternator');
    expect(report.ticks_run).toBe(200);
    expect(report.fills).toBeGreaterThan(0);
    expect(report.silenced).toBeNull();
  });

  it('reports a syntax error with file:line:column and a non-zero exit', async () => {
    const file = path.join(dir, 'broken.ts');
    writeFileSync(file, 'class Broken extends BaseAgent {\n  onTick(state) { return [; }\n}\n');
    const r = await cli('backtest', file, '--ticks', '10');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.ts:2:\d+/);
  });

  it.runIf(python.available)('runs the original Python example (my_strategy.py) in the Python sandbox', async () => {
    const file = path.join(dir, 'my_strategy.py');
    writeFileSync(
      file,
      `class UserMomentum(BaseAgent):
    def __init__(self, agent_id, strategy_type="user_momentum", initial_cash=100000.0, qty=3):
        super().__init__(agent_id=agent_id, strategy_type=strategy_type, initial_cash=initial_cash)
        self.qty = qty
    def on_tick(self, state):
        if state.best_ask is None:
            return []
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.best_ask, qty=self.qty)]
    def factor_vector(self):
        return np.array([0.6, 0.1, 0.8, 0.2, 0.4, 0.7], dtype=float)
`,
    );
    const r = await cli('backtest', file, '--ticks', '100', '--seed', '7', '--json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ strategy_class: 'UserMomentum', ticks_run: 100, silenced: null, sandbox: { language: 'python' } });
    expect(report.fills).toBeGreaterThan(0);
  });

  it.runIf(python.available)('reports a Python syntax error at CPython\'s file:line:column', async () => {
    const file = path.join(dir, 'broken.py');
    writeFileSync(file, 'class Broken(BaseAgent):\n    def on_tick(self, state)\n        return []\n');
    const r = await cli('backtest', file, '--ticks', '10');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.py:2:29 SyntaxError');
  });

  it('refuses a missing file clearly', async () => {
    const r = await cli('backtest', path.join(dir, 'nope.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read strategy file');
  });
});
