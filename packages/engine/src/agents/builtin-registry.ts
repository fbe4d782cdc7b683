/**
 * The built-in strategy types, their tunable parameters and a factory. The server's
 * `POST /strategies` and the default population both go through `createBuiltinAgent`, so a
 * deployed `momentum` is exactly the agent a CLI run creates.
 */
import { defaultConfig, type LadderMakerConfig, type MarketMakerConfig, type NoiseConfig, type ValueConfig, type MeanReversionConfig, type MomentumConfig, type RlPpoConfig, type SimulationConfig } from '../config.js';
import { AGENT_PARAM_RULES, MAX_AGENT_INDEX, MAX_AGENT_PARAM, meanReversionWindowProblem, paramRuleViolation } from './agent-param-rules.js';
import type { BaseAgent } from './base-agent.js';
import { NoiseTradersAgent } from './background/noise-traders.js';
import { ValueTradersAgent } from './background/value-traders.js';
import { LadderMarketMakerAgent } from './ladder-market-maker.js';
import { MarketMakerAgent } from './market-maker.js';
import { MeanReversionAgent } from './mean-reversion.js';
import { MomentumAgent } from './momentum.js';
import { RlPpoAgent } from './rl/ppo-agent.js';

export type BuiltinStrategyType = 'momentum' | 'mean_reversion' | 'market_maker' | 'rl_ppo' | 'ladder_maker' | 'noise' | 'value';

/**
 * Background types: the market's own liquidity and anchor (noise and value traders, aggregated;
 * ladder makers). The default population creates them; the leaderboard and crowding treat them as
 * ordinary agents (see README "Default market").
 */
export const BACKGROUND_STRATEGIES: readonly BuiltinStrategyType[] = ['ladder_maker', 'noise', 'value'];

export interface BuiltinStrategyInfo {
  type: BuiltinStrategyType;
  idPrefix: string;
  description: string;
  /** Tunable parameters with their defaults (from docs/MODEL.md §6). `index` shifts the per-agent variants. */
  params: Record<string, { default: number | boolean; description: string }>;
}

