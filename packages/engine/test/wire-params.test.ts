import { describe, expect, it } from 'vitest';
import { paramsFromWire } from '../src/wire/params.js';

describe('agent parameters from the wire', () => {
  it("reads the original's momentum thresholds as relative price gaps unless volatility_units is given", () => {
    expect(paramsFromWire('momentum', { entry_threshold: 0.0005 })).toEqual({ limitThreshold: 0.0005, volatilityUnits: false });
    expect(paramsFromWire('momentum', { entry_threshold: 0.0005, market_threshold: 0.002 })).toEqual({
      limitThreshold: 0.0005,
      marketThreshold: 0.002,
      volatilityUnits: false,
    });
    expect(paramsFromWire('momentum', { entry_threshold: 2, volatility_units: true })).toEqual({ limitThreshold: 2, volatilityUnits: true });
    // The engine's own names keep the preset's units.
    expect(paramsFromWire('momentum', { limit_threshold: 2 })).toEqual({ limitThreshold: 2 });
  });
});
