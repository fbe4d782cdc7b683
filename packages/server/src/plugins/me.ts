/**
 * Who am I: GET /me tells a client (the dashboard) how the server takes its credential — an API
 * key with its role, the operator token, or nobody — whether the server is still keyless, and
 * what that lets the caller do; GET /me/owned lists what the caller's key owns: its agents in the
 * current market, the strategy names it registered with their versions, and its submissions.
 * A dashboard cannot read these from the other routes: they show owners by name, and names are
 * not unique, while ownership is the key's id.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { PluginOptions } from '../context.js';
import { MeResponse, OwnedResponse, type OwnedAgentWire, type OwnedStrategyWire } from '../wire.js';
import { submissionToWire } from './submissions.js';

/** How many of its own submissions GET /me/owned lists at most (newest first). */
export const OWNED_SUBMISSIONS_LIMIT = 200;

/** The option names a version's constructor reads, from its stored StrategyParams JSON (none when unknown). */
function paramNames(json: string | null): string[] {
  if (!json) return [];
  try {
    const names = (JSON.parse(json) as { names?: Array<{ name?: unknown }> }).names;
    return Array.isArray(names) ? names.map((n) => n.name).filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

function strategyVersionOf(config: string): number | null {
  try {
    const v = (JSON.parse(config) as { strategy_version?: unknown }).strategy_version;
    return typeof v === 'number' && Number.isInteger(v) ? v : null;
  } catch {
    return null;
  }
}

export const mePlugin: FastifyPluginAsync<PluginOptions> = async (app, { ctx }) => {
  const { access, store, hub } = ctx;

  app.get(
    '/me',
    {
      schema: {
        tags: ['admin'],
        summary: 'Who the server takes the caller for (API key and role, operator token, or anonymous), and whether it is keyless',
        description:
          'Never refuses a credential: a key the server does not recognise (revoked, rotated, mistyped) is answered as anonymous with `credential_refused` saying so. ' +
          'Like every read it needs a key when the server has keys and CROWDALPHA_PUBLIC_READS=false.',
        response: { 200: MeResponse },
      },
    },
    async (req): Promise<Static<typeof MeResponse>> => {
      const who = await access.identity(req);
      const keyless = !(await access.keyed());
      const enforcing = await access.enforcing();
      const header = req.headers.authorization;
      const sent = typeof header === 'string' && header.trim() !== '';
      // identity() answers anonymous for a credential it does not know; with nothing enforced that is
      // not a refusal (the header is simply not checked), so only then is it worth telling the caller.
      const refused =
        sent && who.kind === 'anonymous' && enforcing
          ? /^Bearer[ \t]+\S+[ \t]*$/i.test(header)
            ? 'the key sent is not a valid API key (revoked, rotated or mistyped) nor the operator token'
            : "the Authorization header is not of the form 'Bearer <key>'"
          : null;
      return {
        kind: who.kind,
        role: who.role,
        key_id: who.keyId,
        name: who.name,
        credential_refused: refused,
        keyless,
        operator_token: ctx.guard.enabled,
        public_reads: ctx.options.publicReads,
        can_deploy: keyless || who.role !== null,
        can_admin: !enforcing || who.role === 'admin',
      };
    },
  );

  app.get(
    '/me/owned',
    {
      config: { access: 'user' },
      schema: {
        tags: ['admin'],
        summary: "What the caller's API key owns: its agents in the current market, its strategies with every version, its submissions",
        description: `Lists are empty for a caller without a key (a keyless server, the operator token). Submissions: the newest ${OWNED_SUBMISSIONS_LIMIT}.`,
        response: { 200: OwnedResponse },
      },
    },
    async (req): Promise<Static<typeof OwnedResponse>> => {
      const keyId = (await access.identity(req)).keyId;
      if (keyId === null) return { key_id: null, agents: [], strategies: [], submissions: [] };
      const live = new Map(hub.market.allAgentStats().map((s) => [s.agent_id, s]));
      const agents: OwnedAgentWire[] = (await store.listAgents(hub.simulationId))
        .filter((row) => row.owner_key_id === keyId)
        .map((row) => {
          const now = live.get(row.agent_id);
          return {
            agent_id: row.agent_id,
            strategy_type: row.strategy,
            kind: row.kind,
            strategy_version: strategyVersionOf(row.config),
            status: now?.status ?? row.status,
            status_reason: now ? now.status_reason : row.status_reason,
            live: now !== undefined && !row.stopped_at,
            net_pnl: now ? Math.round(now.net_pnl * 100) / 100 : null,
            created_tick: row.created_tick,
            stopped_at: row.stopped_at ?? null,
          };
        });
      const names = await store.listUserStrategiesByOwnerKey(keyId);
      const versions = names.length === 0 ? [] : await store.listStrategyVersions();
      const strategies: OwnedStrategyWire[] = names.map((s) => ({
        name: s.name,
        version: s.version ?? 1,
        created_at: s.created_at,
        versions: versions.filter((v) => v.name === s.name).map((v) => ({ version: v.version, created_at: v.created_at, params: paramNames(v.params) })),
      }));
      const submissions = (await store.listSubmissionsByOwnerKey(keyId, OWNED_SUBMISSIONS_LIMIT)).map((row) => submissionToWire(row, true));
      return { key_id: keyId, agents, strategies, submissions };
    },
  );
};
