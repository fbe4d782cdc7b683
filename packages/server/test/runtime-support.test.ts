import { describe, expect, it } from 'vitest';
import { runtimeSupport } from '../src/runtime-support.js';

const at = (iso: string): number => Date.parse(iso);

describe('runtime support', () => {
  it('flags Node 20 as end of life from 2026-04-30 and says what it means for strategies', () => {
    const r = runtimeSupport('v20.20.2', at('2026-11-27T12:00:00Z'));
    expect(r).toMatchObject({ node: 'v20.20.2', supported: true, end_of_life: true, end_of_life_date: '2026-04-30' });
    expect(r.warning).toMatch(/end of life on 2026-04-30.*V8.*security fixes.*Node\.js 24 LTS/);
  });

  it('does not flag Node 20 before its end of life', () => {
    const r = runtimeSupport('20.19.0', at('2026-04-29T23:59:59Z'));
    expect(r.end_of_life).toBe(false);
    expect(r.warning).toBeNull();
  });

  it('has nothing to say about Node 22 and 24 in their support window', () => {
    for (const v of ['v22.23.3', 'v24.21.0']) {
      const r = runtimeSupport(v, at('2026-11-27T00:00:00Z'));
      expect(r).toMatchObject({ supported: true, end_of_life: false, warning: null });
    }
  });

  it('calls an untested major unsupported', () => {
    const r = runtimeSupport('v25.1.0', at('2026-11-27T00:00:00Z'));
    expect(r.supported).toBe(false);
    expect(r.end_of_life_date).toBeNull();
    expect(r.warning).toMatch(/not a runtime CrowdAlpha is tested on/);
  });
});
