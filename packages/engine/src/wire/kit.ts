/** Small TypeBox helpers shared by the wire schemas. */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';

/** `T | null`. */
export const Nullable = <T extends TSchema>(t: T, description?: string) => Type.Union([t, Type.Null()], description ? { description } : {});

/** A closed object: the contract lists every field, serialisation drops anything else. */
export const Obj = <P extends TProperties>(props: P, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

/** A map keyed by agent id. */
export const ByAgent = <T extends TSchema>(t: T, description: string) => Type.Record(Type.String(), t, { description });

export const Num = (description?: string) => Type.Number(description ? { description } : {});
export const Int = (description?: string) => Type.Integer(description ? { description } : {});
export const Str = (description?: string) => Type.String(description ? { description } : {});

/** A number, string or boolean: the values of parameter maps and swept keys. */
export const Scalar = () => Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

/**
 * Any JSON value, as a recursive schema titled `JsonValue`: only where the content is free-form by
 * nature (a user strategy's own parameters, config overrides as written, a JSON Schema document, a
 * model file's caller-supplied notes). server/test/openapi-closed.test.ts lists every place it is
 * allowed. Each call makes a new schema with its own `$id` (TypeBox numbers them), because one
 * response schema may hold several and a serialiser refuses one `$id` defined twice.
 */
export const jsonValue = () =>
  Type.Recursive((This) => Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null(), Type.Array(This), Type.Record(Type.String(), This)]), {
    title: 'JsonValue',
    description: 'any JSON value',
  });

/**
 * A JSON object whose keys and values are free-form (see jsonValue). Its static type is
 * `Record<string, unknown>`: the recursive union TypeBox would infer helps no reader of it.
 */
export const JsonObject = (description: string) => Type.Unsafe<Record<string, unknown>>(Type.Record(Type.String(), jsonValue(), { description }));
