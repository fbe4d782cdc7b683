/**
 * Experiments in the store: the experiment row, one row per finished run and the dead-letter
 * list of runs that failed on every attempt. Run writes are idempotent — keyed by
 * (experiment_id, run_index), the first write wins — so a retried, duplicated or stalled job never
 * counts twice, and progress is simply the number of run rows.
 */
import type { Kysely } from 'kysely';
import type { Database, ExperimentFailuresTable, ExperimentRunsTable, ExperimentsTable } from './schema.js';

export type ExperimentRow = ExperimentsTable;
export type ExperimentRunRow = ExperimentRunsTable;
export type ExperimentFailureRow = ExperimentFailuresTable;

export type ExperimentStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface ExperimentProgress {
  total: number;
  done: number;
  failed: number;
}

export class ExperimentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(row: Omit<ExperimentRow, 'created_at' | 'finished_at'>): Promise<ExperimentRow> {
    const full: ExperimentRow = { ...row, created_at: new Date().toISOString(), finished_at: null };
    await this.db.insertInto('experiments').values(full).execute();
    return full;
  }

  async get(id: string): Promise<ExperimentRow | null> {
    return (await this.db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
  }

  async list(limit = 200): Promise<ExperimentRow[]> {
    return this.db.selectFrom('experiments').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /**
   * Sets the status; a cancelled experiment stays cancelled (a runner finishing late must not
   * turn it back into done). Terminal statuses stamp finished_at.
   */
  async setStatus(id: string, status: ExperimentStatus): Promise<void> {
    const terminal = status === 'done' || status === 'cancelled' || status === 'failed';
    await this.db
      .updateTable('experiments')
      .set({ status, ...(terminal ? { finished_at: new Date().toISOString() } : {}) })
      .where('id', '=', id)
      .where('status', '!=', 'cancelled')
      .execute();
  }

  /** Inserts a finished run unless that run is already stored; true when this call stored it. */
  async recordRun(row: ExperimentRunRow): Promise<boolean> {
    const r = await this.db.insertInto('experiment_runs').values(row).onConflict((oc) => oc.columns(['experiment_id', 'run_index']).doNothing()).executeTakeFirst();
    const inserted = Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    // A run that succeeds on a later attempt leaves the dead-letter list.
    if (inserted) await this.db.deleteFrom('experiment_failures').where('experiment_id', '=', row.experiment_id).where('run_index', '=', row.run_index).execute();
    return inserted;
  }

  /** Puts a run on the dead-letter list (or updates its error and attempts). */
  async recordFailure(row: ExperimentFailureRow): Promise<void> {
    await this.db
      .insertInto('experiment_failures')
      .values(row)
      .onConflict((oc) => oc.columns(['experiment_id', 'run_index']).doUpdateSet({ error: row.error, attempts: row.attempts, failed_at: row.failed_at }))
      .execute();
  }

  async runs(id: string): Promise<ExperimentRunRow[]> {
    return this.db.selectFrom('experiment_runs').selectAll().where('experiment_id', '=', id).orderBy('run_index').execute();
  }

  async run(id: string, index: number): Promise<ExperimentRunRow | null> {
    return (await this.db.selectFrom('experiment_runs').selectAll().where('experiment_id', '=', id).where('run_index', '=', index).executeTakeFirst()) ?? null;
  }

  async doneIndices(id: string): Promise<Set<number>> {
    const rows = await this.db.selectFrom('experiment_runs').select('run_index').where('experiment_id', '=', id).execute();
    return new Set(rows.map((r) => r.run_index));
  }

  async failures(id: string): Promise<ExperimentFailureRow[]> {
    return this.db.selectFrom('experiment_failures').selectAll().where('experiment_id', '=', id).orderBy('run_index').execute();
  }

  async progress(id: string): Promise<ExperimentProgress> {
    const exp = await this.get(id);
    const done = await this.db.selectFrom('experiment_runs').select((eb) => eb.fn.countAll().as('n')).where('experiment_id', '=', id).executeTakeFirst();
    const failed = await this.db.selectFrom('experiment_failures').select((eb) => eb.fn.countAll().as('n')).where('experiment_id', '=', id).executeTakeFirst();
    return { total: exp?.total_runs ?? 0, done: Number(done?.n ?? 0), failed: Number(failed?.n ?? 0) };
  }
}
