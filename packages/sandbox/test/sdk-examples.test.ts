/**
 * The SDK's ambient declarations type-check the shipped examples (a real TypeScript program,
 * strict), examples/strategies/sdk.d.ts is the same text as SDK_AMBIENT_DTS, and every example
 * passes static validation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SDK_AMBIENT_DTS } from '../src/sdk/ambient.js';
import { compileStrategy } from '../src/validate-source.js';
import * as sdk from '../src/sdk/index.js';
import { syntheticMarketState } from '../src/synthetic-state.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/strategies');
const examples = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

describe('SDK and examples', () => {
  it('examples/strategies/sdk.d.ts is the published ambient SDK', () => {
    expect(readFileSync(path.join(dir, 'sdk.d.ts'), 'utf8')).toBe(SDK_AMBIENT_DTS);
  });

  it('ships a template and at least two examples', () => {
    expect(examples).toContain('template.ts');
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it('every example type-checks against the ambient SDK under strict settings', () => {
    const files = [path.join(dir, 'sdk.d.ts'), ...examples.map((f) => path.join(dir, f))];
    const program = ts.createProgram(files, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], noUnusedLocals: false });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diags).toEqual([]);
  });

  it('the ambient SDK rejects a wrong strategy (the check can fail)', () => {
    const bad = path.join(dir, 'sdk.d.ts');
    const host = ts.createCompilerHost({});
    const orig = host.getSourceFile;
    host.getSourceFile = (name, lang) =>
      name === '/virtual/bad.ts'
        ? ts.createSourceFile(name, `class B extends BaseAgent { onTick(s: MarketState) { return [limit('UP', s.mid, 1)]; } }`, lang)
        : orig(name, lang);
    const program = ts.createProgram([bad, '/virtual/bad.ts'], { strict: true, noEmit: true, lib: ['lib.es2022.d.ts'], types: [] }, host);
    expect(ts.getPreEmitDiagnostics(program).length).toBeGreaterThan(0);
  });

  it('the ambient SDK describes exactly the engine MarketState and OrderIntent (no drift)', () => {
    const engineTypes = path.resolve(dir, '../../packages/engine/src/types');
    const check = (body: string) => {
      const host = ts.createCompilerHost({});
      const orig = host.getSourceFile;
      host.getSourceFile = (name, lang) => (name === '/virtual/drift.ts' ? ts.createSourceFile(name, body, lang) : orig(name, lang));
      const options = { strict: true, noEmit: true, lib: ['lib.es2022.d.ts'], types: [], moduleResolution: ts.ModuleResolutionKind.Node10 };
      const program = ts.createProgram([path.join(dir, 'sdk.d.ts'), '/virtual/drift.ts'], options, host);
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    const both = `import type { MarketState as EngineState, OrderIntent as EngineIntent } from '${engineTypes}';
declare const e: EngineState; declare const a: MarketState;
export const toAmbient: MarketState = e; export const toEngine: EngineState = a;
declare const ei: EngineIntent; declare const ai: OrderIntent;
export const i1: OrderIntent = ei; export const i2: EngineIntent = ai;`;
    expect(check(both)).toEqual([]);
    // and the check can fail: a field the engine does not have
    expect(check(`import type { MarketState as EngineState } from '${engineTypes}';
declare const a: MarketState & { extra: 1 }; export const x: EngineState & { extra: 2 } = a;`).length).toBeGreaterThan(0);
  });

  it('every example passes static validation', () => {
    for (const f of examples) expect(compileStrategy(readFileSync(path.join(dir, f), 'utf8')).className).toMatch(/^[A-Z]/);
  });

  it('the host-side SDK twin runs a strategy class locally with the same helpers', () => {
    class Local extends sdk.BaseAgent<{ size?: number }> {
      onTick(state: sdk.MarketState): sdk.OrderIntent[] {
        return [sdk.limit(sdk.Side.BID, state.mid - 0.01, this.params.size ?? 1), sdk.market('ASK', 2), sdk.cancel(7)];
      }
    }
    const a = new Local({ size: 3 }, 5);
    expect(a.onTick(syntheticMarketState())).toEqual([
      { side: 'BID', type: 'LIMIT', price: 99.99, qty: 3 },
      { side: 'ASK', type: 'MARKET', qty: 2, price: null },
      { side: 'BID', type: 'CANCEL', qty: 0, price: null, cancelTarget: 7 },
    ]);
    expect(a.random.next()).toBe(new Local({}, 5).random.next());
    expect(a.factorVector()).toEqual([]);
    expect(sdk.OrderType.CANCEL).toBe('CANCEL');
  });
});