export class AgentConfigError extends Error {
  readonly code = 'AGENT_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

function describe<T extends object>(
  defaults: T,
  docs: Partial<Record<keyof T, string>>,
  first: BuiltinStrategyInfo['params'] = {
    index: { default: 0, description: 'variant number: shifts EMA spans / thresholds / spreads as the i-th agent of the type' },
  },
): BuiltinStrategyInfo['params'] {
  const out: BuiltinStrategyInfo['params'] = { ...first };
  for (const [k, v] of Object.entries(defaults)) out[k] = { default: v as number | boolean, description: docs[k as keyof T] ?? k };
  return out;
}

const d = defaultConfig();
export const BUILTIN_STRATEGIES: readonly BuiltinStrategyInfo[] = [
  {
    type: 'momentum',
    idPrefix: 'mom',
    description: 'Trend follower: fast/slow EMA crossover, market orders on strong signals, limit at the touch on weak ones.',
    params: describe(d.momentum, { qty: 'base order size', maxInventory: 'no new orders beyond this |inventory|' }),
  },
  {
    type: 'mean_reversion',
    idPrefix: 'rev',
    description: 'Fades z-score extremes of the mid against its rolling mean, with jittered thresholds and a cooldown.',
    params: describe(d.meanReversion, { window: 'rolling window of mids', qty: 'base order size' }),
  },
  {
    type: 'market_maker',
    idPrefix: 'mm',
    description: 'Quotes both sides around an inventory-skewed reservation price; spread widens with volatility and crowding.',
    params: describe(d.marketMaker, { qty: 'quote size', maxInventory: 'quote size shrinks to 0 at this |inventory|' }),
  },
  {
    type: 'rl_ppo',
    idPrefix: 'rl',
    description: 'Online PPO actor-critic over 14 market features and 7 actions; reward is PnL change less inventory risk and the impact paid.',
    params: describe(d.rlPpo, {
      learn: 'learn online (false: fixed stochastic fallback policy unless a model is given)',
      frozen: 'act from the (loaded) policy without updating it',
      riskAversion: 'inventory penalty in the reward',
      impactWeight: 'extra weight of the impact paid (from the engine ledger) in the reward',
      hiddenLayers: 'hidden layers of the policy and value networks',
      hiddenUnits: 'width of each hidden layer',
      rolloutLength: 'transitions per PPO update',
      minibatchSize: 'transitions per gradient step (shuffled each epoch)',
      epochs: 'passes over each rollout',
      explorationStart: 'uniform-mixture exploration at the start (annealed)',
      explorationEnd: 'exploration after scheduleSteps transitions',
      learningRateFinal: 'learning rate after scheduleSteps transitions',
      minibatchesPerTick: 'spread an update over ticks, this many minibatches per tick (0 = automatic from updateWorkPerTick)',
      updateWorkPerTick: 'automatic split: samples × parameters one tick may update (0 = whole update in one tick)',
    }),
  },
  {
    type: 'ladder_maker',
    idPrefix: 'lmm',
    description: 'Background market maker: a ladder of levels a side around an EMA of the mid pulled toward the fundamental, persistent quote noise, queue-keeping quotes; widens and thins against crowded one-sided flow and against the toxicity (permanent impact per tick) of the aggressive flow.',
    params: describe(d.ladderMaker, { levels: 'price levels a side', qty: 'size per level' }),
  },
  {
    type: 'noise',
    idPrefix: 'bg_noise',
    description: 'Background: many zero-intelligence noise traders as one aggregated agent (bursty Poisson arrivals, limit orders behind the touch that move out and shrink when aggressive flow is toxic, market orders, Pareto meta-orders).',
    params: describe(d.noise, {}, { traders: { default: 1, description: 'noise traders this agent stands for' } }),
  },
  {
    type: 'value',
    idPrefix: 'bg_value',
    description: 'Background: value traders as one aggregated agent, trading toward noisy views of the seeded mean-reverting fundamental.',
    params: describe(d.value, {}, { traders: { default: 1, description: 'value traders this agent stands for' } }),
  },
];

/** The config section holding each type's defaults. */
const CONFIG_SECTION: Record<BuiltinStrategyType, keyof SimulationConfig> = {
  momentum: 'momentum',
  mean_reversion: 'meanReversion',
  market_maker: 'marketMaker',
  rl_ppo: 'rlPpo',
  ladder_maker: 'ladderMaker',
  noise: 'noise',
  value: 'value',
};

export function isBuiltinStrategy(type: string): type is BuiltinStrategyType {
  return BUILTIN_STRATEGIES.some((s) => s.type === type);
}

/**
 * A built-in agent of `type` with `params` overriding the simulation's defaults for that type.
 * Unknown types or parameters, or non-finite/negative values, throw AgentConfigError naming the
 * valid choices.
 */
export function createBuiltinAgent(
  type: string,
  id: string,
  params: Record<string, unknown> = {},
  base: Readonly<SimulationConfig> = defaultConfig(),
): BaseAgent {
  const info = BUILTIN_STRATEGIES.find((s) => s.type === type);
  if (!info) {
    throw new AgentConfigError(`unknown strategy type "${type}"; valid types are ${BUILTIN_STRATEGIES.map((s) => s.type).join(', ')}`);
  }
  const merged: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    const spec = info.params[k];
    if (!spec) {
      throw new AgentConfigError(`unknown parameter "${k}" for ${type}; valid parameters are ${Object.keys(info.params).join(', ')}`);
    }
    if (typeof spec.default === 'boolean') {
      if (typeof v !== 'boolean') throw new AgentConfigError(`parameter "${k}" of ${type} must be true or false, got ${JSON.stringify(v)}`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_AGENT_PARAM) {
      throw new AgentConfigError(`parameter "${k}" of ${type} must be a finite number between 0 and ${MAX_AGENT_PARAM}, got ${JSON.stringify(v)}`);
    } else if (k === 'index' && !(Number.isInteger(v) && v <= MAX_AGENT_INDEX)) {
      throw new AgentConfigError(`parameter "index" of ${type} must be an integer between 0 and ${MAX_AGENT_INDEX}, got ${v}`);
    }
    const rule = AGENT_PARAM_RULES[CONFIG_SECTION[info.type]]?.[k];
    const problem = rule && typeof v === 'number' ? paramRuleViolation(rule, v) : null;
    if (problem) throw new AgentConfigError(`parameter "${k}" of ${type} ${problem}`);
    merged[k] = v;
  }
  if (info.type === 'mean_reversion' && typeof merged.window === 'number') {
    const problem = meanReversionWindowProblem(merged.window, base.stateHistoryLength);
    if (problem) throw new AgentConfigError(`parameter "window" of ${type} ${problem}`);
  }
  const index = Math.floor(Number(merged.index ?? 0));
  const traders = Math.floor(Number(merged.traders ?? 1));
  const overrides = { ...merged };
  delete overrides.index;
  delete overrides.traders;
  let agent: BaseAgent;
  switch (info.type) {
    case 'momentum':
      agent = new MomentumAgent(id, { ...base.momentum, ...overrides } as MomentumConfig, index);
      break;
    case 'mean_reversion':
      agent = new MeanReversionAgent(id, { ...base.meanReversion, ...overrides } as MeanReversionConfig, index);
      break;
    case 'market_maker':
      agent = new MarketMakerAgent(id, { ...base.marketMaker, ...overrides } as MarketMakerConfig, index);
      break;
    case 'rl_ppo':
      agent = new RlPpoAgent(id, { ...base.rlPpo, ...overrides } as RlPpoConfig);
      break;
    case 'ladder_maker':
      agent = new LadderMarketMakerAgent(id, { ...base.ladderMaker, ...overrides } as LadderMakerConfig, base.fundamental, base.initialPrice, base.seed, index);
      break;
    case 'noise':
      agent = new NoiseTradersAgent(id, { ...base.noise, ...overrides } as NoiseConfig, traders);
      break;
    case 'value':
      agent = new ValueTradersAgent(id, { ...base.value, ...overrides } as ValueConfig, base.fundamental, base.initialPrice, base.seed, traders);
      break;
  }
  // Creation parameters, so a checkpoint can rebuild the same agent.
  agent.params = merged;
  return agent;
}

/**
 * The population of `config.population`: the strategies mom_1.., rev_1.., mm_1.., rl_1.., then the
 * background lmm_1.., bg_noise (population.noise traders in one agent), bg_value (likewise).
 */
export function defaultPopulation(config: Readonly<SimulationConfig>): BaseAgent[] {
  const agents: BaseAgent[] = [];
  const p = config.population;
  const add = (type: BuiltinStrategyType, prefix: string, count: number) => {
    for (let i = 0; i < count; i++) agents.push(createBuiltinAgent(type, `${prefix}_${i + 1}`, { index: i }, config));
  };
  add('momentum', 'mom', p.momentum);
  add('mean_reversion', 'rev', p.meanReversion);
  add('market_maker', 'mm', p.marketMakers);
  add('rl_ppo', 'rl', p.rl);
  add('ladder_maker', 'lmm', p.ladderMakers);
  if (p.noise > 0) agents.push(createBuiltinAgent('noise', 'bg_noise', { traders: p.noise }, config));
  if (p.value > 0) agents.push(createBuiltinAgent('value', 'bg_value', { traders: p.value }, config));
  return agents;
}
