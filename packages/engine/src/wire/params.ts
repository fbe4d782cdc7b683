/**
 * Agent parameters on the wire: snake_case names of the engine's parameters (`fast_base`,
 * `max_inventory`), and the parameter names of the original Python CrowdAlpha accepted as
 * documented aliases, so a config written for the original deploys. An alias may set more than
 * one engine parameter: `fast_window: 8` means "fast EMA span 8 for this agent", i.e.
 * fast_base 8 and fast_step 0 whatever its `index`.
 */
import { camelKey, snakeKey } from './case.js';

export interface ParamAlias {
  /** The original API's name. */
  alias: string;
  /** Engine parameters it sets: 'value' copies the given value, a number is fixed. */
  sets: Record<string, 'value' | number>;
  /** How the original name reads back from resolved engine parameters (with `index`). */
  show: (p: Record<string, number | boolean>, index: number) => number;
  description: string;
  /**
   * Engine parameters the alias implies unless the config sets them itself. The original's
   * thresholds are relative price gaps, so naming them means those units even where the market's
   * preset measures momentum in volatility units.
   */
  implies?: Record<string, number | boolean>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const spanOf = (base: string, step: string) => (p: Record<string, number | boolean>, i: number) => num(p[base]) + num(p[step]) * i;
const same = (k: string) => (p: Record<string, number | boolean>) => num(p[k]);

const qtyAliases = (what: string): ParamAlias[] => [
  { alias: 'order_qty', sets: { qty: 'value' }, show: same('qty'), description: `${what} (qty)` },
  { alias: 'max_inv', sets: { maxInventory: 'value' }, show: same('maxInventory'), description: 'inventory limit (max_inventory)' },
];

/** The original measured momentum signals as relative price gaps, not in volatility units. */
const ORIGINAL_UNITS: Record<string, boolean> = { volatilityUnits: false };

/** Original-API parameter names by strategy type. */
export const PARAM_ALIASES: Record<string, readonly ParamAlias[]> = {
  momentum: [
    { alias: 'fast_window', sets: { fastBase: 'value', fastStep: 0 }, show: spanOf('fastBase', 'fastStep'), description: 'fast EMA span of this agent (fast_base + index * fast_step)' },
    { alias: 'slow_window', sets: { slowBase: 'value', slowStep: 0 }, show: spanOf('slowBase', 'slowStep'), description: 'slow EMA span of this agent (slow_base + index * slow_step)' },
    { alias: 'entry_threshold', sets: { limitThreshold: 'value' }, implies: ORIGINAL_UNITS, show: same('limitThreshold'), description: 'signal beyond which it quotes at the touch (limit_threshold), as a relative price gap (the original\'s units: implies volatility_units false unless set)' },
    { alias: 'market_threshold', sets: { marketThreshold: 'value' }, implies: ORIGINAL_UNITS, show: same('marketThreshold'), description: 'signal beyond which it crosses with market orders, as a relative price gap (implies volatility_units false unless set)' },
    ...qtyAliases('base order size'),
  ],
  mean_reversion: [
    { alias: 'lookback', sets: { window: 'value' }, show: same('window'), description: 'rolling window of mids (window)' },
    { alias: 'z_entry', sets: { zThresholdBase: 'value', zThresholdStep: 0 }, show: spanOf('zThresholdBase', 'zThresholdStep'), description: 'z-score threshold of this agent (z_threshold_base + index * z_threshold_step)' },
    { alias: 'z_market', sets: { marketZ: 'value' }, show: same('marketZ'), description: 'z-score beyond which it crosses (market_z)' },
    ...qtyAliases('base order size'),
  ],
  market_maker: [
    { alias: 'base_spread', sets: { baseSpreadBase: 'value', baseSpreadStep: 0 }, show: spanOf('baseSpreadBase', 'baseSpreadStep'), description: 'base spread of this agent (base_spread_base + index * base_spread_step)' },
    { alias: 'quote_jitter', sets: { quoteJitterBase: 'value', quoteJitterStep: 0 }, show: spanOf('quoteJitterBase', 'quoteJitterStep'), description: 'quote jitter of this agent' },
    ...qtyAliases('quote size'),
  ],
};

export class ParamNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamNameError';
  }
}

/**
 * Wire parameters (snake_case, original aliases, or the engine's camelCase) → the engine's
 * camelCase parameters. Unknown names are passed through (camelCased) for the engine to refuse
 * with the list of valid ones. A name given twice (e.g. `fast_base` and `fast_window`) is refused.
 */
export function paramsFromWire(type: string, params: Record<string, unknown>): Record<string, unknown> {
  const aliases = new Map((PARAM_ALIASES[type] ?? []).map((a) => [a.alias, a]));
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  const put = (key: string, value: unknown, name: string) => {
    if (key in out && from[key] !== name) throw new ParamNameError(`parameter ${snakeKey(key)} of ${type} is set twice (by ${from[key]} and ${name}); send one of them`);
    out[key] = value;
    from[key] = name;
  };
  const implied: Record<string, number | boolean> = {};
  for (const [name, value] of Object.entries(params)) {
    const alias = aliases.get(name);
    if (alias) {
      for (const [key, how] of Object.entries(alias.sets)) put(key, how === 'value' ? value : how, name);
      Object.assign(implied, alias.implies);
    } else {
      put(camelKey(name), value, name);
    }
  }
  for (const [key, value] of Object.entries(implied)) if (!(key in out)) out[key] = value;
  return out;
}

/** Engine parameters → wire: snake_case names, plus the original names read back (built-ins). */
export function paramsToWire(type: string, resolved: Record<string, number | boolean>, index = 0): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const a of PARAM_ALIASES[type] ?? []) out[a.alias] = a.show(resolved, index);
  for (const [k, v] of Object.entries(resolved)) out[snakeKey(k)] = v;
  return out;
}
