/** Accounts: GET /me, GET /me/owned and the admin key routes (/admin/keys*). */
import { Type, type Static } from '@sinclair/typebox';
import { Int, Nullable, Num, Obj, Str } from './kit.js';
import { SubmissionWire } from './simulations.js';

/** An API key as lists show it: never its secret (the server keeps only a SHA-256 of it). */
export const ApiKeySummaryWire = Obj({
  id: Str(),
  name: Str('who holds the key (a student, a team); owner of what it deploys'),
  role: Str('admin | user'),
  created_at: Str(),
  revoked_at: Nullable(Str()),
  rotated_at: Nullable(Str()),
});
export type ApiKeySummaryWire = Static<typeof ApiKeySummaryWire>;

/** POST /admin/keys (201) and POST /admin/keys/{id}/rotate: the secret, in this answer only. */
export const ApiKeyCreatedResponse = Obj({
  key: Str('the API key: shown only in this answer (the server keeps its SHA-256); send it as Authorization: Bearer <key>'),
  summary: ApiKeySummaryWire,
});
export type ApiKeyCreatedResponse = Static<typeof ApiKeyCreatedResponse>;

/** GET /admin/keys */
export const ApiKeysResponse = Obj({ keys: Type.Array(ApiKeySummaryWire) });
export type ApiKeysResponse = Static<typeof ApiKeysResponse>;

/** POST /admin/keys/{id}/revoke */
export const ApiKeyRevokedResponse = Obj({ key: ApiKeySummaryWire });
export type ApiKeyRevokedResponse = Static<typeof ApiKeyRevokedResponse>;

/** GET /me: who the server takes the caller for, and what that lets them do. */
export const MeResponse = Obj({
  kind: Type.Union([Type.Literal('anonymous'), Type.Literal('operator'), Type.Literal('key')], {
    description: 'key: an API key; operator: the operator token (CROWDALPHA_ADMIN_TOKEN); anonymous: no credential, or one the server does not recognise',
  }),
  role: Nullable(Type.Union([Type.Literal('admin'), Type.Literal('user')])),
  key_id: Nullable(Str('the API key\'s id (what it deploys is owned by this id)')),
  name: Nullable(Str('the key\'s holder; "operator" for the operator token')),
  credential_refused: Nullable(Str('why the Authorization header sent was not recognised (revoked, rotated, mistyped key), or null')),
  keyless: Type.Boolean({ description: 'no API key exists yet: deploying and submitting need no key (the single-user mode); ends with the first key' }),
  operator_token: Type.Boolean({ description: 'the server was started with an operator token' }),
  public_reads: Type.Boolean({ description: 'market data and analytics are readable without a key' }),
  can_deploy: Type.Boolean({ description: 'this caller may deploy strategies and submit configs now' }),
  can_admin: Type.Boolean({ description: 'this caller may use the admin routes (market control, approvals, keys) now' }),
});
export type MeResponse = Static<typeof MeResponse>;

/** An agent of the current market deployed with the caller's key. */
export const OwnedAgentWire = Obj({
  agent_id: Str(),
  strategy_type: Str(),
  kind: Str('deployed (a built-in type) | user (registered code)'),
  strategy_version: Nullable(Int('user strategies: the version the agent runs')),
  status: Str('the live status, or the stored one for an agent no longer in the market'),
  status_reason: Nullable(Str()),
  live: Type.Boolean({ description: 'the agent is in the running market and not stopped' }),
  net_pnl: Nullable(Num('PnL less the starting capital, while the agent is in the market (a stopped agent keeps its figures); null once it is gone')),
  created_tick: Int(),
  stopped_at: Nullable(Str()),
});
export type OwnedAgentWire = Static<typeof OwnedAgentWire>;

/** A strategy name registered with the caller's key, with every version of it. */
export const OwnedStrategyWire = Obj({
  name: Str(),
  version: Int('the latest version'),
  created_at: Str('when the name was first registered'),
  versions: Type.Array(Obj({ version: Int(), created_at: Str(), params: Type.Array(Str(), { description: 'the constructor options this version reads' }) })),
});
export type OwnedStrategyWire = Static<typeof OwnedStrategyWire>;

/** GET /me/owned: what the caller's key owns (empty for a caller without a key). */
export const OwnedResponse = Obj({
  key_id: Nullable(Str()),
  agents: Type.Array(OwnedAgentWire),
  strategies: Type.Array(OwnedStrategyWire),
  submissions: Type.Array(SubmissionWire, { description: 'newest first' }),
});
export type OwnedResponse = Static<typeof OwnedResponse>;
