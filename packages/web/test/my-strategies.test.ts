// @vitest-environment jsdom
/** Templates are the built-ins plus this browser's own strategies; the params field is checked before sending. */
import { beforeEach, describe, expect, it } from 'vitest';
import { myStrategies, ownTemplates, paramsReadBy, parseParams, rememberMyStrategy } from '../src/lib/my-strategies.js';

beforeEach(() => localStorage.clear());

describe('my strategies', () => {
  it('lists the built-ins and only the user strategies this browser registered', () => {
    const all = [
      { type: 'momentum', builtin: true },
      { type: 'someone_elses', builtin: false },
      { type: 'mine', builtin: false },
    ];
    expect(ownTemplates(all).map((t) => t.type)).toEqual(['momentum']);
    rememberMyStrategy('mine');
    rememberMyStrategy('mine');
    expect(myStrategies()).toEqual(['mine']);
    expect(ownTemplates(all).map((t) => t.type)).toEqual(['momentum', 'mine']);
  });
  it('reads the params a strategy uses and parses the params field', () => {
    expect(paramsReadBy('const s = Number(this.params.size ?? 1); const t = this.options.threshold; this.params.size;')).toEqual(['size', 'threshold']);
    expect(parseParams('{"size": 3}')).toEqual({ ok: true, value: { size: 3 } });
    expect(parseParams('')).toEqual({ ok: true, value: {} });
    expect(parseParams('[1]')).toMatchObject({ ok: false, error: expect.stringMatching(/JSON object/) });
    expect(parseParams('{size: 3}')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
  });
});
