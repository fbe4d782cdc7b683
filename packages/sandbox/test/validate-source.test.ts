import { describe, expect, it } from 'vitest';
import { StrategyValidationError } from '../src/errors.js';
import { checkStrategyName, compileStrategy } from '../src/validate-source.js';

function diagnosticsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StrategyValidationError);
    expect((err as StrategyValidationError).code).toBe('STRATEGY_INVALID');
    return (err as StrategyValidationError).diagnostics;
  }
  throw new Error('expected a StrategyValidationError');
}

const OK = `class S extends BaseAgent { onTick(state: MarketState): OrderIntent[] { return []; } factorVector(): number[] { return [1]; } }`;

describe('strategy names', () => {
  it('accepts the SPEC rule and rejects the rest with the rule named', () => {
    expect(checkStrategyName('my_strategy')).toEqual([]);
    expect(checkStrategyName('abc')).toEqual([]);
    for (const bad of ['ab', '1abc', '_abc', 'a-bc', 'a'.repeat(65), '', 42]) {
      expect(checkStrategyName(bad)[0]?.rule).toBe('name');
    }
  });
  it('rejects built-in names in any case', () => {
    for (const n of ['momentum', 'mean_reversion', 'market_maker', 'rl_ppo', 'Momentum']) expect(checkStrategyName(n)[0]?.rule).toBe('reserved_name');
  });
});

describe('compileStrategy', () => {
  it('compiles TypeScript and returns a wrapper that yields the class', () => {
    const c = compileStrategy(OK);
    expect(c.className).toBe('S');
    expect(c.code.startsWith('(function (exports, module) {')).toBe(true);
    expect(c.code).toContain('return (S)');
  });
  it('accepts plain JavaScript, export default and the seed snake_case method names', () => {
    expect(compileStrategy(`export default class extends BaseAgent { on_tick(s) { return []; } factor_vector() { return []; } }`).code).toContain('module.exports.default');
    expect(compileStrategy(`const X = class extends BaseAgent { onTick = (s) => []; factorVector() { return []; } };`).className).toBe('default');
    expect(compileStrategy(`export class Y extends BaseAgent { onTick(s) { return []; } factorVector() { return []; } }`).className).toBe('Y');
  });
  it('reports syntax errors with line and column', () => {
    const d = diagnosticsOf(() => compileStrategy(`class S extends BaseAgent {\n  onTick(state) { return [; }\n  factorVector() { return []; }\n}`));
    expect(d[0]).toMatchObject({ rule: 'syntax', line: 2 });
    expect(d[0]!.column).toBeGreaterThan(1);
  });
  it('rejects no class, two classes and missing methods', () => {
    expect(diagnosticsOf(() => compileStrategy(`function onTick() { return []; }`))[0]!.rule).toBe('class');
    const two = diagnosticsOf(() => compileStrategy(`${OK}\nclass T extends BaseAgent { onTick() { return []; } factorVector() { return []; } }`));
    expect(two[0]).toMatchObject({ rule: 'class', line: 2 });
    const methods = diagnosticsOf(() => compileStrategy(`class S extends BaseAgent { tick() { return []; } }`));
    expect(methods.map((d) => d.rule)).toEqual(['methods', 'methods']);
  });
  it('allows helper classes that do not extend BaseAgent but insists the strategy is top level', () => {
    expect(compileStrategy(`class Helper {}\n${OK}`).className).toBe('S');
    expect(diagnosticsOf(() => compileStrategy(`function f() { return class extends BaseAgent { onTick() { return []; } factorVector() { return []; } }; }`))[0]!.rule).toBe('class');
  });
  it('rejects import, require, dynamic import and import.meta with positions', () => {
    const cases = [`import fs from 'fs';\n${OK}`, `const fs = require('fs');\n${OK}`, `${OK}\nconst m = import('fs');`, `${OK}\nconst u = import.meta.url;`, `export * from 'fs';\n${OK}`];
    for (const src of cases) {
      const d = diagnosticsOf(() => compileStrategy(src));
      expect(d.some((x) => x.rule === 'import' && typeof x.line === 'number')).toBe(true);
    }
  });
  it('enforces the 32,000 character limit and non-empty code', () => {
    expect(diagnosticsOf(() => compileStrategy(OK + ' '.repeat(32_001 - OK.length)))[0]!.rule).toBe('size');
    expect(compileStrategy(OK + ' '.repeat(32_000 - OK.length)).className).toBe('S');
    expect(diagnosticsOf(() => compileStrategy('   '))[0]!.rule).toBe('size');
    expect(diagnosticsOf(() => compileStrategy(null))[0]!.rule).toBe('size');
  });
});
