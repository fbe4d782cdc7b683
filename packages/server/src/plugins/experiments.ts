/**
 * The experiments API: POST /experiments (a spec; runs on the server's worker pool or its Redis
 * queue), GET /experiments, GET /experiments/{id} (status, progress, runs, aggregates, dead
 * letters), GET /experiments/{id}/runs.csv|.parquet, DELETE /experiments/{id} (cancel; runs done
 * are kept). Progress is read by polling GET /experiments/{id}.
 *
 * Running experiments is the CLI's runner (the sweep pool and the BullMQ queue live there), so
 * the server gets it as an `ExperimentService` from whoever starts it (`crowdalpha serve` does);
 * a server started without one answers 501.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ExperimentDetailWire, ExperimentListResponse, ExperimentSummaryWire } from '@crowdalpha/engine/wire';
import type { PluginOptions } from '../context.js';
import { ApiError, apiError } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import type { Store } from '../store/store.js';

/** What the server needs to run experiments; implemented by the CLI (`crowdalpha serve`). */
export interface ExperimentService {
  /** Validates and starts a spec; throws an error with `code === 'CA_ERR_EXPERIMENT_SPEC'` for a bad one. */
  submit(spec: unknown): Promise<ExperimentSummaryWire>;
  list(): Promise<ExperimentSummaryWire[]>;
  detail(id: string): Promise<ExperimentDetailWire | null>;
  /** The runs table as a file, or null for an unknown id. */
  runsFile(id: string, format: 'csv' | 'parquet'): Promise<Uint8Array | null>;
  /** Cancels (nothing new starts); null for an unknown id. */
  cancel(id: string): Promise<ExperimentSummaryWire | null>;
  /** Stops starting runs (the server is shutting down); runs in progress finish. */
  close(): Promise<void>;
}

/** Builds the service over the server's store (so experiments live in the server's database). */
export type ExperimentServiceFactory = (store: Store) => ExperimentService;

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }) });
const FileParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }), format: Type.Union([Type.Literal('csv'), Type.Literal('parquet')]) });
/**
 * The spec as posted: its keys are documented here, but checking them is the runner's
 * (`parseSpec`: unknown keys, empty grids, ranges, the cap and every resulting engine config,
 * answered as 400 CA_ERR_EXPERIMENT_SPEC naming the key), so the schema constrains nothing.
 */
const specKey = (description: string) => Type.Optional(Type.Unknown({ description }));
const SpecBody = Type.Object(
  {
    name: specKey('string, required'),
    description: specKey('string'),
    base: specKey('engine config overrides every run starts from (nested or dotted keys)'),
    grid: specKey('config key → list of values to sweep'),
    random: specKey('{draws, seed, ranges: {key: {min, max, integer}}}: random points, each combined with every grid point'),
    seeds: specKey('list of seeds, or a string such as "1..10" or "1,2,7"'),
    ticks: specKey('ticks per run'),
    figures: specKey('standard figures to draw (all by default)'),
    max_runs: specKey('refuse specs with more runs than this'),
  },
  { additionalProperties: true, description: 'experiment spec, the JSON form of the spec file; checked whole by the runner (400 CA_ERR_EXPERIMENT_SPEC)' },
);

export const experimentsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const service = (): ExperimentService => {
    if (!ctx.experiments) throw apiError('CA_ERR_EXPERIMENTS_UNAVAILABLE');
    return ctx.experiments;
  };
  const notFound = (id: string): ApiError => apiError('CA_ERR_NOT_FOUND', 'experiment', id);

  app.post(
    '/experiments',
    ctx.guard.protect({
      schema: {
        tags: ['experiments'],
        summary: 'Start an experiment from a spec (name, base, grid, random, seeds, ticks, figures, max_runs); validated whole before anything runs',
        body: SpecBody,
        response: { 201: ExperimentSummaryWire, ...errorResponses(400, 401, 413, 415, 501) },
      },
    }),
    async (req, reply) => {
      try {
        const created = await service().submit(req.body);
        return reply.code(201).send(created);
      } catch (err) {
        if ((err as { code?: string }).code === 'CA_ERR_EXPERIMENT_SPEC') throw apiError('CA_ERR_EXPERIMENT_SPEC', (err as Error).message);
        throw err;
      }
    },
  );

  app.get('/experiments', { schema: { tags: ['experiments'], summary: 'Stored experiments with status and progress, newest first', response: { 200: ExperimentListResponse, ...errorResponses(501) } } }, async (): Promise<ExperimentListResponse> => ({
    items: await service().list(),
  }));

  app.get<{ Params: Static<typeof IdParams> }>(
    '/experiments/:id',
    { schema: { tags: ['experiments'], summary: 'One experiment: status, progress, runs, aggregates over seeds, dead-letter list (poll for progress)', params: IdParams, response: { 200: ExperimentDetailWire, ...errorResponses(400, 404, 501) } } },
    async (req) => (await service().detail(req.params.id)) ?? Promise.reject(notFound(req.params.id)),
  );

  app.get<{ Params: Static<typeof FileParams> }>(
    '/experiments/:id/runs.:format',
    { schema: { tags: ['experiments'], summary: 'The runs table (one row per run; columns defined in the README) as CSV or Parquet', params: FileParams, response: errorResponses(400, 404, 501) } },
    async (req, reply) => {
      const bytes = await service().runsFile(req.params.id, req.params.format);
      if (!bytes) throw notFound(req.params.id);
      const csv = req.params.format === 'csv';
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet')
        .header('content-disposition', `attachment; filename="${req.params.id}-runs.${req.params.format}"`)
        .send(Buffer.from(bytes));
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/experiments/:id',
    ctx.guard.protect({
      schema: { tags: ['experiments'], summary: 'Cancel an experiment: nothing new starts; runs already done are kept', params: IdParams, response: { 200: ExperimentSummaryWire, ...errorResponses(400, 401, 404, 501) } },
    }),
    async (req) => (await service().cancel(req.params.id)) ?? Promise.reject(notFound(req.params.id)),
  );
};
