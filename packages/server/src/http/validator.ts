/**
 * Request validation shared with the OpenAPI document: the same TypeBox schemas feed Ajv here and
 * @fastify/swagger there. Query strings and path params are coerced from text ("?levels=5");
 * JSON bodies are not, so `{"levels": "5"}` is a type error. Unknown body keys are refused, not
 * silently dropped. After the schema passes, coerced text parts are checked once more for
 * non-finite numbers (`?offset=Infinity`, `?limit=1e400`): JSON Schema's `number` allows them.
 */
import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { firstNonFinite, nonFiniteError } from './finite-numbers.js';

const common = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false } as const;

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? body : text;
    const validate = ajv.compile(schema as object);
    const part = httpPart ?? 'body';
    return (data: unknown) => {
      if (!validate(data)) return { error: Object.assign(new Error('validation'), { validation: validate.errors ?? [], validationContext: part }) };
      const bad = firstNonFinite(data);
      if (bad) return { error: nonFiniteError(bad, part) };
      return { value: data };
    };
  };
}
