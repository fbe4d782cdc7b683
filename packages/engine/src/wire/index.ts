/**
 * `@crowdalpha/engine/wire` — the wire contract, in one module: every REST response body and every
 * /ws/market payload as a named TypeBox schema with its static type, the enumerations that cross
 * the wire, the validation rules of names, and the snake_case / original-API-name mapping of
 * parameters. The engine builds these shapes, the server's response schemas are these schemas
 * (responses are serialised through them), and the dashboard imports only this subpath, so a
 * field renamed here fails the engine's, the server's and the dashboard's compilation.
 * It depends on nothing else in the engine.
 */
export * from './constants.js';
export * from './rules.js';
export * from './experiments.js';
export * from './rl-models.js';
export * from './case.js';
export * from './params.js';
export * from './book.js';
export * from './agents.js';
export * from './events.js';
export * from './market.js';
export * from './analytics.js';
export * from './strategies.js';
export * from './service.js';
export * from './ws-schema.js';
export * from './simulations.js';
export * from './accounts.js';
export { Nullable } from './kit.js';
