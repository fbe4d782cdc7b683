import { describe, expect, it } from 'vitest';
import { StrategyValidationError } from '../src/errors.js';
import { checkStrategyName, compileStrategy } from '../src/validate-source.js';
import { checkParams } from '../src/strategy-params.js';

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
  it('accepts the documented rule and rejects the rest with the rule named', () => {
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

describe('type-check against the SDK declarations', () => {
  const tick = (body: string) => `class S extends BaseAgent {\n  onTick(state) {\n    ${body}\n  }\n  factorVector() { return []; }\n}`;

  it('refuses Side.BUY at its line:column and says what to write', () => {
    const d = diagnosticsOf(() => compileStrategy(tick('return [limit(Side.BUY, state.mid, 1)];')));
    expect(d[0]).toMatchObject({ rule: 'type', line: 3, column: 24 });
    expect(d[0]!.message).toContain('Side.BID');
  });
  it("refuses the original API's snake_case state fields with the camelCase name", () => {
    const d = diagnosticsOf(() => compileStrategy(tick('return [limit(Side.BID, state.best_bid, 1)];')));
    expect(d[0]).toMatchObject({ rule: 'type', line: 3 });
    expect(d[0]!.message).toMatch(/write state\.bestBid/);
  });
  it('refuses a plain "buy" side in a returned order (untyped JavaScript too)', () => {
    const d = diagnosticsOf(() => compileStrategy(tick("return [{ side: 'buy', type: 'MARKET', qty: 1 }];")));
    expect(d[0]!.rule).toBe('type');
    expect(d[0]!.message).toMatch(/Side\.BID/);
  });
  it('suggests the method a misspelt onTick meant, at the misspelt name', () => {
    const d = diagnosticsOf(() => compileStrategy(`class S extends BaseAgent {\n  onTik(state) { return []; }\n  factorVector() { return []; }\n}`));
    expect(d[0]).toMatchObject({ rule: 'methods', line: 2, column: 3 });
    expect(d[0]!.message).toMatch(/did you mean onTick/);
  });
  it('suggests SDK globals for misspelt names', () => {
    const d = diagnosticsOf(() => compileStrategy(tick('return [limt(Side.BID, state.mid, 1)];')));
    expect(d[0]!.message).toMatch(/did you mean limit/);
  });
  it("keeps untyped JavaScript working (fields assigned in the constructor) and only warns about the author's own type errors", () => {
    const js = `class S extends BaseAgent {\n  constructor(o) { super(o); this.n = 0; }\n  onTick(state) { this.n++; return this.n > 1 ? [market(Side.BID, 1)] : []; }\n  factorVector() { return [this.n]; }\n}`;
    expect(compileStrategy(js).warnings).toEqual([]);
    const own = compileStrategy(`class S extends BaseAgent { onTick(s: MarketState) { const x: number = 'a' as string; return []; } factorVector() { return []; } }`);
    expect(own.warnings[0]).toMatchObject({ severity: 'warning', rule: 'type_warning', line: 1 });
  });
  it('tells a Python author how Python strategies are registered', () => {
    const d = diagnosticsOf(() => compileStrategy(`class S(BaseAgent):\n    def on_tick(self, state):\n        return []\n`));
    expect(d[0]!.rule).toBe('language');
    expect(d[0]!.message).toContain('language: "python"');
  });
  it('lists the params a strategy reads, and checkParams catches a typo', () => {
    const c = compileStrategy(`class S extends BaseAgent<{ threshold?: number }> { onTick(s: MarketState) { const w = Number(this.params.window ?? 3); return []; } factorVector() { return []; } }`);
    expect(c.params).toEqual({ names: [{ name: 'threshold', type: 'number' }, { name: 'window' }], open: false });
    expect(checkParams({ treshold: 1 }, c.params)[0]!.message).toMatch(/params\.treshold .*did you mean threshold/);
    expect(checkParams({ threshold: 1, window: 2 }, c.params)).toEqual([]);
  });
});

describe('pathological nesting (the parser would overflow its stack)', () => {
  const inBody = (expr: string) => `class S extends BaseAgent { onTick(state: MarketState): OrderIntent[] { const x = ${expr}; return []; } factorVector(): number[] { return [1]; } }`;

  it('refuses 1,000 nested brackets, parentheses or blocks with a nesting diagnostic', () => {
    for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}']] as const) {
      const d = diagnosticsOf(() => compileStrategy(inBody(`${open.repeat(1000)}1${close.repeat(1000)}`)));
      expect(d[0]).toMatchObject({ rule: 'nesting', line: 1 });
      expect(d[0]?.message).toMatch(/nested more than 200 levels/);
    }
  });

  it('refuses deep nesting without brackets (unary chains, conditionals) instead of throwing RangeError', () => {
    for (const expr of ['!'.repeat(30_000) + '1', 'a?'.repeat(10_000) + '1' + ':1'.repeat(10_000), '- '.repeat(15_000) + '1']) {
      const d = diagnosticsOf(() => compileStrategy(inBody(expr), { maxSourceChars: 100_000 }));
      expect(d[0]?.rule).toBe('nesting');
    }
  });

  it('ignores brackets inside strings and comments, and still compiles ordinary code afterwards', () => {
    const text = '('.repeat(300);
    expect(compileStrategy(inBody(`${JSON.stringify(text)} /* ${text} */`)).className).toBe('S');
    expect(compileStrategy(OK).className).toBe('S');
  });
});
