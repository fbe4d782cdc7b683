/** Schemas of /strategies/* (deploy, user strategies, submissions). Limits are docs/MODEL.md §8. */
import { Type, type Static } from '@sinclair/typebox';
import { STRATEGY_NAME_PATTERN, STRATEGY_NAME_RULE, SubmissionWire } from '@crowdalpha/engine/wire';
import { LANGUAGE_DETECTION_RULE } from '@crowdalpha/sandbox';
import { AgentIdSchema } from './common.js';

export const CODE_MAX_CHARS = 32_000;
export const SANDBOX_TIMEOUT_MIN_MS = 5;
export const SANDBOX_TIMEOUT_MAX_MS = 1000;

/** A parameter value: a number, or true/false for switches (e.g. rl_ppo's learn, frozen). */
const ParamValue = Type.Unsafe<number | boolean>({ type: ['number', 'boolean'] });

export const AgentParams = Type.Object(
  { model_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'rl_ppo: start from this stored model (GET /models)' })) },
  {
    additionalProperties: ParamValue,
    maxProperties: 64,
    propertyNames: { minLength: 1, maxLength: 64 },
    description: "strategy parameters by name (see GET /strategies for each type's parameters and defaults)",
  },
);

export const DeployBody = Type.Object(
  {
    strategy_type: Type.String({ minLength: 1, maxLength: 64, description: 'a built-in type: momentum, mean_reversion, market_maker' }),
    agent_id: Type.Optional(AgentIdSchema),
    config: Type.Optional(AgentParams),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    model: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'rl_ppo only: a model file from `crowdalpha train` (or use config.model_id for a stored one)' }),
    ),
  },
  { additionalProperties: false },
);
export type DeployBody = Static<typeof DeployBody>;

export const UserStrategyBody = Type.Object(
  {
    strategy_name: Type.String({ pattern: STRATEGY_NAME_PATTERN, description: STRATEGY_NAME_RULE }),
    code: Type.String({ minLength: 1, maxLength: CODE_MAX_CHARS, description: 'TypeScript or Python source: exactly one class extending BaseAgent' }),
    language: Type.Optional(
      Type.Union([Type.Literal('typescript'), Type.Literal('python')], {
        description: `the language of code; ${LANGUAGE_DETECTION_RULE}. Python needs python3, python3-numpy and bubblewrap on the server (GET /status sandbox.python)`,
      }),
    ),
    deploy: Type.Optional(Type.Boolean({ default: false })),
    agent_id: Type.Optional(AgentIdSchema),
    config: Type.Optional(
      Type.Object(
        {
          timeout_ms: Type.Optional(Type.Integer({ minimum: SANDBOX_TIMEOUT_MIN_MS, maximum: SANDBOX_TIMEOUT_MAX_MS, description: 'per-call timeout (default 120)' })),
          params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 64 })),
        },
        { additionalProperties: false },
      ),
    ),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  },
  { additionalProperties: false },
);
export type UserStrategyBody = Static<typeof UserStrategyBody>;

export const STOP_REASON_MAX_CHARS = 200;

export const StopBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: STOP_REASON_MAX_CHARS, description: 'why, shown in the agent\'s status_reason (at most 200 characters)' })),
    position: Type.Optional(
      Type.Union([Type.Literal('flatten'), Type.Literal('freeze')], {
        description:
          'what happens to the open position: flatten = market orders of at most CROWDALPHA_STOP_FLATTEN_QTY a tick over the following ticks until flat (stats extra: flatten_orders, flatten_qty, flattened_at_tick); freeze (default) = kept as it is',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StopBody = Static<typeof StopBody>;

export const ManageKeyHeaders = Type.Object({
  'x-manage-key': Type.Optional(
    Type.String({ description: "the agent's manage key, as returned (once) by the deploy that created it; not needed with the operator token, nor on a server without one" }),
  ),
});

/** `manage_key` in deploy responses. */
export const ManageKeyField = Type.String({
  description:
    'A new secret that lets its holder stop this agent (POST /strategies/{agent_id}/stop with header X-Manage-Key). Shown only in this response: the server keeps only its SHA-256.',
});

export const AgentIdParams = Type.Object({ agent_id: Type.String({ minLength: 1, maxLength: 64 }) });
export type AgentIdParams = Static<typeof AgentIdParams>;

// ---- submissions ------------------------------------------------------------------------------

export const SUBMISSION_STATUSES = ['pending', 'approved', 'deployed', 'rejected'] as const;
export const SUBMISSIONS_LIMIT_MAX = 200;
export const SUBMISSIONS_LIMIT_DEFAULT = 100;

export const SubmissionParameterValue = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 200 })]);

export const SubmitConfigBody = Type.Object(
  {
    submitter_name: Type.String({ minLength: 2, maxLength: 80 }),
    contact: Type.String({ minLength: 3, maxLength: 120 }),
    mode: Type.Optional(Type.Union([Type.Literal('beginner'), Type.Literal('intermediate'), Type.Literal('advanced')], { default: 'beginner' })),
    template_strategy: Type.String({ minLength: 3, maxLength: 64, description: 'an existing strategy: a built-in type or a registered user strategy' }),
    parameters: Type.Optional(
      Type.Record(Type.String(), SubmissionParameterValue, {
        maxProperties: 32,
        propertyNames: { minLength: 1, maxLength: 64 },
        description: 'at most 32 keys of at most 64 characters; finite numbers, booleans or strings of at most 200 characters',
      }),
    ),
    clone_source_agent_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')], { default: 'public' })),
    notes: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type SubmitConfigBody = Static<typeof SubmitConfigBody>;

export const SubmissionsQuery = Type.Object({
  status: Type.Optional(Type.Union(SUBMISSION_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ description: `clamped to 1..${SUBMISSIONS_LIMIT_MAX} (default ${SUBMISSIONS_LIMIT_DEFAULT})` })),
});
export type SubmissionsQuery = Static<typeof SubmissionsQuery>;

export const SubmissionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type SubmissionIdParams = Static<typeof SubmissionIdParams>;

export const ApproveBody = Type.Object(
  {
    deploy: Type.Optional(Type.Boolean({ default: true })),
    agent_id: Type.Optional(AgentIdSchema),
  },
  { additionalProperties: false },
);
export type ApproveBody = Static<typeof ApproveBody>;

export const RejectBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });
export type RejectBody = Static<typeof RejectBody>;

/** A submission on the wire (declared in the contract). */
export const Submission = SubmissionWire;
