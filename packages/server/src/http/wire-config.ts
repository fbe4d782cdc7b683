/**
 * Engine configuration across the wire boundary: the engine's keys are camelCase TypeScript, the
 * wire's snake_case. Clients may send either (the original API's and older clients' camelCase
 * keep working); the engine always receives camelCase and validates it (unknown keys refused).
 */
import type { DeepPartial, SimulationConfig } from '@crowdalpha/engine';
import { toCamelKeys, toSnakeKeys } from '@crowdalpha/engine/wire';

export function configToWire(config: Readonly<SimulationConfig>): Record<string, unknown> {
  return toSnakeKeys<Record<string, unknown>>(config);
}

export function configFromWire(body: Record<string, unknown>): DeepPartial<SimulationConfig> {
  return toCamelKeys<DeepPartial<SimulationConfig>>(body);
}
