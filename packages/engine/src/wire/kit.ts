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
