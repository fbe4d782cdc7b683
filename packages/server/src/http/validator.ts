/**
 * Request validation shared with the OpenAPI document: the same TypeBox schemas feed Ajv here and
 * @fastify/swagger there. Query strings and path params are coerced from text ("?levels=5");
 * JSON bodies are not, so `{"levels": "5"}` is a type error. Unknown body keys are refused, not
 * silently dropped.
 */
import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const common = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false } as const;

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? body : text;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
