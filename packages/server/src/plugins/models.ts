/**
 * Trained PPO models as artefacts: POST /models (upload a `crowdalpha train` model file), GET
 * /models (list, no weights), GET /models/{model_id} (the model file), POST
 * /strategies/{agent_id}/model (store a live rl_ppo agent's current policy). Deploying one is
 * POST /strategies with strategy_type rl_ppo and config.model_id.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { RL_ACTIONS, RL_FEATURES, modelProblem, type PpoModel } from '@crowdalpha/engine';
import { PpoModelWire, RlModelListWire, RlModelSummaryWire } from '@crowdalpha/engine/wire';
import type { PluginOptions } from '../context.js';
import { deployRateLimit } from '../http/limits.js';
import { apiError } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import { AgentIdParams } from '../schemas/strategies.js';

/** Models are larger than ordinary requests: a 2×64 policy and critic are ~230 kB of JSON. */
export const MODEL_BODY_LIMIT = 8 * 1024 * 1024;

const UploadBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    model: Type.Object({}, { additionalProperties: true, description: 'the model file written by `crowdalpha train`' }),
  },
  { additionalProperties: false },
);
type UploadBody = Static<typeof UploadBody>;

const SnapshotBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) }, { additionalProperties: false });
type SnapshotBody = Static<typeof SnapshotBody>;

const ModelIdParams = Type.Object({ model_id: Type.String({ minLength: 1, maxLength: 64 }) });
type ModelIdParams = Static<typeof ModelIdParams>;

export const modelsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { store, deployer } = ctx;

  app.post<{ Body: UploadBody }>(
    '/models',
    {
      config: { access: 'user', ...deployRateLimit(ctx.options) },
      bodyLimit: MODEL_BODY_LIMIT,
      schema: {
        tags: ['strategies'],
        summary: 'Store a trained PPO model (the file `crowdalpha train` writes)',
        body: UploadBody,
        response: { 201: RlModelSummaryWire, ...errorResponses(400, 413, 415) },
      },
    },
    async (req, reply) => {
      const problem = modelProblem(req.body.model, RL_FEATURES.length, RL_ACTIONS.length);
      if (problem) throw apiError('CA_ERR_MODEL_INVALID', problem).at('model', 'crowdalpha-ppo model');
      const model = req.body.model as unknown as PpoModel;
      const saved: RlModelSummaryWire = await store.models.save(model, { name: req.body.name ?? `model ${new Date().toISOString()}`, source: 'upload' });
      return reply.code(201).send(saved);
    },
  );

  app.get('/models', { schema: { tags: ['strategies'], summary: 'Stored PPO models (without weights), newest first', response: { 200: RlModelListWire } } }, async () => {
    const out: RlModelListWire = { models: await store.models.list() };
    return out;
  });

  app.get<{ Params: ModelIdParams }>(
    '/models/:model_id',
    { schema: { tags: ['strategies'], summary: 'One stored model: the file, loadable by `crowdalpha evaluate`', params: ModelIdParams, response: { 200: PpoModelWire, ...errorResponses(404) } } },
    async (req) => {
      const model = await store.models.get(req.params.model_id);
      if (!model) throw apiError('CA_ERR_NOT_FOUND', 'model', req.params.model_id).at('model_id', 'exists');
      return model;
    },
  );

  app.post<{ Params: AgentIdParams; Body: SnapshotBody }>(
    '/strategies/:agent_id/model',
    {
      // Snapshotting reads an agent's policy and stores a copy: any key holder (the agent keeps running).
      config: { access: 'user' },
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
      schema: {
        tags: ['strategies'],
        summary: "Store a live rl_ppo agent's current policy as a model",
        params: AgentIdParams,
        body: SnapshotBody,
        response: { 201: RlModelSummaryWire, ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => reply.code(201).send(await deployer.snapshotModel(req.params.agent_id, req.body.name)),
  );
};
