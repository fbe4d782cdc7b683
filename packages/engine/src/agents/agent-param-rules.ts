/**
 * Built-in agent parameters with a validity rule beyond "a finite number >= 0": the ones an agent
 * divides by (0 would turn its prices into NaN, rejected every tick — a market maker that never
 * quotes) and its windows. Keyed by config section; shared by `resolveConfig` (the population's
 * defaults) and `createBuiltinAgent` (one agent's parameters), so both refuse the same values.
 */
export type ParamRule = { kind: 'positive' } | { kind: 'integer'; min: number } | { kind: 'fraction' } | { kind: 'quantity' };

const POSITIVE: ParamRule = { kind: 'positive' };
const COUNT: ParamRule = { kind: 'integer', min: 1 };
const FRACTION: ParamRule = { kind: 'fraction' };
/** An order size: 0 (or a fraction below 1) never trades, and a huge one is rejected by the book every tick. */
const QUANTITY: ParamRule = { kind: 'quantity' };

/**
 * Largest `qty` a built-in agent may be given. Agents scale their base size (momentum by up to
 * 1 + sizeBoost × sizeCap), so this stays far below the book's MAX_ORDER_QTY (2^31 - 1).
 */
export const MAX_AGENT_QTY = 1_000_000;
/** Largest value of any numeric built-in parameter: beyond it a value only overflows or never trades. */
export const MAX_AGENT_PARAM = 1e9;
/** Largest `index` (the per-agent variant number that shifts spans and thresholds). */
export const MAX_AGENT_INDEX = 1000;

export const AGENT_PARAM_RULES: Readonly<Record<string, Readonly<Record<string, ParamRule>>>> = {
  momentum: { maxInventory: POSITIVE, qty: QUANTITY, volatilitySpan: POSITIVE, decisionInterval: COUNT },
  meanReversion: { maxInventory: POSITIVE, window: { kind: 'integer', min: 2 }, qty: QUANTITY },
  marketMaker: { maxInventory: POSITIVE, qty: QUANTITY },
  // The flow-toxicity scale divides by its reference (agents/flow-toxicity.ts).
  ladderMaker: { maxInventory: POSITIVE, qty: POSITIVE, toxicityReference: POSITIVE, toxicitySpan: POSITIVE },
  noise: { toxicityReference: POSITIVE, toxicitySpan: POSITIVE },
  rlPpo: {
    maxInventory: POSITIVE,
    hiddenLayers: COUNT,
    hiddenUnits: COUNT,
    rolloutLength: COUNT,
    epochs: COUNT,
    minibatchSize: COUNT,
    curveLength: COUNT,
    minibatchesPerTick: { kind: 'integer', min: 0 },
    learningRate: POSITIVE,
    obsClip: POSITIVE,
    gamma: FRACTION,
    gaeLambda: FRACTION,
    explorationStart: FRACTION,
    explorationEnd: FRACTION,
  },
};

/** What is wrong with `value` under `rule` ("must be > 0, got 0"), or null when it is valid. */
export function paramRuleViolation(rule: ParamRule, value: number): string | null {
  if (rule.kind === 'positive') return value > 0 ? null : `must be > 0, got ${value}`;
  if (rule.kind === 'fraction') return value >= 0 && value <= 1 ? null : `must be in [0, 1], got ${value}`;
  if (rule.kind === 'quantity') return value >= 1 && value <= MAX_AGENT_QTY ? null : `must be between 1 and ${MAX_AGENT_QTY} (an order size), got ${value}`;
  return Number.isInteger(value) && value >= rule.min ? null : `must be an integer >= ${rule.min}, got ${value}`;
}

/** A mean-reversion window longer than `MarketState.priceHistory` could never fill: the agent would never trade. */
export function meanReversionWindowProblem(window: number, stateHistoryLength: number): string | null {
  return window <= stateHistoryLength
    ? null
    : `must be <= stateHistoryLength (${stateHistoryLength}): agents see only that many past mids, got ${window}`;
}
