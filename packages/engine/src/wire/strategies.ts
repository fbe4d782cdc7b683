/** GET/POST /strategies*: strategy types, live agents, deploys, stops, leaderboard, per-agent stats. */
import { Type, type Static } from '@sinclair/typebox';
import { AgentDiagnosticsWire, AgentStatsWire } from './agents.js';
import { AgentDecayParamsWire } from './analytics.js';
import { Int, JsonObject, Nullable, Num, Obj, Scalar, Str } from './kit.js';

/** A strategy parameter value on the wire. */
export const ParamValueWire = Type.Union([Type.Number(), Type.Boolean()]);

export const StrategyParamInfoWire = Obj({
  default: ParamValueWire,
  description: Str(),
  aliases: Type.Array(Str(), { description: 'other accepted names (the original API\'s)' }),
});

export const StrategyTypeInfoWire = Obj({
  type: Str(),
  kind: Type.Union([Type.Literal('builtin'), Type.Literal('user')]),
  description: Str(),
  params: Type.Record(Type.String(), Type.Union([StrategyParamInfoWire, Str('user strategies: the declared type of a parameter the code reads')]), {
    description: 'built-ins: parameters by snake_case name with default, description and aliases; user strategies: what the code reads, name → declared type',
  }),
  params_open: Type.Optional(Type.Boolean({ description: 'user strategies: the code reads params no list can name (any name accepted)' })),
  owner: Type.Optional(Nullable(Str())),
  version: Type.Optional(Int('user strategies: the latest version')),
  versions: Type.Optional(Type.Array(Obj({ version: Int(), created_at: Str() }))),
  language: Type.Optional(Type.Union([Type.Literal('typescript'), Type.Literal('python')])),
  created_at: Type.Optional(Str('user strategies: when registered')),
});
export type StrategyTypeInfoWire = Static<typeof StrategyTypeInfoWire>;

export const LiveAgentWire = Obj({
  agent_id: Str(),
  strategy_type: Str(),
  kind: Type.Union([Type.Literal('builtin'), Type.Literal('deployed'), Type.Literal('user')]),
  owner: Nullable(Str()),
  status: Str(),
  status_reason: Nullable(Str()),
  inventory: Num(),
  pnl: Num(),
  config: JsonObject("the agent's parameters, snake_case (built-ins: including the original API's names; user strategies: their own, as deployed)"),
});
export type LiveAgentWire = Static<typeof LiveAgentWire>;

export const StrategiesResponse = Obj({
  strategy_types: Type.Array(Str(), { description: 'names of the deployable types (as the original sends them)' }),
  strategy_type_info: Type.Array(StrategyTypeInfoWire, { description: 'the same types with kind, description and parameters' }),
  agents: Type.Array(LiveAgentWire),
});
export type StrategiesResponse = Static<typeof StrategiesResponse>;

export const LeaderboardResponse = Obj({ tick: Int(), leaderboard: Type.Array(AgentStatsWire, { description: 'by Sharpe, best first, nulls last, ties by id' }) });
export type LeaderboardResponse = Static<typeof LeaderboardResponse>;

const Tick = Nullable(Int(), 'the tick it happened in');

/** One PPO update of a learning agent (GET /strategies/{id}/stats → learning_curve). */
export const LearningPointWire = Obj({
  update: Int(),
  steps: Int('transitions collected so far, all streams'),
  tick: Int('the market tick of the update'),
  mean_reward: Num(),
  policy_loss: Num(),
  value_loss: Num(),
  entropy: Num(),
  approx_kl: Num('estimate of KL(old || new) over the last epoch'),
  clip_fraction: Num('share of last-epoch samples whose gradient the clip removed'),
  explained_variance: Num(),
  learning_rate: Num(),
  exploration: Num(),
  action_probs: Type.Array(Num(), { description: 'mean policy probability per action over the rollout' }),
});
export type LearningPointWire = Static<typeof LearningPointWire>;

