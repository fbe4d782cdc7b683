/**
 * Shared TypeBox schemas: the error body every route may answer with (the response bodies are
 * the wire contract's, `@crowdalpha/engine/wire`).
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
        details: Type.Optional(
          Type.Array(
            Type.Object(
              {
                message: Type.String(),
                field: Type.Optional(Type.String({ description: 'e.g. body.config.seed' })),
                rule: Type.Optional(Type.String()),
                line: Type.Optional(Type.Integer({ description: 'strategy source line (strategy refusals)' })),
                column: Type.Optional(Type.Integer()),
                severity: Type.Optional(Type.String({ description: 'error | warning' })),
              },
              { additionalProperties: false },
            ),
            { description: 'every problem found, when there was more than one thing to say (schema issues, strategy diagnostics, unread params)' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { title: 'ErrorBody', additionalProperties: false },
);

/** Error responses a route may produce, for its OpenAPI entry. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBodySchema> {
  const out: Record<number, typeof ErrorBodySchema> = {};
  for (const s of statuses) out[s] = ErrorBodySchema;
  return out;
}

export const AgentIdSchema = Type.String({ pattern: AGENT_ID_PATTERN, description: AGENT_ID_RULE });
