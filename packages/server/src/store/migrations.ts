/**
 * Versioned schema migrations, run by Kysely's `Migrator` on both backends. Append new entries;
 * never edit one that has shipped (the migrator records names and refuses reordering).
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { sql } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are written against the schema of their time, not today's types */
type AnyDb = Kysely<any>;

const m0001_initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('simulations')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('seed', 'integer', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('ended_at', 'varchar(32)')
      .addColumn('last_tick', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_mid', 'double precision')
      .execute();
    await db.schema.createIndex('simulations_created_idx').on('simulations').columns(['created_at']).execute();

    await db.schema
      .createTable('agents')
      .addColumn('simulation_id', 'varchar(64)', (c) => c.notNull().references('simulations.id').onDelete('cascade'))
      .addColumn('agent_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('strategy', 'varchar(64)', (c) => c.notNull())
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('owner', 'varchar(120)')
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('final_stats', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_tick', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('agents_pk', ['simulation_id', 'agent_id'])
      .execute();

    await db.schema
      .createTable('user_strategies')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('compiled', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('strategy_submissions')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('submitter_name', 'varchar(80)', (c) => c.notNull())
      .addColumn('contact', 'varchar(120)', (c) => c.notNull())
      .addColumn('mode', 'varchar(16)', (c) => c.notNull())
      .addColumn('template_strategy', 'varchar(64)', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('visibility', 'varchar(16)', (c) => c.notNull())
      .addColumn('notes', 'text')
      .addColumn('clone_source_agent_id', 'varchar(64)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('deployed_agent_id', 'varchar(64)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('submissions_status_created_idx')
      .on('strategy_submissions')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('fills')
      .addColumn('simulation_id', 'varchar(64)', (c) => c.notNull().references('simulations.id').onDelete('cascade'))
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('buy_order_id', 'integer', (c) => c.notNull())
      .addColumn('sell_order_id', 'integer', (c) => c.notNull())
      .addColumn('buy_agent_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('sell_agent_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('price', 'double precision', (c) => c.notNull())
      .addColumn('qty', 'integer', (c) => c.notNull())
      .addColumn('aggressor', 'varchar(4)', (c) => c.notNull())
      .addPrimaryKeyConstraint('fills_pk', ['simulation_id', 'tick', 'seq'])
      .execute();

    await db.schema
      .createTable('tick_snapshots')
      .addColumn('simulation_id', 'varchar(64)', (c) => c.notNull().references('simulations.id').onDelete('cascade'))
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('mid', 'double precision', (c) => c.notNull())
      .addColumn('spread', 'double precision')
      .addColumn('vwap', 'double precision', (c) => c.notNull())
      .addColumn('volatility', 'double precision', (c) => c.notNull())
      .addColumn('regime', 'varchar(32)', (c) => c.notNull())
      .addColumn('lfi', 'double precision', (c) => c.notNull())
      .addColumn('crowding', 'double precision', (c) => c.notNull())
      .addColumn('agents', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('tick_snapshots_pk', ['simulation_id', 'tick'])
      .execute();

    await db.schema
      .createTable('crowding_snapshots')
      .addColumn('simulation_id', 'varchar(64)', (c) => c.notNull().references('simulations.id').onDelete('cascade'))
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('intensity', 'double precision', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('crowding_snapshots_pk', ['simulation_id', 'tick'])
      .execute();

    await db.schema
      .createTable('checkpoints')
      .addColumn('simulation_id', 'varchar(64)', (c) => c.notNull().references('simulations.id').onDelete('cascade'))
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('checkpoints_pk', ['simulation_id', 'tick'])
      .execute();
  },
  async down(db: AnyDb) {
    for (const t of ['checkpoints', 'crowding_snapshots', 'tick_snapshots', 'fills', 'strategy_submissions', 'user_strategies', 'agents', 'simulations']) {
      await db.schema.dropTable(t).ifExists().execute();
    }
  },
};

/** Per-agent manage keys (only their SHA-256) and stops that outlive checkpoints and restarts. */
const m0002_agent_stop: Migration = {
  async up(db: AnyDb) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('agents').addColumn('manage_key_hash', 'varchar(64)').execute();
    await db.schema.alterTable('agents').addColumn('stopped_at', 'varchar(32)').execute();
    await db.schema.alterTable('agents').addColumn('stopped_by', 'varchar(16)').execute();
    await db.schema.alterTable('agents').addColumn('stop_reason', 'text').execute();
  },
  async down(db: AnyDb) {
    for (const c of ['stop_reason', 'stopped_by', 'stopped_at', 'manage_key_hash']) await db.schema.alterTable('agents').dropColumn(c).execute();
  },
};

/** API keys (only their SHA-256) and the key that owns each agent, user strategy and submission. */
const m0003_api_keys: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(120)', (c) => c.notNull())
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('revoked_at', 'varchar(32)')
      .addColumn('rotated_at', 'varchar(32)')
      .execute();
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('agents').addColumn('owner_key_id', 'varchar(32)').execute();
    await db.schema.alterTable('user_strategies').addColumn('owner_key_id', 'varchar(32)').execute();
    await db.schema.alterTable('strategy_submissions').addColumn('owner_key_id', 'varchar(32)').execute();
  },
  async down(db: AnyDb) {
    for (const t of ['strategy_submissions', 'user_strategies', 'agents']) await db.schema.alterTable(t).dropColumn('owner_key_id').execute();
    await db.schema.dropTable('api_keys').ifExists().execute();
  },
};

/** Experiments, their runs (one row per run, keyed for idempotent writes) and the dead-letter list. */
const m0005_experiments: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('experiments')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(80)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('runner', 'varchar(120)', (c) => c.notNull())
      .addColumn('total_runs', 'integer', (c) => c.notNull())
      .addColumn('project_version', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('finished_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('experiments_created_idx').on('experiments').columns(['created_at']).execute();
    await db.schema
      .createTable('experiment_runs')
      .addColumn('experiment_id', 'varchar(64)', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
      .addColumn('run_index', 'integer', (c) => c.notNull())
      .addColumn('seed', 'integer', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('overrides', 'text', (c) => c.notNull())
      .addColumn('row', 'text', (c) => c.notNull())
      .addColumn('agents', 'text', (c) => c.notNull())
      .addColumn('strategies', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('wall_ms', 'integer', (c) => c.notNull())
      .addColumn('worker', 'varchar(120)', (c) => c.notNull())
      .addColumn('project_version', 'varchar(32)', (c) => c.notNull())
      .addColumn('finished_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_runs_pk', ['experiment_id', 'run_index'])
      .execute();
    await db.schema
      .createTable('experiment_failures')
      .addColumn('experiment_id', 'varchar(64)', (c) => c.notNull().references('experiments.id').onDelete('cascade'))
      .addColumn('run_index', 'integer', (c) => c.notNull())
      .addColumn('seed', 'integer', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('error', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('failed_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_failures_pk', ['experiment_id', 'run_index'])
      .execute();
  },
  async down(db: AnyDb) {
    for (const t of ['experiment_failures', 'experiment_runs', 'experiments']) await db.schema.dropTable(t).ifExists().execute();
  },
};

/** Trained PPO policies, deployable as rl_ppo agents (POST /models, POST /strategies with config.model_id). */
const m0006_rl_models: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('rl_models')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(120)', (c) => c.notNull())
      .addColumn('source', 'varchar(120)', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('hidden', 'varchar(32)', (c) => c.notNull())
      .addColumn('steps', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rl_models_created_idx').on('rl_models').columns(['created_at']).execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('rl_models').ifExists().execute();
  },
};

/**
 * Strategy versions: registering a name again with other code adds a version; every version stays
 * (agents run the version they were deployed with). `user_strategies` keeps the latest version's
 * code and its number. Stops also record whether the position was flattened or frozen.
 */
const m0004_strategy_versions: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('strategy_versions')
      .addColumn('name', 'varchar(64)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('compiled', 'text', (c) => c.notNull())
      .addColumn('owner', 'varchar(120)')
      .addColumn('params', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('strategy_versions_pk', ['name', 'version'])
      .execute();
    await db.schema.alterTable('user_strategies').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('user_strategies').addColumn('owner', 'varchar(120)').execute();
    await sql`insert into strategy_versions (name, version, source, compiled, created_at) select name, 1, source, compiled, created_at from user_strategies`.execute(db);
    await db.schema.alterTable('agents').addColumn('stop_position', 'varchar(16)').execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('agents').dropColumn('stop_position').execute();
    await db.schema.alterTable('user_strategies').dropColumn('owner').execute();
    await db.schema.alterTable('user_strategies').dropColumn('version').execute();
    await db.schema.dropTable('strategy_versions').ifExists().execute();
  },
};

/**
 * Removed agents (DELETE /strategies/{agent_id}): the row stays (the run's history names it), marked
 * removed, so restarts, resumes and resets leave the agent out of the live roster.
 */
const m0007_agent_removal: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('agents').addColumn('removed_at', 'varchar(32)').execute();
    await db.schema.alterTable('agents').addColumn('removed_by', 'varchar(16)').execute();
  },
  async down(db: AnyDb) {
    for (const c of ['removed_by', 'removed_at']) await db.schema.alterTable('agents').dropColumn(c).execute();
  },
};

/** Ordered by name; the migrator records each applied name in `kysely_migration`. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001_initial,
  '0002_agent_stop': m0002_agent_stop,
  '0003_api_keys': m0003_api_keys,
  '0004_strategy_versions': m0004_strategy_versions,
  '0005_experiments': m0005_experiments,
  '0006_rl_models': m0006_rl_models,
  '0007_agent_removal': m0007_agent_removal,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

/** A no-op statement used as a cheap liveness probe on both backends. */
export const PING = sql`select 1 as ok`;
