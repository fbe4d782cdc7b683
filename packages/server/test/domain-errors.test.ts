import { describe, expect, it } from 'vitest';
import { AgentConfigError, ConfigError, Simulation, SimulationError, createBuiltinAgent } from '@crowdalpha/engine';
import { SandboxConfigError, StrategyValidationError } from '@crowdalpha/sandbox';
import { fromDomainError } from '../src/http/domain-errors.js';
import { toApiError } from '../src/http/error-handler.js';

describe('domain errors map to catalogued API errors in one place', () => {
  it('maps a real engine config error to CA_ERR_MARKET_CONFIG naming the path', () => {
    let err: unknown;
    try {
      new Simulation({ initialPrice: -5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const api = toApiError(err as Error, 1024);
    expect(api).toMatchObject({ code: 'CA_ERR_MARKET_CONFIG', field: 'config.initialPrice', statusCode: 400 });
  });

  it('maps a refused agent parameter to CA_ERR_BAD_AGENT_CONFIG', () => {
    const sim = new Simulation({});
    let err: unknown;
    try {
      createBuiltinAgent('momentum', 'x1', { speed: 1 }, sim.config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentConfigError);
    expect(fromDomainError(err)).toMatchObject({ code: 'CA_ERR_BAD_AGENT_CONFIG', field: 'config' });
  });

  it('maps engine agent errors to 409/404 rather than 500', () => {
    const sim = new Simulation({});
    const id = sim.agentIds()[0] as string;
    let err: unknown;
    try {
      sim.addAgent(createBuiltinAgent('momentum', id, {}, sim.config));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SimulationError);
    expect(fromDomainError(err)).toMatchObject({ code: 'CA_ERR_AGENT_EXISTS', statusCode: 409 });
    expect(fromDomainError(new SimulationError('AGENT_NOT_FOUND', 'no agent'))).toMatchObject({ code: 'CA_ERR_NOT_FOUND', statusCode: 404 });
  });

  it('names the strategy and the first diagnostic of a refused strategy', () => {
    const e = new StrategyValidationError([{ rule: 'syntax', message: 'Expression expected.', line: 2, column: 5 }], 'broken');
    const api = fromDomainError(e);
    expect(api).toMatchObject({ code: 'CA_ERR_STRATEGY_INVALID', field: 'code', rule: 'syntax' });
    expect(api?.message).toBe('strategy broken was refused: Expression expected. (line 2:5)');
    expect(fromDomainError(new SandboxConfigError('timeout_ms', 'must be at most 1000'))).toMatchObject({ code: 'CA_ERR_VALIDATION', field: 'config.timeout_ms' });
  });

  it('leaves other errors alone', () => {
    expect(fromDomainError(new Error('boom'))).toBeNull();
    expect(toApiError(new Error('boom'), 1024).code).toBe('CA_ERR_INTERNAL');
  });
});
