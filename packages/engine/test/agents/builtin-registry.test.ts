import { describe, expect, it } from 'vitest';
import { AgentConfigError, createBuiltinAgent } from '../../src/agents/builtin-registry.js';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { MAX_AGENT_INDEX, MAX_AGENT_PARAM, MAX_AGENT_QTY } from '../../src/agents/agent-param-rules.js';

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

  it('refuses order sizes that could never trade: 0, a fraction, 1e308, 2^64', () => {
    for (const type of ['momentum', 'mean_reversion', 'market_maker']) {
      for (const qty of [0, 0.5, MAX_AGENT_QTY + 1]) {
        expect(() => createBuiltinAgent(type, 'a_1', { qty })).toThrow(`parameter "qty" of ${type} must be between 1 and ${MAX_AGENT_QTY} (an order size), got ${qty}`);
      }
      for (const qty of [1e308, 2 ** 64]) expect(() => createBuiltinAgent(type, 'a_1', { qty })).toThrow(`parameter "qty" of ${type} must be`);
      expect(createBuiltinAgent(type, 'a_1', { qty: MAX_AGENT_QTY }).params).toEqual({ qty: MAX_AGENT_QTY });
    }
    expect(() => resolveConfig({ marketMaker: { qty: 0 } })).toThrow('config.marketMaker.qty: must be between 1 and');
  });

  it('bounds every numeric parameter and the variant index', () => {
    expect(() => createBuiltinAgent('momentum', 'a_1', { maxInventory: 2 ** 64 })).toThrow(`parameter "maxInventory" of momentum must be a finite number between 0 and ${MAX_AGENT_PARAM}`);
    expect(() => createBuiltinAgent('momentum', 'a_1', { index: 1.5 })).toThrow(`parameter "index" of momentum must be an integer between 0 and ${MAX_AGENT_INDEX}`);
    expect(() => createBuiltinAgent('momentum', 'a_1', { index: MAX_AGENT_INDEX + 1 })).toThrow('parameter "index"');
    expect(createBuiltinAgent('momentum', 'a_1', { index: MAX_AGENT_INDEX }).params).toEqual({ index: MAX_AGENT_INDEX });
  });

  it('still builds every type from its defaults and valid overrides', () => {
    expect(createBuiltinAgent('market_maker', 'mm_9', { maxInventory: 10, index: 1 }).params).toEqual({ maxInventory: 10, index: 1 });
    expect(createBuiltinAgent('mean_reversion', 'rev_9', { window: 12 }).strategy).toBe('mean_reversion');
  });
});
