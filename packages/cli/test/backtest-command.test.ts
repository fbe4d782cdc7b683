import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

// Each test spawns the CLI: a fresh Node process that type-checks the strategy and starts sandbox runners,
// which on a loaded CI machine takes longer than the default 30 s; the same bound as cli()'s own.
describe('crowdalpha backtest', { timeout: 120_000 }, () => {
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
      readFileSync(new URL('../../../examples/strategies/user_momentum.py', import.meta.url), 'utf8'),
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

  it('prints dropped orders with reasons, warns when every order was dropped, and shows console output', async () => {
    const file = path.join(dir, 'dropper.ts');
    writeFileSync(
      file,
      `class Dropper extends BaseAgent {
  onTick(state: MarketState): OrderIntent[] {
    console.log('mid', state.mid);
    return [limit(Side.BID, state.bestBid === null ? NaN : NaN, 1)];
  }
  factorVector() { return []; }
}
`,
    );
    const r = await cli('backtest', file, '--ticks', '20', '--no-progress');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/20 dropped by the sandbox \(20 malformed/);
    expect(r.stdout).toMatch(/order 1: dropped: LIMIT price is missing/);
    expect(r.stdout).toMatch(/WARNING +every order was dropped \(20\)/);
    expect(r.stdout).toMatch(/\[1\] mid \d/);
  });

  it('exits 3 when the strategy is silenced, naming the error at its line:column', async () => {
    const file = path.join(dir, 'thrower.ts');
    writeFileSync(file, `class Thrower extends BaseAgent {\n  onTick(state: MarketState): OrderIntent[] {\n    if (state.tick > 3 && state.agentId === 'user_1') throw new RangeError('bad tick');\n    return [];\n  }\n  factorVector() { return []; }\n}\n`);
    const r = await cli('backtest', file, '--ticks', '20', '--no-progress');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/SILENCED +at tick \d+: error: onTick threw: RangeError: bad tick at line 3:\d+/);
    expect(r.stderr).toMatch(/silenced at tick/);
  });

  it('--out writes trades.csv and equity.csv; --params refuses a name the strategy does not read', async () => {
    const file = path.join(dir, 'taker.ts');
    writeFileSync(file, `class Taker extends BaseAgent<{ size?: number }> {\n  onTick(state: MarketState): OrderIntent[] { return state.tick % 5 === 0 ? [market(state.position > 0 ? Side.ASK : Side.BID, Number(this.params.size ?? 1))] : []; }\n  factorVector() { return []; }\n}\n`);
    const out = path.join(dir, 'out');
    const r = await cli('backtest', file, '--ticks', '50', '--no-progress', '--out', out);
    expect(r.code).toBe(0);
    const trades = readFileSync(path.join(out, 'trades.csv'), 'utf8').trim().split('\n');
    expect(trades[0]).toBe('tick,side,price,qty,aggressor,counterparty');
    expect(trades.length).toBeGreaterThan(1);
    const equity = readFileSync(path.join(out, 'equity.csv'), 'utf8').trim().split('\n');
    expect(equity).toHaveLength(51);
    const params = path.join(dir, 'params.json');
    writeFileSync(params, JSON.stringify({ sise: 3 }));
    const bad = await cli('backtest', file, '--ticks', '5', '--no-progress', '--params', params);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/params\.sise is not read by this strategy; did you mean size\?/);
  });

  it('refuses a missing file clearly', async () => {
    const r = await cli('backtest', path.join(dir, 'nope.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read strategy file');
  });
});
