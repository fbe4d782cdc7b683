import { describe, expect, it } from 'vitest';
import { AgentConfigError, createBuiltinAgent } from '../../src/agents/builtin-registry.js';
import { ConfigError, resolveConfig } from '../../src/config.js';

describe('built-in agent parameters', () => {
  // Each of these divides a signal, a skew or a size: 0 turns the agent's orders into NaN prices
  // that are rejected every tick (a market maker that never quotes), so they are refused up front.
  const divisors: [string, string, string][] = [
    ['momentum', 'momentum', 'maxInventory'],
    ['mean_reversion', 'meanReversion', 'maxInventory'],
    ['market_maker', 'marketMaker', 'maxInventory'],
    ['rl_ppo', 'rlPpo', 'maxInventory'],
  ];

  it('refuses a zero maxInventory in the simulation config, naming the path', () => {
    for (const [, section, key] of divisors) {
      expect(() => resolveConfig({ [section]: { [key]: 0 } })).toThrow(ConfigError);
      expect(() => resolveConfig({ [section]: { [key]: 0 } })).toThrow(`config.${section}.${key}: must be > 0, got 0`);
    }
  });

  it('refuses a zero maxInventory as an agent parameter', () => {
    for (const [type, , key] of divisors) {
      expect(() => createBuiltinAgent(type, 'a_1', { [key]: 0 })).toThrow(AgentConfigError);
      expect(() => createBuiltinAgent(type, 'a_1', { [key]: 0 })).toThrow(`parameter "${key}" of ${type} must be > 0, got 0`);
    }
  });

  it('refuses a mean-reversion window that is not a whole number of mids >= 2', () => {
    expect(() => resolveConfig({ meanReversion: { window: 1 } })).toThrow('config.meanReversion.window: must be an integer >= 2, got 1');
    expect(() => createBuiltinAgent('mean_reversion', 'rev_9', { window: 2.5 })).toThrow('parameter "window" of mean_reversion must be an integer >= 2, got 2.5');
  });

  it('refuses a mean-reversion window longer than the history agents are shown (it could never fill)', () => {
    expect(() => resolveConfig({ meanReversion: { window: 150 } })).toThrow(
      'config.meanReversion.window: must be <= stateHistoryLength (100): agents see only that many past mids, got 150',
    );
    expect(resolveConfig({ meanReversion: { window: 150 }, stateHistoryLength: 150 }).meanReversion.window).toBe(150);
    expect(() => createBuiltinAgent('mean_reversion', 'rev_9', { window: 101 })).toThrow(
      'parameter "window" of mean_reversion must be <= stateHistoryLength (100): agents see only that many past mids, got 101',
    );
  });

  it('still builds every type from its defaults and valid overrides', () => {
    expect(createBuiltinAgent('market_maker', 'mm_9', { maxInventory: 10, index: 1 }).params).toEqual({ maxInventory: 10, index: 1 });
    expect(createBuiltinAgent('mean_reversion', 'rev_9', { window: 12 }).strategy).toBe('mean_reversion');
  });
});
