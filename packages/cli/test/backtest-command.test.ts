import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-bt-'));

async function cli(...args: string[]) {
  try {
    const r = await exec(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