/** What a sandboxed agent's counters cannot say (GET /strategies/{id}/stats → sandbox_details). */
export const SandboxDetailsWire = Obj({
  drop_reasons: Type.Array(Obj({ tick: Tick, reason: Str() }), { description: 'the first dropped/clamped orders\' reasons' }),
  log_tail: Type.Array(Obj({ tick: Tick, line: Str() }), { description: 'the last console.* lines, oldest first' }),
  log_dropped: Int('lines not kept (over the per-call cap)'),
  last_error: Nullable(Obj({ tick: Tick, kind: Str(), message: Str(), line: Nullable(Int()), column: Nullable(Int()), stack: Type.Array(Str()) })),
});
export type SandboxDetailsWire = Static<typeof SandboxDetailsWire>;

export const AgentStatsResponse = Obj({
  ...AgentStatsWire.properties,
  tick: Int(),
  diagnostics: Nullable(AgentDiagnosticsWire, 'null while analytics are off'),
  learning_curve: Nullable(Type.Array(LearningPointWire), 'learning agents: one point per update'),
  alpha_decay: Nullable(AgentDecayParamsWire, "the agent's own alpha-decay fit; null while analytics are off"),
  declared_factors: Type.Optional(Nullable(Type.Array(Num()), 'the factor vector the agent declares (factorVector()), beside what the market observes')),
  deployment: Type.Optional(
    Nullable(
      Obj({
        params: JsonObject('the parameters it was deployed with, snake_case'),
        timeout_ms: Type.Optional(Int()),
        strategy_name: Type.Optional(Str()),
        strategy_version: Type.Optional(Int()),
        model_id: Type.Optional(Str()),
      }),
      'what was deployed (null for the default population)',
    ),
  ),
  sandbox_details: Nullable(SandboxDetailsWire, 'sandboxed agents: why orders were dropped, the console tail, the last fault at line:column'),
});
export type AgentStatsResponse = Static<typeof AgentStatsResponse>;

export const ManageKeyWire = Str(
  'A new secret that lets its holder stop this agent (POST /strategies/{agent_id}/stop with header X-Manage-Key). Shown only in this response: the server keeps only its SHA-256.',
);

export const DeployResponse = Obj({
  agent_id: Str(),
  strategy_type: Str(),
  config: JsonObject('the resolved parameters, snake_case'),
  tick: Int(),
  manage_key: ManageKeyWire,
  model_id: Type.Optional(Str('rl_ppo: the stored model the agent started from')),
});
export type DeployResponse = Static<typeof DeployResponse>;

/** A finding of the strategy checks (line/column 1-based). */
export const StrategyDiagnosticWire = Obj({
  message: Str(),
  line: Type.Optional(Int()),
  column: Type.Optional(Int()),
  rule: Type.Optional(Str()),
  severity: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('warning')])),
});

export const UserStrategyResponse = Obj({
  registered: Str(),
  version: Int('the version registered, or found (identical code reuses its version)'),
  new_version: Type.Boolean({ description: 'true when this request added the version' }),
  warnings: Type.Array(StrategyDiagnosticWire, { description: 'type-check findings that did not refuse the code' }),
  params: Nullable(
    Obj({ names: Type.Array(Obj({ name: Str(), type: Type.Optional(Nullable(Str())), line: Type.Optional(Int()) })), open: Type.Boolean() }),
    'the constructor options the code reads',
  ),
  deployed: Type.Boolean(),
  agent_id: Type.Optional(Str()),
  strategy_type: Type.Optional(Str()),
  manage_key: Type.Optional(ManageKeyWire),
});
export type UserStrategyResponse = Static<typeof UserStrategyResponse>;

export const StopResponse = Obj({
  agent_id: Str(),
  stopped: Type.Literal(true),
  stopped_by: Type.Union([Type.Literal('operator'), Type.Literal('owner'), Type.Literal('anyone')]),
  position: Type.Union([Type.Literal('flatten'), Type.Literal('freeze')], { description: 'what the stop does with the open position' }),
  stats: AgentStatsWire,
});
export type StopResponse = Static<typeof StopResponse>;
