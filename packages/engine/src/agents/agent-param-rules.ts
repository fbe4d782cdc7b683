/**
 * Built-in agent parameters with a validity rule beyond "a finite number >= 0": the ones an agent
 * divides by (0 would turn its prices into NaN, rejected every tick — a market maker that never
 * quotes) and its windows. Keyed by config section; shared by `resolveConfig` (the population's
 * defaults) and `createBuiltinAgent` (one agent's parameters), so both refuse the same values.
 */
export type ParamRule = { kind: 'positive' } | { kind: 'integer'; min: number };

const POSITIVE: ParamRule = { kind: 'positive' };

export const AGENT_PARAM_RULES: Readonly<Record<string, Readonly<Record<string, ParamRule>>>> = {
  momentum: { maxInventory: POSITIVE },
  meanReversion: { maxInventory: POSITIVE, window: { kind: 'integer', min: 2 } },
  marketMaker: { maxInventory: POSITIVE },
  rlPpo: { maxInventory: POSITIVE },
};

/** What is wrong with `value` under `rule` ("must be > 0, got 0"), or null when it is valid. */
export function paramRuleViolation(rule: ParamRule, value: number): string | null {
  if (rule.kind === 'positive') return value > 0 ? null : `must be > 0, got ${value}`;
  return Number.isInteger(value) && value >= rule.min ? null : `must be an integer >= ${rule.min}, got ${value}`;
}

/** A mean-reversion window longer than `MarketState.priceHistory` could never fill: the agent would never trade. */
export function meanReversionWindowProblem(window: number, stateHistoryLength: number): string | null {
  return window <= stateHistoryLength
    ? null
    : `must be <= stateHistoryLength (${stateHistoryLength}): agents see only that many past mids, got ${window}`;
}
