/**
 * The server's view of the wire contract: everything of `@crowdalpha/engine/wire`, plus the one
 * schema that is derived at startup rather than written down — the engine configuration, whose
 * keys other parts of the engine add over time (GET /market/config shows every one, snake_case).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { defaultConfig } from '@crowdalpha/engine';
import { toSnakeKeys } from '@crowdalpha/engine/wire';

const Int = () => Type.Integer();

export * from '@crowdalpha/engine/wire';

/** A schema describing `value`'s shape: the engine defaults become the config's schema. */
export function schemaOfValue(value: unknown, description?: string): TSchema {
  const opts = description ? { description } : {};
  if (typeof value === 'number') return Type.Number({ ...opts, default: value });
  if (typeof value === 'boolean') return Type.Boolean({ ...opts, default: value });
  if (typeof value === 'string') return Type.String({ ...opts, default: value });
  if (Array.isArray(value)) return Type.Array(value.length ? schemaOfValue(value[0]) : Type.Unknown(), opts);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return Type.Record(Type.String(), Type.Unknown(), opts);
    return Type.Object(Object.fromEntries(entries.map(([k, v]) => [k, schemaOfValue(v)])), { additionalProperties: false, ...opts });
  }
  // null defaults (e.g. an optional path) may hold anything their section documents.
  return Type.Unknown(opts);
}

/** The resolved engine configuration on the wire: every key snake_case, with its default. */
export const EngineConfigWire = schemaOfValue(toSnakeKeys(defaultConfig()), 'the resolved engine configuration (snake_case; POST /market/control reset accepts the same keys, or camelCase)');

/** GET /market/config */
export const MarketConfigResponse = Type.Object(
  {
    simulation_id: Type.String(),
    seed: Int(),
    running: Type.Boolean(),
    tick: Int(),
    tick_delay_ms: Int(),
    checkpoint_every: Int(),
    snapshot_every: Int(),
    config: EngineConfigWire,
  },
  { additionalProperties: false },
);
