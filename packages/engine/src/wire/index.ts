/**
 * `@crowdalpha/engine/wire` — the wire contract: what the REST API and the WebSocket stream send
 * and accept, as named types, plus the validation rules of names that cross the wire. The server
 * and the dashboard import this subpath; it has no runtime dependency on the rest of the engine.
 */
export * from './rules.js';
export * from './experiments.js';
export * from './rl-models.js';
