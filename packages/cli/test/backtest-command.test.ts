import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

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

  it('refuses a missing file clearly', async () => {
    const r = await cli('backtest', path.join(dir, 'nope.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read strategy file');
  });
});
