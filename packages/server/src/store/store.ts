/**
 * The server's persistence: one Kysely query builder over SQLite or PostgreSQL with versioned
 * migrations. Durable records (agents, user strategies, submissions) are written here directly and
 * awaited before a request answers; high-volume rows (fills, snapshots, checkpoints) arrive in
 * batches from `StoreWriter`, off the tick path.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { openDatabase } from './database.js';
import type { Backend } from './database.js';
import { migrationProvider } from './migrations.js';
import { ExperimentStore } from './experiment-store.js';
import { RlModelStore } from './rl-model-store.js';
import { ApiKeyStore } from './api-key-store.js';
import type {
  AgentsTable,
  CheckpointsTable,
  CrowdingSnapshotsTable,
  Database,
  FillsTable,
  SimulationsTable,
  SubmissionsTable,
  TickSnapshotsTable,
  UserStrategiesTable,
  StrategyVersionsTable,
} from './schema.js';

export type SimulationRow = SimulationsTable;
export type AgentRow = AgentsTable;
export type SubmissionRow = SubmissionsTable;
export type UserStrategyRow = UserStrategiesTable;
export type StrategyVersionRow = StrategyVersionsTable;
export type FillRow = FillsTable;
export type TickSnapshotRow = TickSnapshotsTable;
export type CrowdingSnapshotRow = CrowdingSnapshotsTable;
export type CheckpointRow = CheckpointsTable;

/** Rows of one batched write; see StoreWriter. */
export interface WriteBatch {
  fills: FillRow[];
  tickSnapshots: TickSnapshotRow[];
  crowdingSnapshots: CrowdingSnapshotRow[];
  checkpoint: CheckpointRow | null;
  /** Latest tick and mid per simulation. */
  progress: Map<string, { tick: number; mid: number | null }>;
}

