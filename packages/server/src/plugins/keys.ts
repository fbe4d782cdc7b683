/**
 * API key management for admins: POST /admin/keys (create; the key is in this answer only),
 * GET /admin/keys (list, no secrets), POST /admin/keys/{id}/revoke, POST /admin/keys/{id}/rotate
 * (a new secret for the same id, name, role and ownership). The CLI's `crowdalpha admin` commands
 * do the same directly on the store (that is how the first admin key is made).
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { apiError } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import { ApiKeyCreatedResponse as WithSecret, ApiKeyRevokedResponse, ApiKeysResponse } from '../wire.js';

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120, description: 'who holds the key (a student, a team); owner of what it deploys' }),
    role: Type.Union([Type.Literal('admin'), Type.Literal('user')], { default: 'user' }),
  },
  { additionalProperties: false },
);
const KeyIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const keysPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { store, access } = ctx;
  const admin = { access: 'admin' as const };

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/admin/keys',
    {
      config: admin,
      schema: { tags: ['admin'], summary: 'Create an API key (shown once)', body: CreateBody, response: { 201: WithSecret, ...errorResponses(400, 413, 415) } },
    },
    async (req, reply) => {
      const out = await store.keys.create({ name: req.body.name.trim(), role: req.body.role ?? 'user' });
      access.noteKeyCreated();
      // Never log the key itself: its id names it.
      req.log.info({ keyId: out.summary.id, role: out.summary.role }, 'API key created');
      return reply.code(201).send(out);
    },
  );

  app.get('/admin/keys', { config: admin, schema: { tags: ['admin'], summary: 'Every API key, newest first (no secrets)', response: { 200: ApiKeysResponse } } }, async () => ({
    keys: await store.keys.list(),
  }));

  app.post<{ Params: Static<typeof KeyIdParams> }>(
    '/admin/keys/:id/revoke',
    { config: admin, schema: { tags: ['admin'], summary: 'Revoke an API key (it stops working at once)', params: KeyIdParams, response: { 200: ApiKeyRevokedResponse, ...errorResponses(404) } } },
    async (req) => {
      if (!(await store.keys.revoke(req.params.id))) throw apiError('CA_ERR_NOT_FOUND', 'valid API key', req.params.id).at('id', 'exists and not revoked');
      req.log.info({ keyId: req.params.id }, 'API key revoked');
      return { key: (await store.keys.get(req.params.id))! };
    },
  );

  app.post<{ Params: Static<typeof KeyIdParams> }>(
    '/admin/keys/:id/rotate',
    { config: admin, schema: { tags: ['admin'], summary: 'Give an API key a new secret (the old one stops working; shown once)', params: KeyIdParams, response: { 200: WithSecret, ...errorResponses(404) } } },
    async (req) => {
      const out = await store.keys.rotate(req.params.id);
      if (!out) throw apiError('CA_ERR_NOT_FOUND', 'valid API key', req.params.id).at('id', 'exists and not revoked');
      req.log.info({ keyId: req.params.id }, 'API key rotated');
      return out;
    },
  );
};
