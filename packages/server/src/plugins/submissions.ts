/**
 * Strategy config submissions (docs/MODEL.md §8): POST /strategies/submit-config, GET
 * /strategies/submissions, POST /strategies/submissions/{id}/approve and /reject.
 * Status moves pending → approved | deployed | rejected; approving may deploy.
 * Submitting and listing stay open (students use them); approving and rejecting are the review,
 * operator only when the server has a token, and then only the operator sees submitters' contacts.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { deployRateLimit, quotaError } from '../http/limits.js';
import { ApiError, apiError } from '../errors.js';
import { submissionId } from '../ids.js';
import { fromDomainError } from '../http/domain-errors.js';
import { errorResponses } from '../schemas/common.js';
import {
  ApproveBody,
  RejectBody,
  ManageKeyField,
  Submission,
  SubmissionIdParams,
  SubmissionsQuery,
  SUBMISSIONS_LIMIT_DEFAULT,
  SUBMISSIONS_LIMIT_MAX,
  SubmitConfigBody,
} from '../schemas/strategies.js';
import type { SubmissionRow } from '../store/store.js';

/** A stored submission as the wire shows it (GET /me/owned shows its owner's the same way). */
export function submissionToWire(row: SubmissionRow, showContact = true) {
  return {
    submission_id: row.id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    submitter_name: row.submitter_name,
    contact: showContact ? row.contact : null,
    mode: row.mode,
    template_strategy: row.template_strategy,
    parameters: storedParameters(row.parameters),
    clone_source_agent_id: row.clone_source_agent_id,
    visibility: row.visibility,
    notes: row.notes,
    status: row.status,
    deployed_agent_id: row.deployed_agent_id,
  };
}

/**
 * A row's parameters as the wire allows them. Rows stored before non-finite numbers were refused
 * can hold null (JSON's spelling of Infinity); such a value is left out rather than failing
 * every read of the list.
 */
