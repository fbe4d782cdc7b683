/**
 * Table types of the store, shared by both backends. Timestamps are ISO-8601 strings and JSON
 * columns are text, so SQLite and PostgreSQL return the same shapes (no driver-specific Date or
 * bigint values leak out).
 */

export interface SimulationsTable {
  id: string;
  seed: number;
  /** Resolved engine config overrides, JSON. */
  config: string;
  /** running | ended */
  status: string;
  created_at: string;
  ended_at: string | null;
  last_tick: number;
  /** Last mid seen, for listings. */
  last_mid: number | null;
}

export interface AgentsTable {
  simulation_id: string;
  agent_id: string;
  strategy: string;
  /** builtin (the default population) | deployed (POST /strategies, approved submissions) | user (sandboxed code) */
  kind: string;
  owner: string | null;
  /** Agent params / sandbox config, JSON. */
  config: string;
  status: string;
  status_reason: string | null;
  /** Final (or latest persisted) AgentStatsWire, JSON. */
  final_stats: string | null;
  created_at: string;
  created_tick: number;
  /** SHA-256 (hex) of the agent's manage key; null for agents deployed without one (the default population). Migration 0002. */
  manage_key_hash?: string | null;
  /** When the agent was stopped through POST /strategies/{id}/stop (ISO), or null. A stopped agent stays stopped across restarts and resets. */
  stopped_at?: string | null;
  /** operator | owner | anyone (a server without an operator token). */
  stopped_by?: string | null;
  /** The status reason the stop gave the agent. */
  stop_reason?: string | null;
  /** flatten | freeze: what the stop did with the position (migration 0004). */
  stop_position?: string | null;
  /** Id of the API key that deployed the agent (its owner's identity); null for keyless deploys. Migration 0003. */
  owner_key_id?: string | null;
  /** When the agent was removed (DELETE /strategies/{id}, ISO), or null: a removed agent is out of the live roster for good. Migration 0007. */
  removed_at?: string | null;
  /** operator | owner | anyone: who removed it. */
  removed_by?: string | null;
}

export interface UserStrategiesTable {
  name: string;
  /** The latest version's source and compiled code. */
  source: string;
  compiled: string;
  created_at: string;
  /** The latest version's number (migration 0004; 1 before it). */
  version?: number;
  /** Who registered the name first (the `owner` field of the registration), or null. */
  owner?: string | null;
  /** Id of the API key that registered it; null for keyless registrations. Migration 0003. */
  owner_key_id?: string | null;
}

/** Every registered version of a user strategy (migration 0004). */
export interface StrategyVersionsTable {
  name: string;
  version: number;
  source: string;
  compiled: string;
  owner: string | null;
  /** The constructor options the version reads (StrategyParams JSON), or null (Python, older rows). */
  params: string | null;
  created_at: string;
}

export interface SubmissionsTable {
  id: string;
  submitter_name: string;
  contact: string;
  mode: string;
  template_strategy: string;
  /** JSON object. */
  parameters: string;
  visibility: string;
  notes: string | null;
  clone_source_agent_id: string | null;
  status: string;
  deployed_agent_id: string | null;
  created_at: string;
  updated_at: string;
  /** Id of the API key that submitted it (its owner); null for keyless submissions. Migration 0003. */
  owner_key_id?: string | null;
}

export interface FillsTable {
  simulation_id: string;
  tick: number;
  /** Position of the fill within its tick. */
  seq: number;
  buy_order_id: number;
  sell_order_id: number;
  buy_agent_id: string;
  sell_agent_id: string;
  price: number;
  qty: number;
  aggressor: string;
}

export interface TickSnapshotsTable {
  simulation_id: string;
  tick: number;
  mid: number;
  spread: number | null;
  vwap: number;
  volatility: number;
  regime: string;
  lfi: number;
  crowding: number;
  /** Leaderboard at this tick (agent_id, pnl, sharpe, inventory), JSON. */
  agents: string;
  created_at: string;
}

export interface CrowdingSnapshotsTable {
  simulation_id: string;
  tick: number;
  intensity: number;
  /** CROWDING_MATRIX_UPDATED payload, JSON. */
  payload: string;
}

export interface CheckpointsTable {
  simulation_id: string;
  tick: number;
  /** SimulationCheckpoint, JSON. */
  state: string;
  created_at: string;
}

/** One experiment (a spec run as a grid × seeds). Migration 0005. */
export interface ExperimentsTable {
  id: string;
  name: string;
  description: string;
  /** The validated spec, JSON. */
  spec: string;
  /** queued | running | done | cancelled | failed */
  status: string;
  /** embedded | queue:<name> */
  runner: string;
  total_runs: number;
  /** CrowdAlpha version that created the experiment. */
  project_version: string;
  created_at: string;
  finished_at: string | null;
}

/**
 * One finished run of an experiment. (experiment_id, run_index) is the key: a retried,
 * duplicated or stalled job that finishes twice inserts once (the first write wins; runs are
 * deterministic, so both writes hold the same figures).
 */
export interface ExperimentRunsTable {
  experiment_id: string;
  run_index: number;
  seed: number;
  /** Swept and drawn values by dotted key, JSON. */
  params: string;
  /** The run's full config overrides (base + params + seed), JSON: enough to reproduce it. */
  overrides: string;
  /** Flat figures (RunRecord.row), JSON. */
  row: string;
  /** Per-agent figures, JSON array. */
  agents: string;
  /** Per-strategy-type figures, JSON array. */
  strategies: string;
  /** Sampled mid path [tick, mid][], JSON. */
  path: string;
  wall_ms: number;
  /** Who computed it: embedded or the worker's host:pid. */
  worker: string;
  project_version: string;
  finished_at: string;
}

/** Runs that failed on every attempt (the dead-letter list), with their last error. */
export interface ExperimentFailuresTable {
  experiment_id: string;
  run_index: number;
  seed: number;
  params: string;
  error: string;
  attempts: number;
  failed_at: string;
}

/** A trained PPO policy (`crowdalpha train`, an upload, or a live agent's snapshot). Migration 0006. */
export interface RlModelsTable {
  id: string;
  name: string;
  /** upload | agent:<agent_id> */
  source: string;
  /** The PpoModel, JSON. */
  model: string;
  /** e.g. 2x64 */
  hidden: string;
  steps: number;
  created_at: string;
}

/** An API key: only its SHA-256 is kept (the key is shown once, when created or rotated). Migration 0003. */
export interface ApiKeysTable {
  /** Public id, e.g. key_ab12cd34ef; shown in lists and logs instead of the secret. */
  id: string;
  /** Who holds it (a student, a team): becomes the owner of what the key deploys. */
  name: string;
  /** admin | user */
  role: string;
  /** SHA-256 (hex) of the key. */
  key_hash: string;
  created_at: string;
  /** When the key was revoked (ISO), or null while it is valid. */
  revoked_at: string | null;
  /** When the key was last rotated (ISO), or null. */
  rotated_at: string | null;
}

export interface Database {
  api_keys: ApiKeysTable;
  rl_models: RlModelsTable;
  experiments: ExperimentsTable;
  experiment_runs: ExperimentRunsTable;
  experiment_failures: ExperimentFailuresTable;
  simulations: SimulationsTable;
  agents: AgentsTable;
  user_strategies: UserStrategiesTable;
  strategy_versions: StrategyVersionsTable;
  strategy_submissions: SubmissionsTable;
  fills: FillsTable;
  tick_snapshots: TickSnapshotsTable;
  crowding_snapshots: CrowdingSnapshotsTable;
  checkpoints: CheckpointsTable;
}
