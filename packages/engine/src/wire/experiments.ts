/**
 * The experiments API (POST/GET/DELETE /experiments): what the server sends about an experiment
 * and its runs. A spec is sent as the JSON form of the spec file (see README "Research").
 */

export type ExperimentStatusWire = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface ExperimentProgressWire {
  total: number;
  done: number;
  /** Runs on the dead-letter list (failed on every attempt). */
  failed: number;
}

/** One row of GET /experiments. */
export interface ExperimentSummaryWire extends ExperimentProgressWire {
  id: string;
  name: string;
  description: string;
  status: ExperimentStatusWire;
  /** embedded | queue:<name> */
  runner: string;
  project_version: string;
  created_at: string;
  finished_at: string | null;
}

/** A run on the dead-letter list, with its last error. */
export interface ExperimentFailureWire {
  run_index: number;
  seed: number;
  params: Record<string, number | string | boolean>;
  error: string;
  attempts: number;
  failed_at: string;
}

/** One stored run: its swept values, figures and sampled price path. */
export interface ExperimentRunWire {
  run_index: number;
  seed: number;
  params: Record<string, number | string | boolean>;
  figures: Record<string, number | string | boolean | null>;
  /** [tick, mid][] at ~200 evenly spaced ticks. */
  path: [number, number][];
  wall_ms: number;
  worker: string;
}

/** Mean, sd and 95 % t interval over seeds of one figure at one grid point. */
export interface FigureStatsWire {
  n: number;
  mean: number | null;
  sd: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
}

export interface ExperimentPointWire {
  params: Record<string, number | string | boolean | null>;
  seeds: number;
  figures: Record<string, FigureStatsWire>;
}

/** GET /experiments/{id}. */
export interface ExperimentDetailWire extends ExperimentSummaryWire {
  /** The validated spec. */
  spec: Record<string, unknown>;
  /** Swept and drawn keys, in column order. */
  axes: string[];
  runs: ExperimentRunWire[];
  /** Per grid point over seeds (experiment summary). */
  aggregates: ExperimentPointWire[];
  dead_letters: ExperimentFailureWire[];
}
