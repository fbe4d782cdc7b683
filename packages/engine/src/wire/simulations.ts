/** GET /simulations, /simulations/{id} and the submissions queue (/strategies/submit-config, /strategies/submissions*). */
import { Type, type Static } from '@sinclair/typebox';
import { AgentStatsWire } from './agents.js';
import { Int, JsonObject, Nullable, Num, Obj, Scalar, Str } from './kit.js';

export const SimulationSummaryWire = Obj({
  id: Str(),
  seed: Int(),
  status: Str('running (the live market, or resumable) | ended (replaced by a reset)'),
  current: Type.Boolean(),
  created_at: Str(),
  ended_at: Nullable(Str()),
  last_tick: Int(),
  last_mid: Nullable(Num()),
  config: JsonObject('engine config overrides of the run, snake_case (GET /market/config lists every key)'),
});
export type SimulationSummaryWire = Static<typeof SimulationSummaryWire>;

export const SimulationsResponse = Obj({ total: Int(), items: Type.Array(SimulationSummaryWire) });
export type SimulationsResponse = Static<typeof SimulationsResponse>;

export const SimulationAgentWire = Obj({
  agent_id: Str(),
  strategy_type: Str(),
  kind: Str('builtin | deployed | user'),
  owner: Nullable(Str()),
  status: Str(),
  status_reason: Nullable(Str()),
  created_tick: Int(),
  config: JsonObject('parameters (params) and sandbox settings, snake_case'),
  stats: Nullable(Type.Union([AgentStatsWire, JsonObject('stats stored by an older version, as stored')]), 'live stats, or the last stored ones of an ended run'),
});

export const TickHistoryPointWire = Obj({
  tick: Int(),
  mid_price: Nullable(Num()),
  spread: Nullable(Num()),
  vwap: Nullable(Num()),
  volatility: Nullable(Num()),
  regime: Nullable(Str()),
  lfi: Nullable(Num()),
  crowding: Nullable(Num()),
  created_at: Str(),
  agents: Type.Array(
    Obj({ agent_id: Str(), strategy_type: Str(), pnl: Num(), sharpe: Nullable(Num()), inventory: Num(), status: Str() }),
  ),
});

export const SimulationDetailResponse = Obj({
  simulation: SimulationSummaryWire,
  fill_count: Int(),
  agents: Type.Array(SimulationAgentWire),
  history: Type.Array(TickHistoryPointWire),
});
export type SimulationDetailResponse = Static<typeof SimulationDetailResponse>;

export const SubmissionParameterValueWire = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 200 })]);

export const SubmissionWire = Obj({
  submission_id: Str(),
  created_at: Str(),
  updated_at: Str(),
  submitter_name: Str(),
  contact: Nullable(Str(), 'null in GET /strategies/submissions for callers without the operator token, when the server has one'),
  mode: Str(),
  template_strategy: Str(),
  parameters: Type.Record(Type.String(), SubmissionParameterValueWire),
  clone_source_agent_id: Nullable(Str()),
  visibility: Str(),
  notes: Nullable(Str()),
  status: Str(),
  deployed_agent_id: Nullable(Str()),
});
export type SubmissionWire = Static<typeof SubmissionWire>;

export const SubmissionsResponse = Obj({ items: Type.Array(SubmissionWire) });
export type SubmissionsResponse = Static<typeof SubmissionsResponse>;
