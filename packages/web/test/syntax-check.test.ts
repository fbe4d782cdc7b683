import { describe, expect, it } from 'vitest';
import { STRATEGY_TEMPLATE } from '../src/lib/strategy-template.js';
import { checkStrategySource, positionOf } from '../src/lib/syntax-check.js';

describe('client-side strategy check', () => {
  it('accepts the shipped template', () => {
    expect(checkStrategySource(STRATEGY_TEMPLATE)).toEqual([]);
  });

  it('reports an unclosed bracket at the line it was opened', () => {
    const code = 'class A extends BaseAgent {\n  onTick(s) {\n    return [1, 2;\n  }\n  factorVector() { return []; }\n}';
    const p = checkStrategySource(code);
    expect(p).toEqual([expect.objectContaining({ line: 3, column: 12, message: "'[' is never closed (found '}' at line 4:3 first)" })]);
  });

  it('ignores brackets inside strings and comments', () => {
    const code = "class A extends BaseAgent {\n  // ) } ]\n  onTick(s) { const x = '(('; return []; }\n  factorVector() { return []; } /* { */\n}";
    expect(checkStrategySource(code)).toEqual([]);
  });

  it('reports an unterminated string with its position', () => {
    const p = checkStrategySource("class A extends BaseAgent {\n  onTick(s) { const x = 'abc; return []; }\n  factorVector() { return []; }\n}");
    expect(p.find((x) => /Unterminated string/.test(x.message))).toMatchObject({ line: 2, column: 25 });
  });

  it('requires exactly one BaseAgent class and both methods', () => {
    expect(checkStrategySource('class A {}').map((p) => p.message).join('\n')).toMatch(/No class extends BaseAgent[\s\S]*onTick[\s\S]*factorVector/);
    const two = 'class A extends BaseAgent { onTick() { return []; } factorVector() { return []; } }\nclass B extends BaseAgent {}';
    expect(checkStrategySource(two)).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/Exactly one class/) })]);
  });

  it('refuses import and require at their line', () => {
    const code = "import x from 'y';\nclass A extends BaseAgent { onTick() { return require('z'); } factorVector() { return []; } }";
    const lines = checkStrategySource(code).map((p) => p.line);
    expect(lines).toEqual([1, 2]);
  });

  it('positions are 1-based line:column', () => {
    expect(positionOf('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