function storedParameters(json: string): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, unknown>)) {
    if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Approve/reject take an optional body: no body means all defaults. */
async function emptyBodyIsEmptyObject(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {};
}

export const submissionsPlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { deployer, store } = ctx;

  app.post<{ Body: SubmitConfigBody }>(
    '/strategies/submit-config',
    {
      config: { access: 'user', ...deployRateLimit(ctx.options) },
      schema: {
        tags: ['submissions'],
        summary: 'Submit a strategy configuration for review (stored as pending)',
        body: SubmitConfigBody,
        response: {
          201: Type.Object({ submission_id: Type.String(), status: Type.String(), message: Type.String() }),
          ...errorResponses(400, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const types = (await deployer.strategyTypes()).map((t) => t.type);
      if (!types.includes(b.template_strategy)) {
        throw apiError('CA_ERR_UNKNOWN_STRATEGY', b.template_strategy, types.join(', ')).at('template_strategy', 'existing strategy');
      }
      const ownerKeyId = (await ctx.access.identity(req)).keyId;
      if (ownerKeyId !== null && (await store.countSubmissionsByOwnerKey(ownerKeyId)) >= ctx.options.maxSubmissionsPerUser) {
        throw quotaError(`your key already has ${ctx.options.maxSubmissionsPerUser} stored submissions, the limit per user`, 'CROWDALPHA_MAX_SUBMISSIONS_PER_USER');
      }
      const now = new Date().toISOString();
      const row: SubmissionRow = {
        id: submissionId(),
        submitter_name: b.submitter_name.trim(),
        contact: b.contact.trim(),
        mode: b.mode ?? 'beginner',
        template_strategy: b.template_strategy,
        parameters: JSON.stringify(b.parameters ?? {}),
        visibility: b.visibility ?? 'public',
        notes: b.notes ?? null,
        clone_source_agent_id: b.clone_source_agent_id ?? null,
        status: 'pending',
        deployed_agent_id: null,
        created_at: now,
        updated_at: now,
        owner_key_id: ownerKeyId,
      };
      await store.insertSubmission(row);
      req.log.info({ submissionId: row.id, template: row.template_strategy }, 'config submitted');
      return reply.code(201).send({ submission_id: row.id, status: row.status, message: 'Submission received. It will be reviewed before activation.' });
    },
  );

  app.get<{ Querystring: SubmissionsQuery }>(
    '/strategies/submissions',
    {
      schema: {
        tags: ['submissions'],
        summary: 'Recent submissions, newest first, optionally by status',
        description:
          'Open to everyone. `visibility: private` submissions are listed only to their owner (the API key that submitted them) and admins; `contact` is null except for admins (while the server has keys or an operator token).',
        querystring: SubmissionsQuery,
        response: { 200: Type.Object({ items: Type.Array(Submission) }), ...errorResponses(400) },
      },
    },
    async (req) => {
      const limit = Math.min(SUBMISSIONS_LIMIT_MAX, Math.max(1, req.query.limit ?? SUBMISSIONS_LIMIT_DEFAULT));
      const filter: { status?: string; limit: number } = { limit };
      if (req.query.status) filter.status = req.query.status;
      // Admins (and everyone while nothing is enforced) see every submission with contacts; others
      // see public submissions and their own private ones.
      const admin = await ctx.access.isAdmin(req);
      const me = (await ctx.access.identity(req)).keyId;
      const rows = (await store.listSubmissions(filter)).filter((row) => admin || row.visibility !== 'private' || (me !== null && row.owner_key_id === me));
      return { items: rows.map((row) => submissionToWire(row, admin)) };
    },
  );

  app.post<{ Params: SubmissionIdParams; Body: ApproveBody }>(
    '/strategies/submissions/:id/approve',
    ctx.guard.protect({
      preValidation: emptyBodyIsEmptyObject,
      schema: {
        tags: ['submissions'],
        summary: 'Approve a pending submission; with deploy (default true) its agent joins the market',
        params: SubmissionIdParams,
        body: ApproveBody,
        response: {
          200: Type.Object({ submission: Submission, deployed: Type.Boolean(), manage_key: Type.Optional(ManageKeyField) }),
          ...errorResponses(400, 404, 409, 501),
        },
      },
    }),
    async (req) => {
      const id = req.params.id;
      const row = await store.getSubmission(id);
      if (!row) throw apiError('CA_ERR_NOT_FOUND', 'submission', id).at('id', 'exists');
      if (row.status !== 'pending' && row.status !== 'approved') throw apiError('CA_ERR_SUBMISSION_STATE', id, row.status).at('status', 'pending or approved');
      const deploy = req.body.deploy ?? true;
      if (!deploy) {
        await store.updateSubmission(id, { status: 'approved' });
        return { submission: submissionToWire((await store.getSubmission(id)) as SubmissionRow), deployed: false };
      }
      const params = JSON.parse(row.parameters) as Record<string, unknown>;
      let agentId: string;
      let manageKey: string;
      const builtin = (await deployer.strategyTypes()).find((t) => t.type === row.template_strategy);
      if (!builtin) throw apiError('CA_ERR_UNKNOWN_STRATEGY', row.template_strategy, (await deployer.strategyTypes()).map((t) => t.type).join(', ')).at('template_strategy', 'existing strategy');
      if (builtin.kind === 'builtin') {
        try {
          const out = await deployer.deployBuiltin({ type: row.template_strategy, agentId: req.body.agent_id, params, owner: row.submitter_name });
          agentId = out.row.agent_id;
          manageKey = out.manageKey;
        } catch (e) {
          const api = e instanceof ApiError ? e : fromDomainError(e);
          if (api?.code === 'CA_ERR_BAD_AGENT_CONFIG') {
            throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `submission ${id} cannot be deployed: ${api.message}`, { field: 'parameters', rule: 'strategy parameters' });
          }
          throw e;
        }
      } else {
        const strat = await store.getUserStrategy(row.template_strategy);
        if (!strat) throw apiError('CA_ERR_NOT_FOUND', 'user strategy', row.template_strategy);
        const out = await deployer.registerUserStrategy({
          name: strat.name,
          code: strat.source,
          deploy: true,
          agentId: req.body.agent_id,
          config: { params },
          owner: row.submitter_name,
        });
        agentId = out.agent_id as string;
        manageKey = out.manage_key as string;
      }
      await store.updateSubmission(id, { status: 'deployed', deployed_agent_id: agentId });
      req.log.info({ submissionId: id, agentId }, 'submission deployed');
      return { submission: submissionToWire((await store.getSubmission(id)) as SubmissionRow), deployed: true, manage_key: manageKey };
    },
  );

  app.post<{ Params: SubmissionIdParams; Body: RejectBody }>(
    '/strategies/submissions/:id/reject',
    ctx.guard.protect({
      preValidation: emptyBodyIsEmptyObject,
      schema: {
        tags: ['submissions'],
        summary: 'Reject a pending or approved submission',
        params: SubmissionIdParams,
        body: RejectBody,
        response: { 200: Type.Object({ submission: Submission }), ...errorResponses(400, 404) },
      },
    }),
    async (req) => {
      const id = req.params.id;
      const row = await store.getSubmission(id);
      if (!row) throw apiError('CA_ERR_NOT_FOUND', 'submission', id).at('id', 'exists');
      if (row.status !== 'pending' && row.status !== 'approved') {
        throw new ApiError('CA_ERR_SUBMISSION_STATE', `submission ${id} is in status '${row.status}' and cannot be rejected; only pending or approved submissions can`, {
          field: 'status',
          rule: 'pending or approved',
        });
      }
      await store.updateSubmission(id, { status: 'rejected' });
      return { submission: submissionToWire((await store.getSubmission(id)) as SubmissionRow) };
    },
  );
};