export class StoreError extends Error {
  readonly code = 'CA_ERR_STORE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Rows per multi-row INSERT: under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 400;
/** Checkpoints kept per simulation (older ones are pruned as new ones land). */
const CHECKPOINTS_KEPT = 2;

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export class Store {
  /** Experiments, their runs and dead-letter list (migration 0005). */
  readonly experiments: ExperimentStore;
  /** Trained PPO policies (migration 0006). */
  readonly models: RlModelStore;
  /** API keys and their roles (migration 0003). */
  readonly keys: ApiKeyStore;

  private constructor(
    readonly db: Kysely<Database>,
    readonly backend: Backend,
    readonly location: string,
    /** PostgreSQL schema of `?schema=`, or null. */
    private readonly schema: string | null = null,
  ) {
    this.experiments = new ExperimentStore(db);
    this.models = new RlModelStore(db);
    this.keys = new ApiKeyStore(db);
  }

  /**
   * Kysely's migrator looks for its bookkeeping tables in every schema unless told which one, so
   * a second schema in the same database would see the first one's and never create its own.
   */
  private migrator(): Migrator {
    // Migration numbers were handed out to parallel work (0003 … 0008): a database may have a later
    // one applied before an earlier one exists, so order is not enforced.
    return new Migrator({ db: this.db, provider: migrationProvider, allowUnorderedMigrations: true, ...(this.schema ? { migrationTableSchema: this.schema } : {}) });
  }

  /** Opens the database and applies pending migrations. */
  static async open(databaseUrl: string): Promise<Store> {
    const opened = await openDatabase(databaseUrl);
    const store = new Store(opened.db, opened.backend, opened.location, opened.schema);
    try {
      await store.migrate();
    } catch (e) {
      await opened.db.destroy();
      throw e;
    }
    return store;
  }

  /** Applies pending migrations; returns the names applied now. */
  async migrate(): Promise<string[]> {
    const migrator = this.migrator();
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(none)';
      throw new StoreError(`migration ${failed} failed on ${this.backend} ${this.location}: ${(error as Error).message ?? error}`, { cause: error });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  async appliedMigrations(): Promise<string[]> {
    const migrator = this.migrator();
    return (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1 as ok`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- simulations ----------------------------------------------------------------------------

  async createSimulation(row: Pick<SimulationRow, 'id' | 'seed' | 'config'>): Promise<SimulationRow> {
    const full: SimulationRow = { ...row, status: 'running', created_at: new Date().toISOString(), ended_at: null, last_tick: 0, last_mid: null };
    await this.db.insertInto('simulations').values(full).execute();
    return full;
  }

  async endSimulation(id: string, lastTick: number, lastMid: number | null): Promise<void> {
    await this.db
      .updateTable('simulations')
      .set({ status: 'ended', ended_at: new Date().toISOString(), last_tick: lastTick, last_mid: lastMid })
      .where('id', '=', id)
      .execute();
  }

  /** The newest simulation still marked running: the one a restarted server resumes. */
  async latestRunningSimulation(): Promise<SimulationRow | null> {
    const row = await this.db
      .selectFrom('simulations')
      .selectAll()
      .where('status', '=', 'running')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ?? null;
  }

  async getSimulation(id: string): Promise<SimulationRow | null> {
    return (await this.db.selectFrom('simulations').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async listSimulations(limit: number, offset = 0): Promise<SimulationRow[]> {
    return this.db.selectFrom('simulations').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  }

  async countSimulations(): Promise<number> {
    const r = await this.db.selectFrom('simulations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // ---- agents ---------------------------------------------------------------------------------

  async insertAgent(row: AgentRow): Promise<void> {
    await this.db.insertInto('agents').values(row).execute();
  }

  async insertAgents(rows: AgentRow[]): Promise<void> {
    for (const part of chunks(rows, INSERT_CHUNK / 4)) await this.db.insertInto('agents').values(part).execute();
  }

  async listAgents(simulationId: string): Promise<AgentRow[]> {
    return this.db.selectFrom('agents').selectAll().where('simulation_id', '=', simulationId).orderBy('created_tick').orderBy('agent_id').execute();
  }

  async getAgent(simulationId: string, agentId: string): Promise<AgentRow | null> {
    return (
      (await this.db.selectFrom('agents').selectAll().where('simulation_id', '=', simulationId).where('agent_id', '=', agentId).executeTakeFirst()) ??
      null
    );
  }

  /** Records the API key that deployed an agent (its owner's identity). */
  async setAgentOwnerKey(simulationId: string, agentId: string, keyId: string | null): Promise<void> {
    await this.db.updateTable('agents').set({ owner_key_id: keyId }).where('simulation_id', '=', simulationId).where('agent_id', '=', agentId).execute();
  }

  /** Records the API key that registered a user strategy (first registration wins). */
  async setUserStrategyOwnerKey(name: string, keyId: string): Promise<void> {
    await this.db.updateTable('user_strategies').set({ owner_key_id: keyId }).where('name', '=', name).where('owner_key_id', 'is', null).execute();
  }

  /** Latest stats and status of many agents at once (on checkpoints, reset and shutdown). */
  async updateAgentStats(simulationId: string, updates: Array<{ agent_id: string; status: string; status_reason: string | null; final_stats: string }>): Promise<void> {
    if (updates.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const u of updates) {
        await tx
          .updateTable('agents')
          .set({ status: u.status, status_reason: u.status_reason, final_stats: u.final_stats })
          .where('simulation_id', '=', simulationId)
          .where('agent_id', '=', u.agent_id)
          .execute();
      }
    });
  }

  /** Records a stop on the agent's row: it outlives checkpoints older than the stop, restarts and resets. */
  /** Marks an agent removed (it is already stopped): its row stays for the run's history. */
  async markAgentRemoved(simulationId: string, agentId: string, removal: { at: string; by: string }): Promise<void> {
    await this.db.updateTable('agents').set({ removed_at: removal.at, removed_by: removal.by }).where('simulation_id', '=', simulationId).where('agent_id', '=', agentId).execute();
  }

  async markAgentStopped(simulationId: string, agentId: string, stop: { at: string; by: string; reason: string; position?: 'flatten' | 'freeze' }): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ status: 'silenced', status_reason: stop.reason, stopped_at: stop.at, stopped_by: stop.by, stop_reason: stop.reason, stop_position: stop.position ?? 'freeze' })
      .where('simulation_id', '=', simulationId)
      .where('agent_id', '=', agentId)
      .execute();
  }

  // ---- user strategies ------------------------------------------------------------------------

  /**
   * Saves a new version of a strategy: version 1 creates the name, a later version must be the
   * next number (a concurrent registration that took it makes this throw). The name's row then
   * points at this version.
   */
  async saveUserStrategy(row: Omit<UserStrategyRow, 'created_at' | 'version'> & { version?: number; params?: string | null }): Promise<UserStrategyRow> {
    const version = row.version ?? 1;
    const created_at = new Date().toISOString();
    const full: UserStrategyRow = { name: row.name, source: row.source, compiled: row.compiled, owner: row.owner ?? null, version, created_at };
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('strategy_versions')
        .values({ name: row.name, version, source: row.source, compiled: row.compiled, owner: row.owner ?? null, params: row.params ?? null, created_at })
        .execute();
      if (version === 1) await tx.insertInto('user_strategies').values(full).execute();
      else await tx.updateTable('user_strategies').set({ source: row.source, compiled: row.compiled, version }).where('name', '=', row.name).execute();
    });
    return full;
  }

  /** One version of a strategy (the latest when `version` is absent). */
  async getStrategyVersion(name: string, version?: number): Promise<StrategyVersionRow | null> {
    let q = this.db.selectFrom('strategy_versions').selectAll().where('name', '=', name);
    q = version === undefined ? q.orderBy('version', 'desc') : q.where('version', '=', version);
    return (await q.executeTakeFirst()) ?? null;
  }

  /** The version of `name` whose source is exactly `source`, if one was registered. */
  async findStrategyVersionBySource(name: string, source: string): Promise<StrategyVersionRow | null> {
    return (await this.db.selectFrom('strategy_versions').selectAll().where('name', '=', name).where('source', '=', source).orderBy('version', 'desc').executeTakeFirst()) ?? null;
  }

  /** Every version of every strategy, oldest first (without the code). */
  async listStrategyVersions(): Promise<Array<Pick<StrategyVersionRow, 'name' | 'version' | 'owner' | 'params' | 'created_at'>>> {
    return this.db.selectFrom('strategy_versions').select(['name', 'version', 'owner', 'params', 'created_at']).orderBy('name').orderBy('version').execute();
  }

  async getUserStrategy(name: string): Promise<UserStrategyRow | null> {
    return (await this.db.selectFrom('user_strategies').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;
  }

  /** Names, dates, versions and owners, with the first characters of the stored code (enough to tell its language). */
  async listUserStrategies(): Promise<Array<Pick<UserStrategyRow, 'name' | 'created_at' | 'version' | 'owner'> & { compiled_head: string }>> {
    return this.db
      .selectFrom('user_strategies')
      .select(['name', 'created_at', 'version', 'owner', sql<string>`substr(compiled, 1, 32)`.as('compiled_head')])
      .orderBy('created_at')
      .orderBy('name')
      .execute();
  }

  /** The names one API key registered, oldest first (GET /me/owned). */
  async listUserStrategiesByOwnerKey(keyId: string): Promise<Array<Pick<UserStrategyRow, 'name' | 'created_at' | 'version'>>> {
    return this.db.selectFrom('user_strategies').select(['name', 'created_at', 'version']).where('owner_key_id', '=', keyId).orderBy('created_at').orderBy('name').execute();
  }

  // ---- submissions ----------------------------------------------------------------------------

  async insertSubmission(row: SubmissionRow): Promise<void> {
    await this.db.insertInto('strategy_submissions').values(row).execute();
  }

  /** Stored submissions of one API key (the per-user quota). */
  async countSubmissionsByOwnerKey(keyId: string): Promise<number> {
    const r = await this.db.selectFrom('strategy_submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_key_id', '=', keyId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** One API key's submissions, newest first (GET /me/owned). */
  async listSubmissionsByOwnerKey(keyId: string, limit: number): Promise<SubmissionRow[]> {
    return this.db.selectFrom('strategy_submissions').selectAll().where('owner_key_id', '=', keyId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async getSubmission(id: string): Promise<SubmissionRow | null> {
    return (await this.db.selectFrom('strategy_submissions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async listSubmissions(filter: { status?: string; limit: number }): Promise<SubmissionRow[]> {
    let q = this.db.selectFrom('strategy_submissions').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }

  async updateSubmission(id: string, patch: Partial<Pick<SubmissionRow, 'status' | 'deployed_agent_id'>>): Promise<void> {
    await this.db
      .updateTable('strategy_submissions')
      .set({ ...patch, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  // ---- batched market data --------------------------------------------------------------------

  /** Writes one batch in a single transaction: all of it lands, or none of it. */
  async writeBatch(batch: WriteBatch): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const part of chunks(batch.fills, INSERT_CHUNK)) {
        await tx.insertInto('fills').values(part).onConflict((oc) => oc.doNothing()).execute();
      }
      for (const part of chunks(batch.tickSnapshots, INSERT_CHUNK / 4)) {
        await tx.insertInto('tick_snapshots').values(part).onConflict((oc) => oc.doNothing()).execute();
      }
      for (const part of chunks(batch.crowdingSnapshots, INSERT_CHUNK / 4)) {
        await tx.insertInto('crowding_snapshots').values(part).onConflict((oc) => oc.doNothing()).execute();
      }
      if (batch.checkpoint) {
        const cp = batch.checkpoint;
        await tx.insertInto('checkpoints').values(cp).onConflict((oc) => oc.columns(['simulation_id', 'tick']).doUpdateSet({ state: cp.state, created_at: cp.created_at })).execute();
        const keep = await tx
          .selectFrom('checkpoints')
          .select('tick')
          .where('simulation_id', '=', cp.simulation_id)
          .orderBy('tick', 'desc')
          .limit(CHECKPOINTS_KEPT)
          .execute();
        const oldestKept = keep[keep.length - 1]?.tick;
        if (oldestKept !== undefined) {
          await tx.deleteFrom('checkpoints').where('simulation_id', '=', cp.simulation_id).where('tick', '<', oldestKept).execute();
        }
      }
      for (const [id, p] of batch.progress) {
        await tx.updateTable('simulations').set({ last_tick: p.tick, last_mid: p.mid }).where('id', '=', id).execute();
      }
    });
  }

  async latestCheckpoint(simulationId: string): Promise<CheckpointRow | null> {
    return (
      (await this.db.selectFrom('checkpoints').selectAll().where('simulation_id', '=', simulationId).orderBy('tick', 'desc').limit(1).executeTakeFirst()) ??
      null
    );
  }

  /**
   * Removes market rows newer than `tick`: after resuming from a checkpoint the engine replays
   * those ticks, and the history must describe the run that actually continues.
   */
  async truncateAfter(simulationId: string, tick: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('fills').where('simulation_id', '=', simulationId).where('tick', '>', tick).execute();
      await tx.deleteFrom('tick_snapshots').where('simulation_id', '=', simulationId).where('tick', '>', tick).execute();
      await tx.deleteFrom('crowding_snapshots').where('simulation_id', '=', simulationId).where('tick', '>', tick).execute();
      await tx.deleteFrom('checkpoints').where('simulation_id', '=', simulationId).where('tick', '>', tick).execute();
      await tx.updateTable('simulations').set({ last_tick: tick }).where('id', '=', simulationId).execute();
    });
  }

  async fills(simulationId: string, opts: { sinceTick?: number; limit: number }): Promise<FillRow[]> {
    let q = this.db.selectFrom('fills').selectAll().where('simulation_id', '=', simulationId);
    if (opts.sinceTick !== undefined) q = q.where('tick', '>=', opts.sinceTick);
    return q.orderBy('tick').orderBy('seq').limit(opts.limit).execute();
  }

  async countFills(simulationId: string): Promise<number> {
    const r = await this.db.selectFrom('fills').select((eb) => eb.fn.countAll().as('n')).where('simulation_id', '=', simulationId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async countTickSnapshots(simulationId: string): Promise<number> {
    const r = await this.db.selectFrom('tick_snapshots').select((eb) => eb.fn.countAll().as('n')).where('simulation_id', '=', simulationId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /**
   * About `points` tick snapshots spread evenly over the run (ticks on a common stride), oldest
   * first, always including the latest one. Filters in SQL, so long runs are not loaded whole.
   */
  async sampledTickHistory(simulationId: string, points: number): Promise<TickSnapshotRow[]> {
    const range = await this.db
      .selectFrom('tick_snapshots')
      .select((eb) => [eb.fn.min('tick').as('lo'), eb.fn.max('tick').as('hi'), eb.fn.countAll().as('n')])
      .where('simulation_id', '=', simulationId)
      .executeTakeFirst();
    const n = Number(range?.n ?? 0);
    if (n === 0) return [];
    const lo = Number(range?.lo);
    const hi = Number(range?.hi);
    let q = this.db.selectFrom('tick_snapshots').selectAll().where('simulation_id', '=', simulationId);
    if (n > points) {
      // Snapshots sit on a regular tick spacing; stride a whole number of spacings.
      const spacing = Math.max(1, Math.round((hi - lo) / (n - 1)));
      const stride = spacing * Math.ceil(n / points);
      q = q.where((eb) => eb.or([eb(sql<number>`(tick - ${lo}) % ${stride}`, '=', 0), eb('tick', '=', hi)]));
    }
    return q.orderBy('tick').execute();
  }

  async latestCrowdingSnapshot(simulationId: string): Promise<CrowdingSnapshotRow | null> {
    return (
      (await this.db.selectFrom('crowding_snapshots').selectAll().where('simulation_id', '=', simulationId).orderBy('tick', 'desc').limit(1).executeTakeFirst()) ??
      null
    );
  }
}
