/**
 * The one place where errors of the engine and the sandbox (domain errors) become catalogued API
 * errors. Routes and the hub let them propagate; the error handler calls `fromDomainError`, so a
 * new engine error class is mapped here once and can never surface as an anonymous 500.
 */
import { AgentConfigError, ConfigError, SimulationError } from '@crowdalpha/engine';
import { ParamNameError } from '@crowdalpha/engine/wire';
import { PythonUnavailableError, SandboxConfigError, StrategyValidationError } from '@crowdalpha/sandbox';
import { ApiError, apiError } from '../errors.js';

/** The catalogued error for a domain error, or null when `e` is not one. */
export function fromDomainError(e: unknown): ApiError | null {
  if (e instanceof ConfigError) {
    return new ApiError('CA_ERR_MARKET_CONFIG', e.message, { field: `config.${e.path}`, rule: 'engine config' });
  }
  if (e instanceof AgentConfigError || e instanceof ParamNameError) {
    return new ApiError('CA_ERR_BAD_AGENT_CONFIG', e.message, { field: 'config', rule: 'strategy parameters' });
  }
  if (e instanceof StrategyValidationError) {
    const diags = e.diagnostics;
    const first = diags.find((d) => d.severity !== 'warning') ?? diags[0];
    const where = first?.line !== undefined ? ` (line ${first.line}${first.column !== undefined ? `:${first.column}` : ''})` : '';
    const name = e.strategyName ?? 'the strategy';
    return new ApiError('CA_ERR_STRATEGY_INVALID', `strategy ${name} was refused: ${first ? first.message + where : e.message}`, {
      field: first?.rule === 'agent_id' ? 'agent_id' : first?.rule === 'config' ? 'config' : first?.rule === 'name' || first?.rule === 'reserved_name' ? 'strategy_name' : 'code',
      rule: first?.rule ?? 'strategy contract',
      details: diags,
    });
  }
  // A 4xx, not 501: this server runs user strategies, just not in this language until the OS
  // packages the reason names are installed.
  if (e instanceof PythonUnavailableError) return apiError('CA_ERR_PYTHON_UNAVAILABLE', e.reason).at('language', 'python available');
  if (e instanceof SandboxConfigError) {
    return new ApiError('CA_ERR_VALIDATION', e.message, { field: `config.${e.path}`, rule: 'sandbox limits' });
  }
  if (e instanceof SimulationError) {
    switch (e.code) {
      case 'AGENT_EXISTS':
        return new ApiError('CA_ERR_AGENT_EXISTS', e.message, { field: 'agent_id', rule: 'unique' });
      case 'AGENT_NOT_FOUND':
        return new ApiError('CA_ERR_NOT_FOUND', e.message, { field: 'agent_id', rule: 'exists' });
      case 'AGENT_NOT_ACTIVE':
        return new ApiError('CA_ERR_AGENT_STOPPED', e.message, { field: 'agent_id', rule: 'active agent' });
      default:
        // Tick sequencing and checkpoint faults are the server's own bugs, but say which.
        return new ApiError('CA_ERR_INTERNAL', `internal error (engine ${e.code}: ${e.message}); the server logged the details`);
    }
  }
  return null;
}
