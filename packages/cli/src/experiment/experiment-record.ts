/**
 * A finished run as a store row: the record's figures plus what reproduces the run (its exact
 * config overrides and seed) and who computed it with which version. Shared by the local runner
 * and the queue workers, so both store the same thing.
 */
import { hostname } from 'node:os';
import type { ExperimentRunRow } from '@crowdalpha/server';
import type { RunRecord } from '../sweep/sweep-run.js';
import { runOverrides } from '../sweep/sweep-run.js';
import { projectVersion } from '../version.js';

/** Job data of one experiment run (the sweep task plus where its result goes). */
export interface ExperimentTask {
  experimentId: string;
  index: number;
  params: Record<string, number | string | boolean>;
  base: Record<string, unknown>;
  overrides: Record<string, unknown>;
  seed: number;
  ticks: number;
}

export function runRow(task: ExperimentTask, record: RunRecord, worker: string): ExperimentRunRow {
  const { wall_ms, ...figures } = record.row;
  return {
    experiment_id: task.experimentId,
    run_index: task.index,
    seed: task.seed,
    params: JSON.stringify(task.params),
    overrides: JSON.stringify(runOverrides(task.base, task.overrides, task.seed)),
    row: JSON.stringify(figures),
    agents: JSON.stringify(record.agents),
    strategies: JSON.stringify(record.strategies),
    path: JSON.stringify(record.path),
    wall_ms: typeof wall_ms === 'number' ? Math.round(wall_ms) : 0,
    worker,
    project_version: projectVersion(),
    finished_at: new Date().toISOString(),
  };
}

/** This process's name in the `worker` column. */
export function workerName(kind: 'embedded' | 'queue'): string {
  return kind === 'embedded' ? `embedded@${hostname()}:${process.pid}` : `${hostname()}:${process.pid}`;
}
