/**
 * Shared TypeBox schemas: the error body every route may answer with, and loose "engine JSON"
 * objects whose full shape is documented by the engine (they serialise as-is).
 */
import { Type } from '@sinclair/typebox';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '@crowdalpha/engine/wire';
import { ERRORS } from '../errors.js';

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ enum: Object.keys(ERRORS), description: 'stable error code from the catalogue' }),
        message: Type.String({ description: 'what was wrong and what would be right' }),
        field: Type.Optional(Type.String({ description: 'offending field, e.g. levels or body.config.seed' })),
        rule: Type.Optional(Type.String({ description: 'the rule that failed, e.g. maximum, required, enum' })),
        details: Type.Optional(Type.Unknown()),
      },
      { additionalProperties: false },
    ),
  },
  { title: 'ErrorBody', additionalProperties: false },
);

/** An object documented elsewhere (engine payloads); serialised unchanged. */
export const EngineJson = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Error responses a route may produce, for its OpenAPI entry. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBodySchema> {
  const out: Record<number, typeof ErrorBodySchema> = {};
  for (const s of statuses) out[s] = ErrorBodySchema;
  return out;
}

export const AgentIdSchema = Type.String({ pattern: AGENT_ID_PATTERN, description: AGENT_ID_RULE });
