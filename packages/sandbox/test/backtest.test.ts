import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../src/backtest.js';
import { StrategyValidationError } from '../src/errors.js';
import { ensureBuilt } from './helpers.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/strategies');
const example = (f: string) => readFileSync(path.join(dir, f), 'utf8');

beforeAll(() => ensureBuilt());

describe('runBacktest', () => {
  it('runs an example in the sandbox against the default market and reports diagnostics', async () => {
    const progress: number[] = [];
    const r = await runBacktest({ source: example('spread_quoter.ts'), ticks: 300, seed: 7, onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ strategy_class: 'SpreadQuoter', agent_id: 'user_1', seed: 7, ticks: 300, ticks_run: 300, silenced: null });
    expect(r.orders_submitted).toBeGreaterThan(300);
    expect(r.fills).toBeGreaterThan(0);
    for (const k of ['pnl', 'realized_pnl', 'impact_cost', 'phi', 'phi_mean', 'wall_ms'] as const) expect(Number.isFinite(r[k])).toBe(true);
    expect(r.sandbox).toMatchObject({ calls: 300, answered: 300, sandbox_error: null });
    expect(progress.at(-1)).toBe(300);
    expect(progress.length).toBeGreaterThanOrEqual(100);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('is reproducible from the seed and differs across seeds', async () => {
    const src = example('momentum_follower.ts');
    const pick = (r: Awaited<ReturnType<typeof runBacktest>>) => [r.pnl, r.fills, r.orders_submitted, r.final_mid, r.phi];
    const a = await runBacktest({ source: src, ticks: 200, seed: 3 });
    const b = await runBacktest({ source: src, ticks: 200, seed: 3 });
    const c = await runBacktest({ source: src, ticks: 200, seed: 4 });
    expect(pick(a)).toEqual(pick(b));
    expect(pick(c)).not.toEqual(pick(a));
  });

  it('reports a strategy silenced mid-run while the market keeps going', async () => {
    const src = `class Late extends BaseAgent { onTick(s) { if (s.tick > 20 && s.agentId === 'user_1') for (;;) {} return [market('BID', 1)]; } factorVector() { return []; } }`;
    const r = await runBacktest({ source: src, ticks: 60, seed: 1, timeoutMs: 20, limits: { maxErrors: 1 } });
    expect(r.ticks_run).toBe(60);
    expect(r.silenced).toMatch(/timeout: onTick did not return within its 20 ms limit/);
    expect(r.silenced_at_tick).toBe(21);
    expect(r.sandbox.timeouts).toBe(1);
  });

  it('by default a fault costs a strike: the strategy restarts, and the third fault silences it', async () => {
    const src = `class Late extends BaseAgent { onTick(s) { if (s.tick > 20 && s.agentId === 'user_1') for (;;) {} return [market(Side.BID, 1)]; } factorVector() { return []; } }`;
    const r = await runBacktest({ source: src, ticks: 80, seed: 1, timeoutMs: 20 });
    expect(r.sandbox.timeouts).toBe(3);
    expect(r.sandbox.restarts).toBe(2);
    expect(r.silenced).toMatch(/fault 3 of 3 allowed/);
  });

  it('reports a runtime error at the line:column of the source, with its log lines and drop reasons', async () => {
    const src = [
      'class Noisy extends BaseAgent {',
      '  onTick(s: MarketState): OrderIntent[] {',
      "    console.log('tick', s.tick, { mid: s.mid > 0 });",
      '    if (s.tick === 5) {',
      '      const empty: number[] = [];',
      '      empty.reduce((a, b) => a + b);',
      '    }',
      "    return [{ side: Side.BID, type: OrderType.LIMIT, qty: 1, price: s.tick % 2 ? NaN : s.mid }];",
      '  }',
      '  factorVector() { return []; }',
      '}',
    ].join('\n');
    const r = await runBacktest({ source: src, ticks: 10, seed: 1 });
    expect(r.silenced).toBeNull();
    expect(r.details.last_error).toMatchObject({ tick: 5, line: 6, kind: 'error' });
    expect(r.details.last_error!.message).toMatch(/Reduce of empty array.* at line 6:/);
    expect(r.details.last_error!.stack[0]).toMatch(/onTick \(6:\d+\)/);
    expect(r.details.log_tail[0]).toEqual({ tick: 1, line: 'tick 1 {"mid":true}' });
    expect(r.details.drop_reasons[0]!.reason).toMatch(/LIMIT price is missing/);
    expect(r.sandbox.malformed_dropped).toBeGreaterThan(0);
  });

  it('refuses invalid code with positions before running anything', async () => {
    await expect(runBacktest({ source: 'class X extends BaseAgent {\n onTick( }', ticks: 10 })).rejects.toBeInstanceOf(StrategyValidationError);
    await expect(runBacktest({ source: example('template.ts'), ticks: 0 })).rejects.toThrow(/ticks/);
  });
});
